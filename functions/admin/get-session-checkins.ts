import { sessionCheckins } from '../../shared/domain/checkins/session-checkins.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { org } from '../../shared/runtime/aws/core.ts';
import { checkins, facilitators, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** GET /admin/sessions/{sessionId}/checkins */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions' | 'checkins' | 'org'>) =>
  adminHandler(deps, {}, async ({ pathParameters }, facilitator) =>
    json(200, await sessionCheckins(deps, facilitator, pathParameters.sessionId ?? '')),
  );

export const handler = makeHandler(composeDeps({ org, facilitators, sessions, checkins }));
