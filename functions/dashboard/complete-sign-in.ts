import { signInLinkError, signInProblemPage } from '../../shared/domain/dashboard/dashboard-pages.ts';
import { completeSignIn } from '../../shared/domain/facilitators/browser-sign-in.ts';
import { LinkToken } from '../../shared/domain/members/confirm-signup.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { httpHandler, page, seeOther } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/**
 * POST /sign-in/confirm (the link page's button): uses the link once, sets the session cookie
 * (`__Host-`, HttpOnly, Secure, SameSite=Strict, Path=/, 8 hours) and redirects to the dashboard.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'clock' | 'links'>) =>
  httpHandler(
    {
      body: z.object({ token: LinkToken }),
      accepts: ['form'],
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = signInLinkError(deps.org, error, '../');
        return problem && page(problem.status, problem.page);
      },
    },
    async ({ body }) => {
      const result = await completeSignIn(deps, body.token);
      if (result.outcome !== 'signed-in') {
        return page(result.outcome === 'used' ? 409 : 403, signInProblemPage(deps.org, result.outcome, '../'));
      }
      return { ...seeOther(deps.links.url(result.next)), cookies: [result.cookie] };
    },
  );
