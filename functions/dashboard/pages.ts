import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { checkins, facilitators, members, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { routeByKey } from '../../shared/runtime/route-by-key.ts';
import { makeHandler as approveJoinRequest } from './approve-join-request.ts';
import { makeHandler as getDashboard } from './get-dashboard.ts';
import { makeHandler as getGroupPage } from './get-group-page.ts';
import { makeHandler as getJoinRequestsPage } from './get-join-requests-page.ts';
import { makeHandler as getSessionPage } from './get-session-page.ts';

/**
 * The dashboard's pages, one function, each behind the session cookie: `GET /dashboard` (your
 * groups), `GET /dashboard/groups/{groupId}` (the check-in trend), `GET /dashboard/sessions/{sessionId}`,
 * `GET /dashboard/groups/{groupId}/requests` (who asked to join) and its Approve form
 * (`POST …/requests/{memberId}/approve`).
 */
export const makeHandler = (
  deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'sessions' | 'checkins' | 'members' | 'clock' | 'ids'>,
) =>
  routeByKey({
    'GET /dashboard': getDashboard(deps),
    'GET /dashboard/groups/{groupId}': getGroupPage(deps),
    'GET /dashboard/sessions/{sessionId}': getSessionPage(deps),
    'GET /dashboard/groups/{groupId}/requests': getJoinRequestsPage(deps),
    'POST /dashboard/groups/{groupId}/requests/{memberId}/approve': approveJoinRequest(deps),
  });

export const handler = makeHandler(composeDeps({ org, clock, ids, facilitators, tokens, sessions, checkins, members }));
