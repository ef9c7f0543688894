import { getRoster } from '../../shared/domain/sessions/roster.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { facilitators, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** GET /admin/sessions/{sessionId}/roster */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions'>) =>
  adminHandler(deps, {}, async ({ pathParameters }, facilitator) =>
    json(200, await getRoster(deps, facilitator, pathParameters.sessionId ?? '')),
  );

export const handler = makeHandler(composeDeps({ facilitators, sessions }));
