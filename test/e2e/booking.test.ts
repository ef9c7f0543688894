import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { linkIn, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('groups, sessions and booking through the local stack and a real browser', () => {
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

  it('announces sessions to a group member, whose booking link books only when the button is pressed', async () => {
    // A facilitator creates an online group
    const f = (await stack.call('POST', '/_dev/facilitators', { email: 'sam@example.org', displayName: 'Sam' })).json;
    const auth = { authorization: `Bearer ${f.token as string}` };
    expect((await stack.call('POST', '/admin/groups', { name: 'x' })).status).toBe(401);
    const group = await stack.call(
      'POST',
      '/admin/groups',
      {
        name: 'Evening circle',
        format: 'online',
        meetingUrl: 'https://meet.example.org/evening-42',
        capacity: 1,
        access: 'open',
        timezone: 'Europe/London',
        topics: ['grief'],
      },
      auth,
    );
    expect(group.status).toBe(201);
    const groupId = group.json.id as string;

    // Two people sign up from the group and confirm
    for (const who of ['ali', 'bo']) {
      expect(
        (
          await stack.call('POST', '/signups', {
            email: `${who}@example.com`,
            displayName: who,
            consents: { groupAgreement: true, privacyNotice: true },
            groupId,
          })
        ).status,
      ).toBe(202);
    }
    await stack.drain();
    for (const who of ['ali', 'bo']) {
      const mail = (await stack.outbox()).find((m) => m.to === `${who}@example.com`)!;
      const token = new URL(linkIn(mail.text, '/confirm?t=')).searchParams.get('t') ?? '';
      await stack.call('POST', '/confirm', { token });
    }
    await stack.drain();

    // Sessions are scheduled: one announcement each, with a booking link per session
    const now = Date.parse(
      ((await stack.call('POST', '/_dev/clock', { advanceMinutes: 0 })).json?.now as string) ?? new Date().toISOString(),
    );
    const startsAt = new Date(now + 3 * 86_400_000).toISOString();
    const created = await stack.call(
      'POST',
      `/admin/groups/${groupId}/sessions`,
      { startsAt, durationMinutes: 60, contentNote: 'Firsts after a loss', recurrence: { frequency: 'weekly', count: 2 } },
      auth,
    );
    expect(created.status).toBe(201);
    const sessionId = (created.json.sessions as { id: string }[])[0]!.id;
    await stack.drain();
    const announcements = (await stack.outbox()).filter((m) => m.subject === 'New sessions: Evening circle');
    expect(announcements.map((m) => m.to).sort()).toEqual(['ali@example.com', 'bo@example.com']);
    for (const a of announcements) {
      expect(a.text).not.toContain('meet.example.org');
    }
    const aliLink = linkIn(announcements.find((m) => m.to === 'ali@example.com')!.text, `/sessions/${sessionId}/book?t=`);
    const boLink = linkIn(announcements.find((m) => m.to === 'bo@example.com')!.text, `/sessions/${sessionId}/book?t=`);

    // A scanner renders the link with JavaScript on: nothing is booked
    const scanner = await browser.newPage({ javaScriptEnabled: true });
    await scanner.goto(aliLink, { waitUntil: 'networkidle' });
    await scanner.close();
    await stack.drain();
    expect(await stack.deps.sessions.listBookings(sessionId)).toEqual([]);

    // Ali books through the page
    const page = await browser.newPage();
    await page.goto(aliLink);
    expect(await page.textContent('body')).toContain('Firsts after a loss');
    expect(await page.textContent('body')).toContain('1 place left');
    await page.getByRole('button', { name: 'Book a place' }).click();
    await page.waitForLoadState('load');
    expect(await page.textContent('body')).toContain('Your place is booked');
    await stack.drain();
    const confirmation = (await stack.outbox()).find((m) => m.to === 'ali@example.com' && m.subject.startsWith('Your place'));
    expect(confirmation?.text).toContain('https://meet.example.org/evening-42');

    // Bo finds it full: the waitlist, without the meeting link
    await page.goto(boLink);
    await page.getByRole('button', { name: 'Join the waitlist' }).click();
    await page.waitForLoadState('load');
    expect(await page.textContent('body')).toContain('waitlist');
    await stack.drain();
    const waitlisted = (await stack.outbox()).filter((m) => m.to === 'bo@example.com' && m.subject.includes('waitlist'));
    expect(waitlisted).toHaveLength(1);
    expect(waitlisted[0]?.text).not.toContain('meet.example.org');

    // The roster and the public directory
    const roster = await stack.call('GET', `/admin/sessions/${sessionId}/roster`, undefined, auth);
    expect((roster.json.bookings as { displayName: string; status: string }[]).map((b) => [b.displayName, b.status])).toEqual([
      ['ali', 'booked'],
      ['bo', 'waitlisted'],
    ]);
    const directory = await stack.call('GET', '/groups?topic=grief');
    expect(directory.text).not.toContain('meet.example.org');
    expect(directory.text).not.toContain('ali');
    expect((directory.json.groups as { sessions: { placesLeft: number }[] }[])[0]?.sessions[0]?.placesLeft).toBe(0);

    // Ali cancels: the place is free again
    await page.goto(aliLink);
    await page.getByRole('button', { name: 'Cancel my place' }).click();
    await page.waitForLoadState('load');
    expect(await page.textContent('body')).toContain('Your place is cancelled');
    await page.close();
    // The freed place is offered to Bo, first on the waitlist, and held for Bo
    await stack.drain();
    const offers = (await stack.outbox()).filter((m) => m.subject === 'A place is free: Evening circle');
    expect(offers.map((m) => m.to)).toEqual(['bo@example.com']);
    expect(offers[0]?.text).not.toContain('meet.example.org');
    const boId = (await stack.deps.members.findByEmail('bo@example.com'))?.memberId ?? '';
    expect((await stack.deps.sessions.getBooking(sessionId, boId))?.status).toBe('offered');
    const bo = await browser.newPage();
    await bo.goto(boLink);
    await bo.getByRole('button', { name: 'Claim my place' }).click();
    await bo.waitForLoadState('load');
    expect(await bo.textContent('body')).toContain('The place is yours');
    await bo.close();
    await stack.drain();
    const boConfirmation = (await stack.outbox()).find((m) => m.to === 'bo@example.com' && m.subject.startsWith('Your place'));
    expect(boConfirmation?.text).toContain('https://meet.example.org/evening-42');
    expect((await stack.deps.sessions.getSession(sessionId))?.bookedCount).toBe(1);
  });
});
