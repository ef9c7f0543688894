import { sessionView } from '../../shared/domain/sessions/manage-groups.ts';
import { CreateSessionsRequest } from '../../shared/domain/sessions/model.ts';
import { scheduleSessions } from '../../shared/domain/sessions/schedule-sessions.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { facilitators, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** POST /admin/groups/{groupId}/sessions: one session or a series in the group's time zone. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions' | 'ids' | 'clock' | 'org'>) =>
  adminHandler(deps, { body: CreateSessionsRequest }, async ({ body, pathParameters }, facilitator) => {
    const { group, sessions } = await scheduleSessions(deps, facilitator, pathParameters.groupId ?? '', body);
    return json(201, { sessions: sessions.map((s) => sessionView(s, group)) });
  });

export const handler = makeHandler(composeDeps({ org, clock, ids, facilitators, sessions }));
