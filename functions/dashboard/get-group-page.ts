import { groupCheckinTrend } from '../../shared/domain/checkins/group-trend.ts';
import { groupTrendPage } from '../../shared/domain/dashboard/dashboard-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { dashboardHandler } from '../../shared/runtime/dashboard.ts';
import { page } from '../../shared/runtime/http.ts';

/** GET /dashboard/groups/{groupId}: the group's check-in trend, a chart and a table (k-anonymous). */
export const makeHandler = (deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'sessions' | 'checkins' | 'clock'>) =>
  dashboardHandler(deps, '../../', async ({ pathParameters }, facilitator) =>
    page(200, groupTrendPage(deps.org, facilitator, await groupCheckinTrend(deps, facilitator, pathParameters.groupId ?? ''))),
  );
