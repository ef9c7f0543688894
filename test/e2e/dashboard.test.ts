import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { linkIn, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/** Set KITH_SHOTS=<folder> to keep screenshots of the trend page (desktop and phone width). */
const SHOTS = process.env.KITH_SHOTS;

describe('the facilitators dashboard on the local stack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('signs in by emailed link and button, shows the chart for a group with 5+ answers and "fewer than 5" otherwise', async () => {
    const f = (await stack.call('POST', '/_dev/facilitators', { email: 'kim@example.org', displayName: 'Kim' })).json;
    const auth = { authorization: `Bearer ${f.token as string}` };
    const group = async (name: string) =>
      (
        await stack.call(
          'POST',
          '/admin/groups',
          { name, format: 'in_person', location: 'Room 2', capacity: 12, access: 'open', timezone: 'Europe/London' },
          auth,
        )
      ).json.id as string;
    const big = await group('Thursday grief circle');
    const small = await group('Carers coffee morning');
    const now = Date.parse((await stack.call('POST', '/_dev/clock', { advanceMinutes: 0 })).json.now as string);
    const schedule = async (groupId: string, count: number) =>
      (
        (
          await stack.call(
            'POST',
            `/admin/groups/${groupId}/sessions`,
            {
              startsAt: new Date(now + 86_400_000).toISOString(),
              durationMinutes: 90,
              recurrence: { frequency: 'weekly', count },
            },
            auth,
          )
        ).json.sessions as { id: string }[]
      ).map((s) => s.id);
    const bigSessions = await schedule(big, 4);
    const [smallSession] = await schedule(small, 1);
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 5 * 7 * 24 * 60 });

    // check-ins as members' answers would leave them (scores; `null`: sent, not answered)
    const seed = async (sessionId: string, answers: (number | null)[], flagged = 0) => {
      const at = stack.deps.clock.now().toISOString();
      const groupId = (await stack.deps.sessions.getSession(sessionId))?.groupId ?? '';
      for (const [i, score] of answers.entries()) {
        const memberId = `M${sessionId.slice(-8)}${i}`;
        await stack.deps.checkins.recordSent(sessionId, memberId, at, groupId);
        if (score !== null) await stack.deps.checkins.saveAnswer(sessionId, memberId, { score, contact: false, answeredAt: at });
      }
      for (let i = 0; i < flagged; i++) {
        const memberId = `S${sessionId.slice(-8)}${i}`;
        await stack.deps.checkins.recordSent(sessionId, memberId, at, groupId);
        await stack.deps.checkins.markFlagged(sessionId, memberId);
      }
    };
    await seed(bigSessions[0]!, [3, 4, 4, 2, 5, 3, null, null], 1);
    await seed(bigSessions[1]!, [4, 4, 5, 3, 4, null, null]);
    await seed(bigSessions[2]!, [2, 3, 4, null, null, null, null, null]);
    await seed(bigSessions[3]!, [4, 5, 5, 4, 3, 4]);
    await seed(smallSession!, [2, 4, null]);

    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${stack.url}/sign-in`);
      await page.fill('#email', 'kim@example.org');
      await page.click('button:has-text("Email me a sign-in link")');
      await page.waitForSelector('h1:has-text("Check your email")');
      expect(await page.textContent('main')).toContain('If that address belongs to a facilitator');

      await stack.drain();
      const email = (await stack.outbox()).find((m) => m.to === 'kim@example.org' && m.subject.startsWith('Your sign-in link'));
      expect(email).toBeDefined();
      const link = linkIn(email!.text, '/sign-in/confirm?t=');
      // opening the link signs nobody in
      await page.goto(link);
      expect(await context.cookies()).toEqual([]);
      await page.click('button:has-text("Sign in")');
      await page.waitForSelector('h1:has-text("Your groups")');
      expect(new URL(page.url()).pathname).toBe('/dashboard');
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: '__Host-kith_session', path: '/', httpOnly: true, secure: true, sameSite: 'Strict' });

      await page.click('a:has-text("Thursday grief circle")');
      await page.waitForSelector('svg.chart');
      expect(await page.getAttribute('svg.chart', 'role')).toBe('img');
      expect(await page.locator('svg.chart rect.bar').count()).toBe(4);
      expect(await page.locator('svg.chart circle.point').count()).toBe(3); // the session with 3 answers has no mean
      const rows = page.locator('tbody tr');
      expect(await rows.count()).toBe(4);
      expect(await rows.nth(2).textContent()).toContain('fewer than 5 answers');
      expect(await rows.nth(3).textContent()).toContain('4.17');
      expect(await rows.nth(3).textContent()).toContain('0 / 0 / 1 / 3 / 2');
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/trend-desktop.png`, fullPage: true });
      if (SHOTS) {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: `${SHOTS}/trend-phone.png`, fullPage: true });
        await page.setViewportSize({ width: 900, height: 900 });
      }

      await page.click('tbody tr >> nth=3 >> a');
      await page.waitForSelector('h1:has-text("Thursday grief circle,")');
      expect(await page.textContent('main')).toContain('(very good)');
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/session.png`, fullPage: true });

      // the first session had an answer at the alert threshold (2): who it was is named, not the score
      await page.click('a:has-text("Thursday grief circle")');
      await page.click('tbody tr >> nth=0 >> a');
      await page.waitForSelector('h2:has-text("Needs a follow-up")');
      expect(await page.textContent('main')).toContain('answered in a way that needs a follow-up');

      await page.click('a:has-text("Your groups")');
      await page.click('a:has-text("Carers coffee morning")');
      await page.waitForSelector('h1:has-text("Carers coffee morning")');
      expect(await page.locator('svg.chart circle.point').count()).toBe(0);
      expect(await page.locator('tbody').textContent()).toContain('fewer than 5 answers');
      expect(await page.locator('tbody').textContent()).not.toMatch(/\d \/ \d/);

      // sign out: the cookie is gone and no longer opens anything
      const value = cookie!.value;
      await page.click('button:has-text("Sign out")');
      await page.waitForSelector('h1:has-text("You are signed out")');
      expect(await context.cookies()).toEqual([]);
      const after = await stack.call('GET', '/dashboard', undefined, { cookie: `__Host-kith_session=${value}` });
      expect(after.status).toBe(401);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
