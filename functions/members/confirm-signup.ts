import { ConfirmSignupRequest, confirmSignup } from '../../shared/domain/members/confirm-signup.ts';
import { confirmedPage, linkErrorPage, signupDeletedPage } from '../../shared/domain/members/member-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { members } from '../../shared/runtime/aws/dynamo.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { httpHandler, json, page } from '../../shared/runtime/http.ts';

/** POST /confirm: the confirmation page's button (the token in a hidden field). */
export const makeHandler = (deps: Pick<Deps, 'org' | 'tokens' | 'members' | 'ids' | 'clock'>) =>
  httpHandler(
    {
      body: ConfirmSignupRequest,
      accepts: ['form', 'json'],
      orgName: () => deps.org.name,
      errorPage: (error) => {
        const problem = linkErrorPage(deps.org, error, 'confirm');
        return problem && page(problem.status, problem.page);
      },
    },
    async ({ body, wantsHtml }) => {
      const state = await confirmSignup(deps, body.token);
      if (state === 'erased') {
        return wantsHtml
          ? page(410, signupDeletedPage(deps.org))
          : json(410, { error: { code: 'member_erased', message: 'This sign-up was deleted.' } });
      }
      if (wantsHtml) return page(200, confirmedPage(deps.org, state === 'already-confirmed'));
      return json(200, { status: state === 'confirmed' ? 'confirmed' : 'already_confirmed' });
    },
  );

export const handler = makeHandler(composeDeps({ org, clock, ids, members, tokens }));
