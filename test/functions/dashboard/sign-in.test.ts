import { describe, expect, it } from 'vitest';
import { makeHandler as completeSignIn } from '../../../functions/dashboard/complete-sign-in.ts';
import { makeHandler as getDashboard } from '../../../functions/dashboard/get-dashboard.ts';
import { makeHandler as getGroupPage } from '../../../functions/dashboard/get-group-page.ts';
import { makeHandler as getSessionPage } from '../../../functions/dashboard/get-session-page.ts';
import { makeHandler as getLinkPage } from '../../../functions/dashboard/get-sign-in-link-page.ts';
import { makeHandler as requestSignIn } from '../../../functions/dashboard/request-sign-in.ts';
import { makeHandler as signOut } from '../../../functions/dashboard/sign-out.ts';
import {
  SESSION_COOKIE,
  SIGN_IN_EMAILS_PER_HOUR,
  SIGN_IN_SEND_BUDGET_MS,
} from '../../../shared/domain/facilitators/browser-sign-in.ts';
import { createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import { groupWithSession } from '../../domain/sessions/helpers.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { BROWSER, FORM, get, invoke, postForm, textOf, withoutNonce } from '../members/helpers.ts';

const tokenIn = (text: string) => {
  const match = /https?:\/\/\S+\/sign-in\/confirm\?t=(\S+)/.exec(text);
  if (!match?.[1]) throw new Error('no sign-in link');
  return decodeURIComponent(match[1]);
};

/** Asks for a link for `email` and returns its token (from the last email sent). */
async function linkFor(deps: TestDeps, email: string) {
  const before = deps.mail.sent.length;
  const r = await postForm(requestSignIn(deps), '/sign-in', { email });
  expect(r.status).toBe(200);
  expect(deps.mail.sent.length).toBe(before + 1);
  return tokenIn(deps.mail.sent.at(-1)!.text);
}

type Raw = { statusCode: number; headers?: Record<string, string>; cookies?: string[]; body?: string };

/** Presses "Sign in" on the link's page (a form post of the token); the raw Lambda result. */
const pressSignIn = async (deps: TestDeps, token: string, headers: Record<string, string> = FORM) =>
  (await completeSignIn(deps)(
    httpEvent('POST', '/sign-in/confirm', { body: new URLSearchParams({ token }).toString(), headers }),
    {} as never,
  )) as Raw;

async function signedIn(deps: TestDeps, email: string) {
  const result = await pressSignIn(deps, await linkFor(deps, email));
  expect(result.statusCode).toBe(303);
  const cookie = result.cookies?.[0] ?? '';
  return { cookie, pair: cookie.split(';')[0] ?? '', location: result.headers?.location };
}

const withCookie = (pair: string | undefined) => ({ ...BROWSER, ...(pair ? { cookie: pair } : {}) });
const page = (handler: Parameters<typeof invoke>[0], path: string, pair?: string, pathParameters?: Record<string, string>) =>
  invoke(handler, httpEvent('GET', path, { headers: withCookie(pair), ...(pathParameters ? { pathParameters } : {}) }));

describe('facilitator browser sign-in', () => {
  it('answers the same for any address and emails a link only to a live facilitator, at most 5 an hour', async () => {
    const deps = await testDeps();
    await createFacilitator(deps, { email: 'Kim@Example.org', displayName: 'Kim' });
    const handler = requestSignIn(deps);
    const known = await postForm(handler, '/sign-in', { email: 'kim@example.org' });
    const unknown = await postForm(handler, '/sign-in', { email: 'nobody@example.org' });
    expect(known.status).toBe(200);
    expect(withoutNonce(unknown.body)).toBe(withoutNonce(known.body));
    expect(textOf(known.body)).toContain('If that address belongs to a facilitator, we have emailed a link');
    expect(deps.mail.sent.map((m) => [m.to, m.stream])).toEqual([['Kim@Example.org', 'staff']]);
    expect(deps.mail.sent[0]!.headers?.['List-Unsubscribe']).toBeUndefined();
    // Not in turn behind a bulk send, and given up well within the API function's 10 s
    expect(deps.mail.sendOptions[0]).toEqual({ urgent: true, maxWaitMs: SIGN_IN_SEND_BUDGET_MS });
    expect(SIGN_IN_SEND_BUDGET_MS).toBeLessThanOrEqual(5000);

    for (let i = 1; i < SIGN_IN_EMAILS_PER_HOUR + 3; i++) {
      expect((await postForm(handler, '/sign-in', { email: 'kim@example.org' })).status).toBe(200);
    }
    expect(deps.mail.sent).toHaveLength(SIGN_IN_EMAILS_PER_HOUR);
    deps.clock.advance(61 * 60_000);
    await postForm(handler, '/sign-in', { email: 'kim@example.org' });
    expect(deps.mail.sent).toHaveLength(SIGN_IN_EMAILS_PER_HOUR + 1);

    const bad = await postForm(handler, '/sign-in', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(textOf(bad.body)).toContain('must be an email address');
  });

  it('GET of the emailed link signs nobody in; its button does, once, with a __Host- cookie', async () => {
    const deps = await testDeps();
    await createFacilitator(deps, { email: 'kim@example.org', displayName: 'Kim' });
    const token = await linkFor(deps, 'kim@example.org');

    // a mail scanner opens the link twice: a page with a button, no cookie, nothing used up
    for (let i = 0; i < 2; i++) {
      const opened = (await getLinkPage(deps)(
        httpEvent('GET', '/sign-in/confirm', { query: { t: token }, headers: BROWSER }),
        {} as never,
      )) as Raw;
      expect(opened.statusCode).toBe(200);
      expect(opened.body).toContain('<button type="submit">Sign in</button>');
      expect(opened.cookies).toBeUndefined();
      expect(JSON.stringify(opened.headers).toLowerCase()).not.toContain('set-cookie');
    }
    const first = await pressSignIn(deps, token);
    expect(first.statusCode).toBe(303);
    expect(first.headers?.location).toBe('http://kith.test/dashboard');
    expect(first.cookies).toHaveLength(1);
    // the same link again: used
    const again = await pressSignIn(deps, token);
    expect(again.statusCode).toBe(409);
    expect(again.cookies).toBeUndefined();
    const { cookie } = await signedIn(deps, 'kim@example.org');
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+; `));
    for (const attribute of ['Path=/', 'HttpOnly', 'Secure', 'SameSite=Strict', `Max-Age=${8 * 3600}`]) {
      expect(cookie).toContain(attribute);
    }
    expect(cookie).not.toMatch(/Domain=/i);

    // using a newer link voids an older one (an hour on: the rate limit's window is new)
    deps.clock.advance(61 * 60_000);
    const older = await linkFor(deps, 'kim@example.org');
    const newer = await linkFor(deps, 'kim@example.org');
    expect((await pressSignIn(deps, newer)).statusCode).toBe(303);
    expect((await pressSignIn(deps, older)).statusCode).toBe(409);

    // a cross-site form post is refused
    const crossSite = await pressSignIn(deps, await linkFor(deps, 'kim@example.org'), {
      ...FORM,
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.cookies).toBeUndefined();

    // an expired link
    const late = await linkFor(deps, 'kim@example.org');
    deps.clock.advance(16 * 60_000);
    expect((await get(getLinkPage(deps), '/sign-in/confirm', { t: late })).status).toBe(410);
    expect((await pressSignIn(deps, late)).statusCode).toBe(410);
  });

  it('the cookie opens the dashboard until it expires, is tampered with, the facilitator is revoked, or signs out', async () => {
    const deps = await testDeps();
    const { group, facilitator: owner } = await groupWithSession(deps);
    const dashboard = getDashboard(deps);

    const { pair } = await signedIn(deps, owner.email);
    const ok = await page(dashboard, '/dashboard', pair);
    expect(ok.status).toBe(200);
    expect(textOf(ok.body)).toContain(group.name);
    expect(textOf(ok.body)).toContain('Signed in as Sam');

    const none = await page(dashboard, '/dashboard');
    expect(none.status).toBe(401);
    expect(none.body).toContain('name="email"');

    const [name, value] = pair.split('=') as [string, string];
    const [claims, mac] = value.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), s: 'SOMEONEELSE' }),
    ).toString('base64url');
    expect((await page(dashboard, '/dashboard', `${name}=${forged}.${mac}`)).status).toBe(401);
    expect((await page(dashboard, '/dashboard', `${name}=${claims}.${mac.slice(0, -2)}AA`)).status).toBe(401);

    // expired after 8 hours
    deps.clock.advance(8 * 3600_000 + 1000);
    expect((await page(dashboard, '/dashboard', pair)).status).toBe(401);

    // revoked: out at once
    const fresh = await signedIn(deps, owner.email);
    expect((await page(dashboard, '/dashboard', fresh.pair)).status).toBe(200);
    await deps.facilitators.revoke(owner.facilitatorId, deps.clock.now().toISOString());
    expect((await page(dashboard, '/dashboard', fresh.pair)).status).toBe(401);
  });

  it('sign-out clears the cookie and ends the session everywhere', async () => {
    const deps = await testDeps();
    const { facilitator: owner } = await groupWithSession(deps);
    const laptop = await signedIn(deps, owner.email);
    deps.clock.advance(1000);
    const phone = await signedIn(deps, owner.email);
    deps.clock.advance(1000);
    const out = (await signOut(deps)(
      httpEvent('POST', '/sign-out', { body: '', headers: { ...FORM, cookie: phone.pair } }),
      {} as never,
    )) as { statusCode: number; cookies?: string[] };
    expect(out.statusCode).toBe(200);
    expect(out.cookies?.[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=; Path=/; Max-Age=0`));
    for (const pair of [laptop.pair, phone.pair]) expect((await page(getDashboard(deps), '/dashboard', pair)).status).toBe(401);
    deps.clock.advance(1000);
    const again = await signedIn(deps, owner.email);
    expect((await page(getDashboard(deps), '/dashboard', again.pair)).status).toBe(200);
  });

  it("another group's facilitator gets 403 on its trend and session pages; an admin sees them", async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    await createFacilitator(deps, { email: 'other@example.org', displayName: 'Other' });
    await createFacilitator(deps, { email: 'admin@example.org', displayName: 'Ada', role: 'admin' });
    const other = await signedIn(deps, 'other@example.org');
    const admin = await signedIn(deps, 'admin@example.org');

    const groupPage = (pair: string, groupId = group.groupId) =>
      page(getGroupPage(deps), `/dashboard/groups/${groupId}`, pair, { groupId });
    const sessionPage = (pair: string) =>
      page(getSessionPage(deps), `/dashboard/sessions/${session.sessionId}`, pair, { sessionId: session.sessionId });

    expect((await groupPage(other.pair)).status).toBe(403);
    expect((await sessionPage(other.pair)).status).toBe(403);
    expect(textOf((await page(getDashboard(deps), '/dashboard', other.pair)).body)).not.toContain(group.name);
    expect((await groupPage(other.pair, '01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);

    const asAdmin = await groupPage(admin.pair);
    expect(asAdmin.status).toBe(200);
    expect(textOf(asAdmin.body)).toContain('No check-ins have been sent');
    expect((await sessionPage(admin.pair)).status).toBe(200);

    // without a session, the page offers sign-in and carries where to go next
    const anonymous = await groupPage('');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toContain(`name="next" value="/dashboard/groups/${group.groupId}"`);
    expect(anonymous.body).toContain('action="../../sign-in"');
  });
});
