import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingLink } from '../../shared/domain/sessions/book-session.ts';
import { signUpFromGroup, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('reminders and waitlist offers on the local clock', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  const member = (email: string, groupId: string) => signUpFromGroup(stack, email, groupId);

  const book = async (url: string, action: string) => {
    const u = new URL(url);
    return stack.call('POST', u.pathname, { token: u.searchParams.get('t'), action });
  };

  it('sends the 24 h and 1 h reminders once each at their time, and moves an expired offer to the next person', async () => {
    const f = (await stack.call('POST', '/_dev/facilitators', { email: 'kim@example.org', displayName: 'Kim' })).json;
    const auth = { authorization: `Bearer ${f.token as string}` };
    const group = await stack.call(
      'POST',
      '/admin/groups',
      {
        name: 'Walk and talk',
        format: 'activity',
        location: 'Park gates',
        capacity: 1,
        access: 'open',
        timezone: 'Europe/London',
      },
      auth,
    );
    const groupId = group.json.id as string;
    const [a, b, c] = [
      await member('a@example.com', groupId),
      await member('b@example.com', groupId),
      await member('c@example.com', groupId),
    ];
    const now = Date.parse((await stack.call('POST', '/_dev/clock', { advanceMinutes: 0 })).json.now as string);
    const startsAt = new Date(now + 48 * 3_600_000).toISOString();
    const created = await stack.call('POST', `/admin/groups/${groupId}/sessions`, { startsAt, durationMinutes: 60 }, auth);
    const sessionId = (created.json.sessions as { id: string }[])[0]!.id;
    await stack.drain();
    const link = (memberId: string) => bookingLink(stack.deps, memberId, groupId, sessionId);

    expect((await book(await link(a), 'book')).json.result).toBe('booked');
    expect((await book(await link(b), 'book')).json.result).toBe('waitlisted');
    expect((await book(await link(c), 'book')).json.result).toBe('waitlisted');
    await stack.drain();
    const reminders = async () => (await stack.outbox()).filter((m) => m.subject.startsWith('Reminder'));

    // 23 h 59 min before the 24 h reminder: nothing yet
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 24 * 60 - 1 });
    expect(await reminders()).toHaveLength(0);
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 1 });
    expect((await reminders()).map((m) => [m.to, m.subject])).toEqual([['a@example.com', 'Reminder: Walk and talk in 24 hours']]);

    // a cancels: b is offered the place (claim window: 12 h, within the start - 1 h limit)
    expect((await book(await link(a), 'cancel')).json.result).toBe('cancelled');
    await stack.drain();
    expect((await stack.outbox()).filter((m) => m.subject.startsWith('A place is free')).map((m) => m.to)).toEqual([
      'b@example.com',
    ]);
    // b lets the window pass: at 12 h the offer goes to c, who claims it
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 12 * 60 });
    expect((await stack.outbox()).filter((m) => m.subject.startsWith('A place is free')).map((m) => m.to)).toEqual([
      'b@example.com',
      'c@example.com',
    ]);
    expect((await book(await link(b), 'claim')).json.result).toBe('offer-closed');
    expect((await book(await link(c), 'claim')).json.result).toBe('claimed');
    await stack.drain();

    // To 1 h before: c (booked 12 h before) gets only the 1 h reminder; a (cancelled) none
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 11 * 60 });
    expect((await reminders()).map((m) => [m.to, m.subject])).toEqual([
      ['a@example.com', 'Reminder: Walk and talk in 24 hours'],
      ['c@example.com', 'Reminder: Walk and talk in an hour'],
    ]);
    // Past the start: nothing more
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 120 });
    expect(await reminders()).toHaveLength(2);
  });
});
