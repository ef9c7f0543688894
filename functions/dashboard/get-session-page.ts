import { sessionCheckins } from '../../shared/domain/checkins/session-checkins.ts';
import { sessionCheckinsPage } from '../../shared/domain/dashboard/dashboard-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { dashboardHandler } from '../../shared/runtime/dashboard.ts';
import { page } from '../../shared/runtime/http.ts';

/** GET /dashboard/sessions/{sessionId}: one session's check-ins (the wellbeing alert links here). */
export const makeHandler = (deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'sessions' | 'checkins'>) =>
  dashboardHandler(deps, '../../', async ({ pathParameters }, facilitator) =>
    page(
      200,
      sessionCheckinsPage(deps.org, facilitator, await sessionCheckins(deps, facilitator, pathParameters.sessionId ?? '')),
    ),
  );
