import { signInLinkError, signInLinkPage } from '../../shared/domain/dashboard/dashboard-pages.ts';
import { checkSignInLink } from '../../shared/domain/facilitators/browser-sign-in.ts';
import { LinkToken } from '../../shared/domain/members/confirm-signup.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/**
 * GET /sign-in/confirm?t=…: the emailed link's page with a "Sign in" button. It signs nobody in
 * and changes nothing (mail scanners open links).
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens'>) =>
  httpHandler(
    {
      query: z.object({ t: LinkToken }),
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = signInLinkError(deps.org, error, '../');
        return problem && page(problem.status, problem.page);
      },
    },
    async ({ query }) => {
      await checkSignInLink(deps, query.t);
      return page(200, signInLinkPage(deps.org, query.t));
    },
  );
