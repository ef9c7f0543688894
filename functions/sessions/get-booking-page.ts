import { LinkToken } from '../../shared/domain/members/confirm-signup.ts';
import { viewBooking } from '../../shared/domain/sessions/book-session.ts';
import { bookingLinkErrorPage, bookingPage } from '../../shared/domain/sessions/session-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, org } from '../../shared/runtime/aws/core.ts';
import { members, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, page } from '../../shared/runtime/http.ts';
import * as z from '../../shared/zod.ts';

/** GET /sessions/{sessionId}/book?t=…: the booking link's page. Books nothing; its button POSTs. */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'members' | 'sessions' | 'clock'>) =>
  httpHandler(
    {
      query: z.object({ t: LinkToken }),
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = bookingLinkErrorPage(deps.org, error);
        return problem && page(problem.status, problem.page);
      },
    },
    async ({ query, pathParameters }) =>
      page(200, bookingPage(deps.org, await viewBooking(deps, pathParameters.sessionId ?? '', query.t), query.t)),
  );

export const handler = makeHandler(composeDeps({ org, clock, members, sessions, tokens }));
