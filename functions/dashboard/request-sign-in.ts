import { signInPage, signInSentPage } from '../../shared/domain/dashboard/dashboard-pages.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { requestSignIn, SignInRequest } from '../../shared/domain/facilitators/browser-sign-in.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { httpHandler, json, page } from '../../shared/runtime/http.ts';

/**
 * POST /sign-in `email` (form or JSON): the same answer whether or not the address belongs to a
 * facilitator; a facilitator gets an emailed link (at most 5 an hour).
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'links' | 'mail' | 'clock'>) =>
  httpHandler(
    {
      body: SignInRequest,
      accepts: ['form', 'json'],
      orgName: () => deps.org.name,
      errorPage: (error, req) => {
        if (!(error instanceof ValidationError) || !error.fields.email) return undefined;
        const form = req.rawBody ? Object.fromEntries(new URLSearchParams(req.rawBody)) : {};
        return page(400, signInPage(deps.org, { email: String(form.email ?? ''), error: error.fields.email }));
      },
    },
    async ({ body, wantsHtml }) => {
      await requestSignIn(deps, body);
      return wantsHtml ? page(200, signInSentPage(deps.org)) : json(202, { status: 'accepted' });
    },
  );
