import { signInPage } from '../domain/dashboard/dashboard-pages.ts';
import { UnauthorizedError } from '../domain/errors.ts';
import { authenticateBrowserSession, sessionCookieValue } from '../domain/facilitators/browser-sign-in.ts';
import type { Facilitator } from '../domain/facilitators/facilitator.ts';
import type { Deps } from '../ports/index.ts';
import type * as z from '../zod.ts';
import { type HttpEvent, type HttpOptions, type HttpRequest, type HttpResult, httpHandler, type Infer, page } from './http.ts';

/**
 * `httpHandler` for the dashboard's pages and its forms: authenticates the `__Host-kith_session` cookie
 * against the facilitator record before anything else. Without a valid session a browser gets the
 * sign-in page (401), offering a same-site "continue" link too: a SameSite=Strict cookie is not
 * sent on the first navigation from a link in a webmail, but is on the next click. `root` climbs
 * from the page's folder to the site root (for relative links). A form post (`options.body`, form
 * only) is refused from another site before the cookie is even read (httpHandler), and the cookie
 * is SameSite=Strict besides.
 */
export function dashboardHandler<
  B extends z.ZodMiniType | undefined = undefined,
  Q extends z.ZodMiniType | undefined = undefined,
>(
  deps: Pick<Deps, 'facilitators' | 'tokens' | 'org'>,
  root: string,
  fn: (req: HttpRequest<Infer<B>, Infer<Q>>, facilitator: Facilitator) => Promise<HttpResult>,
  options: Pick<HttpOptions<B, Q>, 'body' | 'query' | 'accepts'> = {},
) {
  const callers = new WeakMap<HttpEvent, Facilitator>();
  return httpHandler<B, Q>(
    {
      ...options,
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
        // Back to the page after signing in; a form's address is no page (its page is one up).
        const get = (req.event.requestContext?.http?.method ?? 'GET') === 'GET';
        const next = get && /^\/dashboard(\/[A-Za-z0-9_-]+)*$/.test(path) ? path : undefined;
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
