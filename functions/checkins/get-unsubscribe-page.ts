import {
  checkUnsubscribeLink,
  unsubscribeLinkError,
  unsubscribePage,
} from '../../shared/domain/checkins/unsubscribe-checkins.ts';
import { LinkToken } from '../../shared/domain/members/confirm-signup.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { org } from '../../shared/runtime/aws/core.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/** GET /checkins/unsubscribe?t=…: a page with a button. Changes nothing (link scanners open links). */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens'>) =>
  httpHandler(
    {
      query: z.object({ t: LinkToken }),
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = unsubscribeLinkError(deps.org, error);
        return problem && page(problem.status, problem.page);
      },
    },
    async ({ query }) => {
      await checkUnsubscribeLink(deps, query.t);
      return page(200, unsubscribePage(deps.org, query.t));
    },
  );

export const handler = makeHandler(composeDeps({ org, tokens }));
