import { approveJoinRequest } from '../../shared/domain/sessions/join-requests.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { awsDeps } from '../../shared/runtime/aws-deps.ts';
import { json } from '../../shared/runtime/http.ts';

/** POST /admin/groups/{groupId}/requests/{memberId}/approve: the member joins the closed group. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions' | 'members' | 'ids' | 'clock'>) =>
  adminHandler(deps, {}, async ({ pathParameters }, facilitator) =>
    json(200, await approveJoinRequest(deps, facilitator, pathParameters.groupId ?? '', pathParameters.memberId ?? '')),
  );

export const handler = makeHandler(awsDeps());
