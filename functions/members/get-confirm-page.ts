import { LinkToken, viewConfirmation } from '../../shared/domain/members/confirm-signup.ts';
import { confirmedPage, confirmPage, linkErrorPage, signupDeletedPage } from '../../shared/domain/members/member-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { org } from '../../shared/runtime/aws/core.ts';
import { members } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/**
 * GET /confirm?t=…: the confirmation link's page. It changes nothing (mail scanners fetch and
 * render links); its button POSTs the token to /confirm.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'members'>) =>
  httpHandler(
    {
      query: z.object({ t: LinkToken }),
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = linkErrorPage(deps.org, error, 'confirm');
        return problem && page(problem.status, problem.page);
      },
    },
    async ({ query }) => {
      const state = await viewConfirmation(deps, query.t);
      if (state === 'pending') return page(200, confirmPage(deps.org, query.t));
      if (state === 'already-confirmed') return page(200, confirmedPage(deps.org, true));
      return page(410, signupDeletedPage(deps.org));
    },
  );

export const handler = makeHandler(composeDeps({ org, members, tokens }));
