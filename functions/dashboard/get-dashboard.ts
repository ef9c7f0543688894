import { dashboardPage } from '../../shared/domain/dashboard/dashboard-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { dashboardHandler } from '../../shared/runtime/dashboard.ts';
import { page } from '../../shared/runtime/http.ts';

/** GET /dashboard: the signed-in facilitator's groups (an admin's: every group). Query gsi1 `GROUPS`. */
export const makeHandler = (deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'sessions'>) =>
  dashboardHandler(deps, '', async (_req, facilitator) => {
    const groups = (await deps.sessions.listGroups())
      .filter((g) => facilitator.role === 'admin' || g.facilitatorIds.includes(facilitator.facilitatorId))
      .sort((a, b) => a.name.localeCompare(b.name));
    return page(200, dashboardPage(deps.org, facilitator, groups));
  });
