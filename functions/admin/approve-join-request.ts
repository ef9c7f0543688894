import { approveJoinRequest } from '../../shared/domain/sessions/join-requests.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids } from '../../shared/runtime/aws/core.ts';
import { facilitators, members, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** POST /admin/groups/{groupId}/requests/{memberId}/approve: the member joins the closed group. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions' | 'members' | 'ids' | 'clock'>) =>
  adminHandler(deps, {}, async ({ pathParameters }, facilitator) =>
    json(200, await approveJoinRequest(deps, facilitator, pathParameters.groupId ?? '', pathParameters.memberId ?? '')),
  );

export const handler = makeHandler(composeDeps({ clock, ids, members, facilitators, sessions }));
