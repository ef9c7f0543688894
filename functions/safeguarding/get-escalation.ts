import { getEscalation } from '../../shared/domain/safeguarding/get-escalation.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { escalations, facilitators } from '../../shared/runtime/aws/dynamo.ts';
import { httpHandler, json } from '../../shared/runtime/http.ts';

/** GET /admin/escalations/{escalationId} → `{ status, level, round, timeline, … }`. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'escalations'>) =>
  httpHandler({}, async ({ headers, pathParameters }) =>
    json(200, await getEscalation(deps, headers.authorization, pathParameters.escalationId ?? '')),
  );

export const handler = makeHandler(composeDeps({ facilitators, escalations }));
