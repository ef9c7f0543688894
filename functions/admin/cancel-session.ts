import { sessionView } from '../../shared/domain/sessions/manage-groups.ts';
import { cancelSession } from '../../shared/domain/sessions/schedule-sessions.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { facilitators, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** POST /admin/sessions/{sessionId}/cancel: everyone booked is told; a second cancel changes nothing. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions' | 'ids' | 'clock' | 'org'>) =>
  adminHandler(deps, {}, async ({ pathParameters }, facilitator) => {
    const { timezone, session } = await cancelSession(deps, facilitator, pathParameters.sessionId ?? '');
    return json(200, sessionView(session, { timezone }));
  });

export const handler = makeHandler(composeDeps({ org, clock, ids, facilitators, sessions }));
