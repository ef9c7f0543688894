import { approveJoinRequest } from '../../shared/domain/sessions/join-requests.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { dashboardHandler } from '../../shared/runtime/dashboard.ts';
import { seeOther } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/**
 * POST /dashboard/groups/{groupId}/requests/{memberId}/approve: the Approve button. The member joins
 * (GroupJoinApproved: the session-mail consumer emails them the sessions they can book); the browser
 * is sent back to the requests page, which says so.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'sessions' | 'members' | 'ids' | 'clock'>) =>
  dashboardHandler(
    deps,
    '../../../../../',
    async ({ pathParameters }, facilitator) => {
      const { status } = await approveJoinRequest(deps, facilitator, pathParameters.groupId ?? '', pathParameters.memberId ?? '');
      // Relative, like every dashboard link: from …/requests/{memberId}/approve back to …/requests.
      return seeOther(`../../requests?done=${status}`);
    },
    // The button's (empty) form: the cross-site check applies, and nothing else is read.
    { body: z.object({}), accepts: ['form'] },
  );
