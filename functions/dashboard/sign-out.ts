import { signedOutPage } from '../../shared/domain/dashboard/dashboard-pages.ts';
import {
  authenticateBrowserSession,
  clearedSessionCookie,
  sessionCookieValue,
  signOut,
} from '../../shared/domain/facilitators/browser-sign-in.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/** POST /sign-out: ends the facilitator's browser sessions on every device and clears the cookie. */
export const makeHandler = (deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'clock'>) =>
  httpHandler(
    // An (empty) form body, so the cross-site form check applies.
    { body: z.object({}), accepts: ['form'], orgName: () => deps.org.name },
    async ({ event, headers }) => {
      const facilitator = await authenticateBrowserSession(deps, sessionCookieValue(event.cookies, headers.cookie));
      await signOut(deps, facilitator);
      return { ...page(200, signedOutPage(deps.org)), cookies: [clearedSessionCookie] };
    },
  );
