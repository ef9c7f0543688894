import { CheckinLink, openCheckin } from '../../shared/domain/checkins/answer-checkin.ts';
import { checkinLinkError, checkinPage } from '../../shared/domain/checkins/checkin-pages.ts';
import { LinkToken } from '../../shared/domain/members/confirm-signup.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, org } from '../../shared/runtime/aws/core.ts';
import { checkins } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/**
 * GET /checkins/{sessionId}?t=…&a=1…5|contact: the answer page with that answer pre-selected.
 * Records at most that the link was opened (and flags likely link scanners); never an answer.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'checkins' | 'clock'>) =>
  httpHandler(
    {
      query: z.object({ t: LinkToken, a: CheckinLink }),
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = checkinLinkError(deps.org, error);
        return problem && page(problem.status, problem.page);
      },
    },
    async ({ query, pathParameters }) => {
      const sessionId = pathParameters.sessionId ?? '';
      const { record, expiresAt } = await openCheckin(deps, sessionId, query.t, query.a);
      return page(
        200,
        checkinPage(deps.org, {
          sessionId,
          token: query.t,
          link: query.a,
          expiresAt,
          ...(record.answer ? { saved: record.answer } : {}),
        }),
      );
    },
  );

export const handler = makeHandler(composeDeps({ org, clock, checkins, tokens }));
