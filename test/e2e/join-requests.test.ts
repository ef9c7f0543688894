import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { linkIn, signUpFromGroup, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/** Set KITH_SHOTS=<folder> to keep screenshots of the requests page (before and after approving). */
const SHOTS = process.env.KITH_SHOTS;

describe('a closed group’s requests to join, from the facilitator’s email to the Approve button', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('emails the facilitator (thinly), lists the request after sign-in, and approves it from the dashboard', async () => {
    // Prepare: a facilitator's closed group; a person signs up from it and confirms
    const f = (await stack.call('POST', '/_dev/facilitators', { email: 'pat@example.org', displayName: 'Pat' })).json;
    const created = await stack.call(
      'POST',
      '/admin/groups',
      {
        name: 'Tuesday carers circle',
        format: 'in_person',
        location: 'Room 4',
        capacity: 10,
        access: 'closed',
        timezone: 'Europe/London',
      },
      { authorization: `Bearer ${f.token as string}` },
    );
    expect(created.status).toBe(201);
    const groupId = created.json.id as string;
    await signUpFromGroup(stack, 'robin@example.com', groupId, 'Robin');

    // The facilitator's email: once, no name or address of the person, a link to the requests page
    const told = (await stack.outbox()).filter((m) => m.to === 'pat@example.org' && m.subject.startsWith('Someone asked'));
    expect(told).toHaveLength(1);
    expect(`${told[0]!.subject}${told[0]!.text}${told[0]!.html}`).not.toMatch(/Robin|robin@/);
    const requestsLink = linkIn(told[0]!.text, `/dashboard/groups/${groupId}/requests`);

    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      // Act: the link, the sign-in it asks for, then the Approve button
      await page.goto(requestsLink);
      await page.fill('#email', 'pat@example.org');
      await page.click('button:has-text("Email me a sign-in link")');
      await page.waitForSelector('h1:has-text("Check your email")');
      await stack.drain();
      const signIn = (await stack.outbox()).find((m) => m.to === 'pat@example.org' && m.subject.startsWith('Your sign-in link'));
      await page.goto(linkIn(signIn?.text ?? '', '/sign-in/confirm?t='));
      await page.click('button:has-text("Sign in")');
      await page.waitForSelector('h1:has-text("requests to join")');
      expect(new URL(page.url()).pathname).toBe(`/dashboard/groups/${groupId}/requests`);
      const row = page.locator('tbody tr');
      expect(await row.count()).toBe(1);
      expect(await row.first().textContent()).toContain('Robin');
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/join-requests.png`, fullPage: true });
      await page.click('button:has-text("Approve")');
      await page.waitForSelector('[role="status"]');
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/join-requests-approved.png`, fullPage: true });

      // Assess: told on the page, nobody left waiting, and Robin is emailed that they joined
      expect(new URL(page.url()).pathname).toBe(`/dashboard/groups/${groupId}/requests`);
      expect(await page.textContent('[role="status"]')).toContain('Approved');
      expect(await page.textContent('main')).toContain('Nobody is waiting to join');
      await stack.drain();
      const joined = (await stack.outbox()).filter(
        (m) => m.to === 'robin@example.com' && m.subject === 'You have joined Tuesday carers circle',
      );
      expect(joined).toHaveLength(1);

      // The dashboard lists the group with its requests page
      await page.click('a:has-text("Your groups")');
      expect(await page.getAttribute('a:has-text("Requests to join")', 'href')).toBe(`dashboard/groups/${groupId}/requests`);

      // A form on another site cannot approve with the facilitator's cookie
      const [cookie] = await context.cookies();
      const forged = await stack.call('POST', `/dashboard/groups/${groupId}/requests/01J00000000000000000000000/approve`, '', {
        cookie: `${cookie!.name}=${cookie!.value}`,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
      });
      expect(forged.status).toBe(403);
      await context.close();
    } finally {
      await browser.close();
    }
  }, 120_000);
});
