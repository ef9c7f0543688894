import { sessionView } from '../../shared/domain/sessions/manage-groups.ts';
import { RescheduleSessionRequest } from '../../shared/domain/sessions/model.ts';
import { rescheduleSession } from '../../shared/domain/sessions/schedule-sessions.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { facilitators, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** PATCH /admin/sessions/{sessionId}: reschedule; everyone booked is told. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions' | 'ids' | 'clock' | 'org'>) =>
  adminHandler(deps, { body: RescheduleSessionRequest }, async ({ body, pathParameters }, facilitator) => {
    const { timezone, session } = await rescheduleSession(deps, facilitator, pathParameters.sessionId ?? '', body);
    return json(200, sessionView(session, { timezone }));
  });

export const handler = makeHandler(composeDeps({ org, clock, ids, facilitators, sessions }));
