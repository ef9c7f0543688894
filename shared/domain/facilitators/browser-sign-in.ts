import type { Deps, EmailMessage } from '../../ports/index.ts';
import { emailDocument, html } from '../../runtime/html.ts';
import { createLogger } from '../../runtime/logger.ts';
import * as z from '../../zod.ts';
import { InvalidTokenError } from '../errors.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { Facilitator } from './facilitator.ts';

/**
 * Browser sign-in for facilitators (the dashboard), the way production systems do it without
 * passwords: an emailed, short-lived, single-use link whose page has a "Sign in" button (GET never
 * signs anyone in: mail scanners open links), and a signed session cookie re-checked against the
 * facilitator record on every request (a revoked facilitator, or one who signed out, is out at once).
 */

export const SIGN_IN_LINK_PURPOSE = 'facilitator-sign-in';
export const BROWSER_SESSION_PURPOSE = 'facilitator-session';
export const SIGN_IN_LINK_MINUTES = 15;
export const BROWSER_SESSION_HOURS = 8;
/** Sign-in emails per address per hour; more requests answer the same and send nothing. */
export const SIGN_IN_EMAILS_PER_HOUR = 5;
/** `__Host-`: only over HTTPS (or localhost), only for this host, Path=/: no subdomain can set or read it. */
export const SESSION_COOKIE = '__Host-kith_session';

/** Where a sign-in may lead: a dashboard page (never another site). */
export const DashboardPath = z
  .string()
  .check(z.maxLength(200), z.regex(/^\/dashboard(\/[A-Za-z0-9_-]+)*$/, { message: 'must be a dashboard page' }));

export const SignInRequest = z.object({
  email: z.pipe(
    z.string().check(z.trim()),
    z.email({ message: 'must be an email address' }).check(z.maxLength(254, { message: 'at most 254 characters' })),
  ),
  next: z.catch(z.optional(DashboardPath), undefined),
});
export type SignInRequest = z.input<typeof SignInRequest>;

const logger = createLogger('sign-in');

/**
 * POST /sign-in. Answers the same whatever the address: when it belongs to a live facilitator and
 * fewer than {@link SIGN_IN_EMAILS_PER_HOUR} links went to it in the last hour, emails a link.
 * The lookup is a Query of gsi1 `FACILITATORS` (an organisation has tens of facilitators); the
 * newest live record with the address signs in.
 */
/** How long the sign-in email may wait for SES during a bulk send (the API function has 10 s). */
export const SIGN_IN_SEND_BUDGET_MS = 5000;

export async function requestSignIn(
  deps: Pick<Deps, 'facilitators' | 'tokens' | 'links' | 'mail' | 'clock' | 'org'>,
  input: SignInRequest,
): Promise<void> {
  const request = SignInRequest.parse(input);
  const wanted = request.email.toLowerCase();
  const [facilitator] = (await deps.facilitators.list())
    .filter((f) => !f.revokedAt && f.email.trim().toLowerCase() === wanted)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (!facilitator) return;
  const now = deps.clock.now();
  const at = now.toISOString();
  const windowStartAfter = new Date(now.getTime() - 3_600_000).toISOString();
  const counted = await deps.facilitators.recordSignInEmail(facilitator.facilitatorId, {
    at,
    windowStartAfter,
    max: SIGN_IN_EMAILS_PER_HOUR,
  });
  if (counted === 'limited') return;
  const serial = String(counted.serial);
  const token = await deps.tokens.sign({
    purpose: SIGN_IN_LINK_PURPOSE,
    subject: facilitator.facilitatorId,
    ttlSeconds: SIGN_IN_LINK_MINUTES * 60,
    data: { link: serial, ...(request.next ? { next: request.next } : {}) },
  });
  try {
    // Someone is waiting at the page, inside an API function's 10 s: not in turn behind a bulk send,
    // and given up (the page answers the same) well before the function would time out.
    await deps.mail.send(signInEmail(deps.org, facilitator.email, deps.links.url('/sign-in/confirm', { t: token })), {
      urgent: true,
      maxWaitMs: SIGN_IN_SEND_BUDGET_MS,
    });
  } catch (error) {
    // The page answers the same either way (an error would tell who is a facilitator); the person
    // asks again. Logged without the address.
    logger.error('sign-in email failed', { id_facilitator: facilitator.facilitatorId, error });
  }
}

/** GET /sign-in/confirm?t=…: only checks the link (signature, purpose, expiry). Changes nothing. */
export async function checkSignInLink(deps: Pick<Deps, 'tokens'>, token: string): Promise<void> {
  await deps.tokens.verify(token, SIGN_IN_LINK_PURPOSE);
}

export type SignInOutcome =
  | { outcome: 'signed-in'; cookie: string; next: string; facilitator: Facilitator }
  | { outcome: 'used' | 'not-allowed' };

/**
 * POST /sign-in/confirm: the page's button. Uses the link once (and voids older links), refuses a
 * revoked facilitator, and returns the session cookie.
 */
export async function completeSignIn(
  deps: Pick<Deps, 'facilitators' | 'tokens' | 'clock'>,
  token: string,
): Promise<SignInOutcome> {
  const claims = await deps.tokens.verify(token, SIGN_IN_LINK_PURPOSE);
  const serial = Number(claims.data?.link);
  if (!Number.isSafeInteger(serial) || serial < 1) throw new InvalidTokenError('This link is not valid.');
  const facilitator = await deps.facilitators.get(claims.subject);
  if (!facilitator || facilitator.revokedAt) return { outcome: 'not-allowed' };
  if (!(await deps.facilitators.useSignInLink(facilitator.facilitatorId, serial))) return { outcome: 'used' };
  const session = await deps.tokens.sign({
    purpose: BROWSER_SESSION_PURPOSE,
    subject: facilitator.facilitatorId,
    ttlSeconds: BROWSER_SESSION_HOURS * 3600,
    data: { startedAt: deps.clock.now().toISOString() },
  });
  const next = DashboardPath.safeParse(claims.data?.next);
  return {
    outcome: 'signed-in',
    cookie: sessionCookie(session),
    next: next.success ? next.data : '/dashboard',
    facilitator,
  };
}

export function sessionCookie(value: string): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${BROWSER_SESSION_HOURS * 3600}; HttpOnly; Secure; SameSite=Strict`;
}

export const clearedSessionCookie = `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;

/** The session cookie's value among the request's cookies (API Gateway v2 `cookies`, or a Cookie header). */
export function sessionCookieValue(cookies: readonly string[] | undefined, cookieHeader: string | undefined): string | undefined {
  const all = [...(cookies ?? []), ...(cookieHeader ?? '').split(';')].map((c) => c.trim());
  for (const c of all) {
    if (c.startsWith(`${SESSION_COOKIE}=`)) return c.slice(SESSION_COOKIE.length + 1) || undefined;
  }
  return undefined;
}

/**
 * The facilitator a browser session belongs to, checked against the record on every request:
 * undefined for a missing, tampered, expired or foreign cookie, a revoked facilitator, or a
 * session begun before the facilitator last signed out.
 */
export async function authenticateBrowserSession(
  deps: Pick<Deps, 'facilitators' | 'tokens'>,
  value: string | undefined,
): Promise<Facilitator | undefined> {
  if (!value) return undefined;
  let claims: Awaited<ReturnType<Deps['tokens']['verify']>>;
  try {
    claims = await deps.tokens.verify(value, BROWSER_SESSION_PURPOSE);
  } catch {
    return undefined;
  }
  const startedAt = claims.data?.startedAt;
  if (!startedAt) return undefined;
  const facilitator = await deps.facilitators.get(claims.subject);
  if (!facilitator || facilitator.revokedAt) return undefined;
  if (facilitator.sessionsValidFrom && startedAt <= facilitator.sessionsValidFrom) return undefined;
  return facilitator;
}

/** POST /sign-out: ends this facilitator's browser sessions on every device. */
export async function signOut(deps: Pick<Deps, 'facilitators' | 'clock'>, facilitator: Facilitator | undefined): Promise<void> {
  if (facilitator) await deps.facilitators.endBrowserSessions(facilitator.facilitatorId, deps.clock.now().toISOString());
}

/** The sign-in email: the link, how long it works, what to do if it was not you. Staff stream. */
export function signInEmail(org: OrgConfig, to: string, url: string): EmailMessage {
  const subject = `Your sign-in link for ${org.name}`;
  const text = [
    'Hello,',
    '',
    `Someone (we hope you) asked to sign in to the ${org.name} facilitators' dashboard.`,
    'Open this link and press "Sign in":',
    url,
    '',
    `The link works once, for ${SIGN_IN_LINK_MINUTES} minutes. If this was not you, ignore this email: nobody is signed in until the button is pressed.`,
    '',
    org.name,
  ].join('\n');
  const body = emailDocument(
    subject,
    html`<h1>Sign in to the dashboard</h1>
<p>Someone (we hope you) asked to sign in to the ${org.name} facilitators' dashboard.</p>
<p><a href="${url}">Open the sign-in page</a> and press "Sign in".</p>
<p>The link works once, for ${SIGN_IN_LINK_MINUTES} minutes. If this was not you, ignore this email: nobody is signed in until the button is pressed.</p>
<p>${org.name}</p>`,
  );
  return { to, subject, text: `${text}\n`, html: body.value, stream: 'staff' };
}
