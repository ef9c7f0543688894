import { ValidationError } from '../../shared/domain/errors.ts';
import { createSignup, SIGNUP_ACCEPTED, SignupRequest, signupFromForm } from '../../shared/domain/members/create-signup.ts';
import { checkEmailPage, signupFormValues, signupPage } from '../../shared/domain/members/member-pages.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, org } from '../../shared/runtime/aws/core.ts';
import { members } from '../../shared/runtime/aws/dynamo.ts';
import { httpHandler, json, page } from '../../shared/runtime/http.ts';

/**
 * POST /signups, as JSON or as the hosted page's form. Every accepted sign-up gets the same answer
 * (202, or the "check your email" page), whether the address is new, pending or a member.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'members' | 'ids' | 'clock'>) =>
  httpHandler(
    {
      body: SignupRequest,
      accepts: ['json', 'form'],
      fromForm: signupFromForm,
      orgName: () => deps.org.name,
      // A form with mistakes comes back with its values and a message by each field.
      errorPage: (error, req) =>
        req.bodyKind === 'form' && error instanceof ValidationError
          ? page(400, signupPage(deps.org, signupFormValues(Object.fromEntries(new URLSearchParams(req.rawBody))), error.fields))
          : undefined,
    },
    async ({ body, bodyKind }) => {
      await createSignup(deps, body);
      return bodyKind === 'form' ? page(202, checkEmailPage(deps.org)) : json(202, SIGNUP_ACCEPTED);
    },
  );

export const handler = makeHandler(composeDeps({ org, clock, ids, members }));
