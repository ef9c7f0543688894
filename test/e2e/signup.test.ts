import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { linkIn, startTestStack } from '../support/local-stack.ts';

const run = promisify(execFile);

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('member sign-up through the local stack and a real browser', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const memberByEmail = (email: string) => stack.deps.members.findByEmail(email);

  it('signs up by JSON, emails a confirm link, and confirms only when the button is pressed', async () => {
    // Prepare / Act: sign up as a client would
    const signup = await stack.call('POST', '/signups', {
      email: '  Robin.E2E@Example.com ',
      displayName: 'Robin',
      consents: { groupAgreement: true, privacyNotice: true, checkinEmails: true },
    });
    expect(signup.status).toBe(202);
    await stack.drain();

    // Assess: one confirmation email with a confirm link
    const mail = (await stack.outbox()).filter((m) => m.to === 'Robin.E2E@Example.com');
    expect(mail).toHaveLength(1);
    const confirmUrl = linkIn(mail[0]!.text, '/confirm?t=');
    expect((await memberByEmail('robin.e2e@example.com'))?.status).toBe('pending');

    // A link scanner: HEAD and GET, then a full browser render with JavaScript on, waiting for idle
    await run('curl', ['-s', '-o', '/dev/null', '-I', confirmUrl]);
    await run('curl', ['-s', '-o', '/dev/null', confirmUrl]);
    const scanner = await browser.newPage({ javaScriptEnabled: true });
    await scanner.goto(confirmUrl, { waitUntil: 'networkidle' });
    await scanner.close();
    await stack.drain();
    expect((await memberByEmail('robin.e2e@example.com'))?.status).toBe('pending');

    // A person: opens the link and presses the button
    const page = await browser.newPage();
    await page.goto(confirmUrl);
    await page.getByRole('button', { name: /confirm my email address/i }).click();
    await page.waitForLoadState('load');
    expect(await page.textContent('body')).toMatch(/confirmed/i);
    await stack.drain();
    expect((await memberByEmail('robin.e2e@example.com'))?.status).toBe('active');

    // The welcome email carries the manage link; pressing confirm again is not an error
    const welcome = (await stack.outbox()).filter((m) => m.to === 'Robin.E2E@Example.com');
    expect(welcome).toHaveLength(2);
    expect(linkIn(welcome[1]!.text, '/manage?t=')).toContain('/manage?t=');
    await page.goto(confirmUrl);
    expect(await page.textContent('body')).toMatch(/already confirmed/i);
    await page.close();
    // A second press of the button (a double submit, or the form kept open in another tab)
    const token = new URL(confirmUrl).searchParams.get('t') ?? '';
    const again = await stack.call('POST', '/confirm', `token=${encodeURIComponent(token)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(again.status).toBe(200);
    expect(again.text).toMatch(/already confirmed/i);
  });

  it('signs up through the hosted page, showing the agreement and the limits of confidentiality', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${stack.url}/signup`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain(stack.deps.org.groupAgreement.text.split('\n')[0]!);
    expect(body).toContain(stack.deps.org.confidentiality.text.slice(0, 60));

    // Submitting without the consents shows field messages and writes nothing
    await page.getByLabel(/email/i).first().fill('sam.e2e@example.com');
    await page.getByLabel(/name/i).first().fill('Sam');
    await page.getByRole('button', { name: /^join/i }).click();
    await page.waitForLoadState('load');
    // The browser's own required-field check may block the submit; either way nothing is written
    expect(await memberByEmail('sam.e2e@example.com')).toBeUndefined();

    for (const checkbox of await page.getByRole('checkbox').all()) await checkbox.check();
    await page.getByRole('button', { name: /^join/i }).click();
    await page.waitForLoadState('load');
    expect(await page.textContent('body')).toMatch(/check your email/i);
    await stack.drain();
    const member = await memberByEmail('sam.e2e@example.com');
    expect(member?.status).toBe('pending');
    expect(member?.consent?.groupAgreementVersion).toBe(stack.deps.org.groupAgreement.version);
    expect(member?.consent?.confidentialityVersion).toBe(stack.deps.org.confidentiality.version);
    await page.close();
  });

  it('answers a known address exactly as a new one, and tells the owner by email instead', async () => {
    const first = await stack.call('POST', '/signups', {
      email: 'robin.e2e@example.com',
      displayName: 'Someone else',
      consents: { groupAgreement: true, privacyNotice: true },
    });
    const fresh = await stack.call('POST', '/signups', {
      email: 'brand-new.e2e@example.com',
      displayName: 'New',
      consents: { groupAgreement: true, privacyNotice: true },
    });
    expect(first.status).toBe(202);
    expect(first.text).toBe(fresh.text);
    await stack.drain();
    const toRobin = (await stack.outbox()).filter((m) => m.to.toLowerCase() === 'robin.e2e@example.com');
    expect(toRobin.at(-1)?.text).toMatch(/already have an account/i);
  });

  it('rejects bad input with field messages and never a 500', async () => {
    const bad = await stack.call('POST', '/signups', {
      email: 'not-an-email',
      displayName: '',
      consents: { groupAgreement: false },
    });
    expect(bad.status).toBe(400);
    const fields = (bad.json.error as { fields: Record<string, string> }).fields;
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['email', 'displayName', 'consents.groupAgreement']));
    expect((await stack.call('POST', '/signups', '{"email":', {})).status).toBe(400);
    expect((await stack.call('POST', '/signups', 'email=a', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await stack.call('POST', '/signups', { email: 'x'.repeat(20_000) })).status).toBe(413);
  });
});
