import { BookingAction, updateBooking } from '../../shared/domain/sessions/book-session.ts';
import { placesLeft } from '../../shared/domain/sessions/manage-groups.ts';
import { bookingLinkErrorPage, bookingPage } from '../../shared/domain/sessions/session-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { members, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, json, page } from '../../shared/runtime/http.ts';

/** POST /sessions/{sessionId}/book: "Book a place" or "Cancel my place" from the booking page (token in a hidden field). */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'members' | 'sessions' | 'clock' | 'ids'>) =>
  httpHandler(
    {
      body: BookingAction,
      accepts: ['form', 'json'],
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = bookingLinkErrorPage(deps.org, error);
        return problem && page(problem.status, problem.page);
      },
    },
    async ({ body, pathParameters, wantsHtml }) => {
      const { result, view } = await updateBooking(deps, pathParameters.sessionId ?? '', body);
      if (wantsHtml) return page(200, bookingPage(deps.org, view, body.token, result));
      return json(200, { result, status: view.booking?.status ?? 'none', placesLeft: placesLeft(view.session) });
    },
  );

export const handler = makeHandler(composeDeps({ org, clock, ids, members, sessions, tokens }));
