import { signInPage } from '../../shared/domain/dashboard/dashboard-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';

/** GET /sign-in: the facilitators' sign-in page (an email address; no password). */
export const makeHandler = (deps: Pick<Deps, 'org'>) =>
  httpHandler({ orgName: () => deps.org.name }, async () => page(200, signInPage(deps.org)));
