import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, links, org } from '../../shared/runtime/aws/core.ts';
import { facilitators } from '../../shared/runtime/aws/dynamo.ts';
import { mail } from '../../shared/runtime/aws/mail.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { routeByKey } from '../../shared/runtime/route-by-key.ts';
import { makeHandler as completeSignIn } from './complete-sign-in.ts';
import { makeHandler as getSignInLinkPage } from './get-sign-in-link-page.ts';
import { makeHandler as getSignInPage } from './get-sign-in-page.ts';
import { makeHandler as requestSignIn } from './request-sign-in.ts';
import { makeHandler as signOut } from './sign-out.ts';

/**
 * The facilitators' browser sign-in, one function: `GET /sign-in` (the form), `POST /sign-in`
 * (emails a link), `GET /sign-in/confirm` (the link's page, changes nothing), `POST /sign-in/confirm`
 * (the button: session cookie), `POST /sign-out`.
 */
export const makeHandler = (deps: Pick<Deps, 'org' | 'facilitators' | 'tokens' | 'links' | 'mail' | 'clock'>) =>
  routeByKey({
    'GET /sign-in': getSignInPage(deps),
    'POST /sign-in': requestSignIn(deps),
    'GET /sign-in/confirm': getSignInLinkPage(deps),
    'POST /sign-in/confirm': completeSignIn(deps),
    'POST /sign-out': signOut(deps),
  });

export const handler = makeHandler(composeDeps({ org, clock, links, facilitators, tokens, mail }));
