import { getEscalation } from '../../shared/domain/safeguarding/get-escalation.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { awsDeps } from '../../shared/runtime/aws-deps.ts';
import { httpHandler, json } from '../../shared/runtime/http.ts';

/** GET /admin/escalations/{escalationId} → `{ status, level, round, timeline, … }`. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'escalations'>) =>
  httpHandler({}, async ({ headers, pathParameters }) =>
    json(200, await getEscalation(deps, headers.authorization, pathParameters.escalationId ?? '')),
  );

export const handler = makeHandler(awsDeps());
