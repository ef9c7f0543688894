import { signInPage } from '../domain/dashboard/dashboard-pages.ts';
import { UnauthorizedError } from '../domain/errors.ts';
import { authenticateBrowserSession, sessionCookieValue } from '../domain/facilitators/browser-sign-in.ts';
import type { Facilitator } from '../domain/facilitators/facilitator.ts';
import type { Deps } from '../ports/index.ts';
import { type HttpEvent, type HttpRequest, type HttpResult, httpHandler, page } from './http.ts';

/**
 * `httpHandler` for the dashboard's pages (GET): authenticates the `__Host-kith_session` cookie
 * against the facilitator record before anything else. Without a valid session a browser gets the
 * sign-in page (401), offering a same-site "continue" link too: a SameSite=Strict cookie is not
 * sent on the first navigation from a link in a webmail, but is on the next click. `root` climbs
 * from the page's folder to the site root (for relative links).
 */
export function dashboardHandler(
  deps: Pick<Deps, 'facilitators' | 'tokens' | 'org'>,
  root: string,
  fn: (req: HttpRequest<undefined, undefined>, facilitator: Facilitator) => Promise<HttpResult>,
) {
  const callers = new WeakMap<HttpEvent, Facilitator>();
  return httpHandler(
    {
      orgName: () => deps.org.name,
      before: async (req) => {
        const value = sessionCookieValue(req.event.cookies, req.headers.cookie);
        const facilitator = await authenticateBrowserSession(deps, value);
        if (!facilitator) throw new UnauthorizedError('Sign in to see this page.');
        callers.set(req.event, facilitator);
      },
      errorPage: (error, req) => {
        if (!(error instanceof UnauthorizedError)) return undefined;
        const path = req.event.rawPath;
        const next = /^\/dashboard(\/[A-Za-z0-9_-]+)*$/.test(path) ? path : undefined;
        const last = path.split('/').pop() ?? '';
        return page(
          401,
          signInPage(deps.org, { ...(next ? { next } : {}), ...(next ? { notSignedIn: { continueUrl: last } } : {}) }, root),
        );
      },
    },
    async (req) => {
      const facilitator = callers.get(req.event);
      if (!facilitator) throw new Error('dashboardHandler: no signed-in facilitator');
      return fn(req, facilitator);
    },
  );
}
