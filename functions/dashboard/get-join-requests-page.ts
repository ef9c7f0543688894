import { joinRequestsPage } from '../../shared/domain/dashboard/dashboard-pages.ts';
import { joinRequestsView } from '../../shared/domain/sessions/join-requests.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { dashboardHandler } from '../../shared/runtime/dashboard.ts';
import { page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/** What the approve form's redirect says happened (shown once; an unknown value shows nothing). */
const Query = z.object({ done: z.optional(z.string()) });

/** GET /dashboard/groups/{groupId}/requests: who asked to join the group, with an Approve button each. */
export const makeHandler = (deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'sessions'>) =>
  dashboardHandler(
    deps,
    '../../../',
    async ({ pathParameters, query }, facilitator) => {
      const { group, requests } = await joinRequestsView(deps, facilitator, pathParameters.groupId ?? '');
      const done = query.done === 'approved' || query.done === 'already_member' ? query.done : undefined;
      return page(200, joinRequestsPage(deps.org, facilitator, group, requests, done));
    },
    { query: Query },
  );
