import { describe, expect, it } from 'vitest';
import { updateBooking } from '../../../shared/domain/sessions/book-session.ts';
import { reminderTimerName, SESSION_REMINDER_KIND, sendSessionReminder } from '../../../shared/domain/sessions/reminders.ts';
import { cancelSession, rescheduleSession } from '../../../shared/domain/sessions/schedule-sessions.ts';
import { OFFER_EXPIRY_KIND, offerTimerName, offerWindowEnd } from '../../../shared/domain/sessions/waitlist.ts';
import { fireTimer } from '../../../shared/domain/timers/fire-timer.ts';
import type { TimerRequest } from '../../../shared/ports/index.ts';
import { exampleOrg, type TestDeps, testDeps } from '../../support/deps.ts';
import { activeMember, groupWithSession, sessionRelay, tokenFor } from './helpers.ts';

const HOUR = 3_600_000;

const fire = (deps: TestDeps, timer: TimerRequest) =>
  fireTimer(deps, { ...timer.payload, name: timer.name, dueAt: timer.at.toISOString() } as never);

async function fullSessionWithWaitlist(deps: TestDeps) {
  const { facilitator, group, session } = await groupWithSession(deps, { capacity: 1 });
  const relay = sessionRelay(deps);
  const people = await Promise.all(['a', 'b', 'c'].map((n) => activeMember(deps, n)));
  const tokens: string[] = [];
  for (const m of people) {
    const token = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    tokens.push(token);
    await updateBooking(deps, session.sessionId, { token, action: 'book' });
    deps.clock.advance(1); // the waitlist orders by request time (ties within a millisecond: by random id)
  }
  await relay();
  return { facilitator, group, session, relay, people, tokens };
}

describe('waitlist offers', () => {
  it('offers a freed place to the first waitlisted member, by email, holding it until the claim window closes', async () => {
    const deps = await testDeps();
    const { session, relay, people, tokens } = await fullSessionWithWaitlist(deps);
    const [a, b, c] = people;
    await updateBooking(deps, session.sessionId, { token: tokens[0]!, action: 'cancel' });
    const mail = await relay(); // a's cancellation → offer to b
    await relay(); // the WaitlistOffered event → offer email and expiry timer
    const all = [...mail, ...deps.mail.sent.slice(-1)];
    expect(all.some((m) => m.to === a!.email && m.subject.startsWith('Place cancelled'))).toBe(true);
    const offer = deps.mail.sent.find((m) => m.to === b!.email && m.subject.startsWith('A place is free'));
    expect(offer).toBeDefined();
    expect(deps.mail.sent.some((m) => m.to === c!.email && m.subject.startsWith('A place is free'))).toBe(false);
    const held = await deps.sessions.getBooking(session.sessionId, b!.memberId);
    expect(held?.status).toBe('offered');
    // 12 h claim window (the session is 48 h away)
    expect(held?.offerExpiresAt).toBe(new Date(deps.clock.now().getTime() + 12 * HOUR).toISOString());
    expect(deps.scheduler.timers.get(offerTimerName(session.sessionId, b!.memberId))?.payload.kind).toBe(OFFER_EXPIRY_KIND);
    // A newcomer cannot take the held place
    const d = await activeMember(deps, 'd');
    const td = await tokenFor(deps, d.memberId, session.groupId, session.sessionId);
    expect((await updateBooking(deps, session.sessionId, { token: td, action: 'book' })).result).toBe('waitlisted');

    // b claims it
    expect((await updateBooking(deps, session.sessionId, { token: tokens[1]!, action: 'claim' })).result).toBe('claimed');
    await relay();
    expect(deps.mail.sent.some((m) => m.to === b!.email && m.subject.startsWith('Your place'))).toBe(true);
    expect((await deps.sessions.getSession(session.sessionId))?.bookedCount).toBe(1);
  });

  it('passes the place to the next in line when the offer expires, and a late claim gets nothing', async () => {
    const deps = await testDeps();
    const { session, relay, people, tokens } = await fullSessionWithWaitlist(deps);
    const [, b, c] = people;
    await updateBooking(deps, session.sessionId, { token: tokens[0]!, action: 'cancel' });
    await relay();
    await relay();
    const timer = deps.scheduler.timers.get(offerTimerName(session.sessionId, b!.memberId))!;
    // Early (or duplicate before the end): nothing changes
    await fire(deps, timer);
    expect((await deps.sessions.getBooking(session.sessionId, b!.memberId))?.status).toBe('offered');
    deps.clock.set(timer.at);
    await fire(deps, timer);
    await fire(deps, timer); // a duplicate delivery
    expect((await deps.sessions.getBooking(session.sessionId, b!.memberId))?.status).toBe('cancelled');
    expect((await deps.sessions.getBooking(session.sessionId, c!.memberId))?.status).toBe('offered');
    expect((await updateBooking(deps, session.sessionId, { token: tokens[1]!, action: 'claim' })).result).toBe('offer-closed');
    await relay();
    expect(deps.mail.sent.filter((m) => m.to === c!.email && m.subject.startsWith('A place is free'))).toHaveLength(1);
    expect((await deps.sessions.getSession(session.sessionId))?.bookedCount).toBe(1);
  });

  it('never lets a claim window run past 1 h before the start, and makes no offer after that', () => {
    const org = { org: exampleOrg() };
    const start = '2027-01-07T19:00:00.000Z';
    expect(offerWindowEnd(org, new Date('2027-01-07T10:00:00Z'), { startsAt: start })?.toISOString()).toBe(
      '2027-01-07T18:00:00.000Z',
    );
    expect(offerWindowEnd(org, new Date('2027-01-06T10:00:00Z'), { startsAt: start })?.toISOString()).toBe(
      '2027-01-06T22:00:00.000Z',
    );
    expect(offerWindowEnd(org, new Date('2027-01-07T18:30:00Z'), { startsAt: start })).toBeUndefined();
  });
});

describe('reminders', () => {
  it('schedules 24 h and 1 h reminders per booking, sends each once at its time, never early', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    const relay = sessionRelay(deps);
    const m = await activeMember(deps, 1);
    await updateBooking(deps, session.sessionId, {
      token: await tokenFor(deps, m.memberId, group.groupId, session.sessionId),
      action: 'book',
    });
    await relay();
    const day = deps.scheduler.timers.get(reminderTimerName(session.sessionId, m.memberId, 1440))!;
    const hour = deps.scheduler.timers.get(reminderTimerName(session.sessionId, m.memberId, 60))!;
    expect(day.at.toISOString()).toBe(new Date(Date.parse(session.startsAt) - 24 * HOUR).toISOString());
    expect(hour.at.toISOString()).toBe(new Date(Date.parse(session.startsAt) - HOUR).toISOString());
    expect(day.payload.kind).toBe(SESSION_REMINDER_KIND);

    const timerMessage = (t: TimerRequest) => ({ ...t.payload, name: t.name, kind: t.payload.kind, dueAt: t.at.toISOString() });
    expect(await sendSessionReminder(deps, timerMessage(day))).toBe('skipped'); // early
    deps.clock.set(day.at);
    expect(await sendSessionReminder(deps, timerMessage(day))).toBe('sent');
    expect(await sendSessionReminder(deps, timerMessage(day))).toBe('duplicate');
    const reminder = deps.mail.sent.at(-1)!;
    expect(reminder.subject).toBe(`Reminder: ${group.name} in 24 hours`);
    expect(reminder.headers?.['List-Unsubscribe']).toMatch(/^<http:\/\/kith\.test\/manage\?t=/);
  });

  it('gives a booking made 3 h before the start only the 1 h reminder', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    deps.clock.set(new Date(Date.parse(session.startsAt) - 3 * HOUR));
    const relay = sessionRelay(deps);
    const m = await activeMember(deps, 1);
    await updateBooking(deps, session.sessionId, {
      token: await tokenFor(deps, m.memberId, group.groupId, session.sessionId),
      action: 'book',
    });
    await relay();
    expect(deps.scheduler.timers.has(reminderTimerName(session.sessionId, m.memberId, 1440))).toBe(false);
    expect(deps.scheduler.timers.has(reminderTimerName(session.sessionId, m.memberId, 60))).toBe(true);
  });

  it('moves reminders with a reschedule, ignores the old time, and sends none for a cancelled place or session', async () => {
    const deps = await testDeps();
    const { facilitator, group, session } = await groupWithSession(deps);
    const relay = sessionRelay(deps);
    const m = await activeMember(deps, 1);
    const token = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    await updateBooking(deps, session.sessionId, { token, action: 'book' });
    await relay();
    const old = { ...deps.scheduler.timers.get(reminderTimerName(session.sessionId, m.memberId, 60))! };
    const later = new Date(Date.parse(session.startsAt) + 24 * HOUR).toISOString();
    await rescheduleSession(deps, facilitator, session.sessionId, { startsAt: later });
    await relay();
    const moved = deps.scheduler.timers.get(reminderTimerName(session.sessionId, m.memberId, 60))!;
    expect(moved.at.toISOString()).toBe(new Date(Date.parse(later) - HOUR).toISOString());
    // A stale delivery of the old timer at its old time: too early for the new start
    deps.clock.set(old.at);
    await fire(deps, old);
    expect(deps.mail.sent.filter((x) => x.subject.startsWith('Reminder'))).toHaveLength(0);

    // Cancelled place: timers removed, and a timer that fires anyway sends nothing
    await updateBooking(deps, session.sessionId, { token, action: 'cancel' });
    await relay();
    expect(deps.scheduler.timers.has(reminderTimerName(session.sessionId, m.memberId, 60))).toBe(false);
    deps.clock.set(moved.at);
    await fire(deps, moved);
    expect(deps.mail.sent.filter((x) => x.subject.startsWith('Reminder'))).toHaveLength(0);

    // Cancelled session
    const n = await activeMember(deps, 2);
    deps.clock.set(new Date(Date.parse(later) - 30 * HOUR));
    await updateBooking(deps, session.sessionId, {
      token: await tokenFor(deps, n.memberId, group.groupId, session.sessionId),
      action: 'book',
    });
    await relay();
    const nTimer = deps.scheduler.timers.get(reminderTimerName(session.sessionId, n.memberId, 1440))!;
    await cancelSession(deps, facilitator, session.sessionId);
    await relay();
    deps.clock.set(nTimer.at);
    await fire(deps, nTimer);
    expect(deps.mail.sent.filter((x) => x.subject.startsWith('Reminder'))).toHaveLength(0);
  });
});
