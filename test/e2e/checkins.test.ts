import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingLink } from '../../shared/domain/sessions/book-session.ts';
import { launchChromium } from '../support/browser.ts';
import { linkIn, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

const SENTINEL = 'SENTINEL-e2e-4c1d';

describe('post-session check-in on the local stack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('sends the check-in after the session, ignores a scanner opening every link, records a person, alerts thinly', async () => {
    const f = (await stack.call('POST', '/_dev/facilitators', { email: 'kim@example.org', displayName: 'Kim' })).json;
    const auth = { authorization: `Bearer ${f.token as string}` };
    const group = await stack.call(
      'POST',
      '/admin/groups',
      {
        name: 'Walk and talk',
        format: 'activity',
        location: 'Park gates',
        capacity: 5,
        access: 'open',
        timezone: 'Europe/London',
      },
      auth,
    );
    const groupId = group.json.id as string;
    await stack.call('POST', '/signups', {
      email: 'robin@example.com',
      displayName: 'Robin Taylor',
      consents: { groupAgreement: true, privacyNotice: true, checkinEmails: true },
      groupId,
    });
    await stack.drain();
    const confirm = (await stack.outbox()).find((m) => m.to === 'robin@example.com')!;
    await stack.call('POST', '/confirm', { token: new URL(linkIn(confirm.text, '/confirm?t=')).searchParams.get('t') });
    await stack.drain();
    const memberId = (await stack.deps.members.findByEmail('robin@example.com'))!.memberId;

    const now = Date.parse((await stack.call('POST', '/_dev/clock', { advanceMinutes: 0 })).json.now as string);
    const startsAt = new Date(now + 48 * 3_600_000).toISOString();
    const created = await stack.call('POST', `/admin/groups/${groupId}/sessions`, { startsAt, durationMinutes: 60 }, auth);
    const sessionId = (created.json.sessions as { id: string }[])[0]!.id;
    await stack.drain();
    const book = new URL(await bookingLink(stack.deps, memberId, groupId, sessionId));
    expect((await stack.call('POST', book.pathname, { token: book.searchParams.get('t'), action: 'book' })).json.result).toBe(
      'booked',
    );
    await stack.drain();

    const checkins = async () => (await stack.outbox()).filter((m) => m.subject.startsWith('How are you after'));
    // one minute before end + delay: nothing; at it: the check-in
    const delay = stack.deps.org.checkins.delayMinutes;
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 48 * 60 + 60 + delay - 1 });
    expect(await checkins()).toHaveLength(0);
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 1 });
    const mail = await checkins();
    expect(mail.map((m) => m.to)).toEqual(['robin@example.com']);
    const email = mail[0]!;
    expect(email.headers['List-Unsubscribe']).toMatch(
      /^<http[^>]+\/checkins\/unsubscribe\?t=[^>]+>, <http[^>]+\/manage\?t=[^>]+>$/,
    );
    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const links = ['1', '2', '3', '4', '5', 'contact'].map((a) =>
      linkIn(email.text, `/checkins/${sessionId}?t=`).replace(/a=[^&]+$/, `a=${a}`),
    );

    const browser = await launchChromium();
    try {
      // a link scanner: all six links at once, JavaScript on
      const scanner = await browser.newContext({ javaScriptEnabled: true });
      await Promise.all(
        links.map(async (url) => {
          const page = await scanner.newPage();
          await page.goto(url);
        }),
      );
      await scanner.close();
      let record = await stack.deps.checkins.get(sessionId, memberId);
      expect(record?.answer).toBeUndefined();
      expect(record?.flagged).toBe(true);

      // a person: one link, a comment, "Send my answer"
      const person = await browser.newContext();
      const page = await person.newPage();
      await page.goto(links[1]!);
      expect(await page.isChecked('#score-2')).toBe(true);
      await page.fill('#comment', SENTINEL);
      await page.click('button:has-text("Send my answer")');
      await page.waitForSelector('h1:has-text("Thank you")');
      expect(await page.textContent('main')).toContain('You do not have to wait for us');
      await person.close();
      record = await stack.deps.checkins.get(sessionId, memberId);
      expect(record?.answer).toMatchObject({ score: 2, contact: false, comment: SENTINEL });
    } finally {
      await browser.close();
    }

    await stack.drain();
    const alerts = (await stack.outbox()).filter((m) => m.subject.startsWith('Check-in follow-up'));
    expect(alerts.map((m) => m.to)).toEqual(['kim@example.org']);
    const alert = `${alerts[0]!.subject}\n${alerts[0]!.text}\n${alerts[0]!.html}`;
    expect(alert).toContain('R. T.');
    for (const secret of [SENTINEL, 'Robin', 'Taylor', 'robin@example.com', ' 2 ']) expect(alert).not.toContain(secret);
    expect(alert).not.toMatch(/\blow\b/i);
    expect(alerts[0]!.subject).not.toMatch(/\d/);

    // The facilitator follows the alert to the session's check-ins: who to follow up, never the comment
    const summary = await stack.call('GET', `/admin/sessions/${sessionId}/checkins`, undefined, auth);
    expect(summary.status).toBe(200);
    expect(summary.json).toMatchObject({ groupName: 'Walk and talk', sent: 1, answered: 1, flagged: 1 });
    expect(summary.json.followUps).toEqual([
      expect.objectContaining({ memberId, displayName: 'Robin Taylor', reason: 'answer_below_threshold' }),
    ]);
    expect(JSON.stringify(summary.json)).not.toContain(SENTINEL);
    const stranger = (await stack.call('POST', '/_dev/facilitators', { email: 'lee@example.org', displayName: 'Lee' })).json;
    const refused = await stack.call('GET', `/admin/sessions/${sessionId}/checkins`, undefined, {
      authorization: `Bearer ${stranger.token as string}`,
    });
    expect(refused.status).toBe(403);
  });
});
