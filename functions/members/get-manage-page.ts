import { LinkToken } from '../../shared/domain/members/confirm-signup.ts';
import { dataDeletedPage, linkErrorPage, managePage } from '../../shared/domain/members/member-pages.ts';
import { viewMembership } from '../../shared/domain/members/update-membership.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { org } from '../../shared/runtime/aws/core.ts';
import { members, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/**
 * GET /manage?t=…: the manage page from the welcome email (and, offering a group to join, from the
 * "you already have an account" email). Changes nothing; its buttons POST.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'members' | 'sessions'>) =>
  httpHandler(
    {
      query: z.object({ t: LinkToken }),
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = linkErrorPage(deps.org, error, 'manage');
        return problem && page(problem.status, problem.page);
      },
    },
    async ({ query }) => {
      const { member, join } = await viewMembership(deps, query.t);
      if (member.status === 'erased') return page(200, dataDeletedPage(deps.org, false));
      return page(200, managePage(deps.org, member, query.t, join ? { join } : {}));
    },
  );

export const handler = makeHandler(composeDeps({ org, members, sessions, tokens }));
