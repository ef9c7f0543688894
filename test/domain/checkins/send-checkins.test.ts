import { describe, expect, it } from 'vitest';
import { answerCheckin } from '../../../shared/domain/checkins/answer-checkin.ts';
import {
  CHECKIN_SEND_KIND,
  checkinReminderTimerName,
  checkinTimerName,
  sendCheckins,
} from '../../../shared/domain/checkins/send-checkins.ts';
import { SendTimeBudgetError } from '../../../shared/domain/errors.ts';
import { updateBooking } from '../../../shared/domain/sessions/book-session.ts';
import { recordAttendance } from '../../../shared/domain/sessions/roster.ts';
import { cancelSession, rescheduleSession } from '../../../shared/domain/sessions/schedule-sessions.ts';
import { STOP_BEFORE_TIMEOUT_MS } from '../../../shared/domain/time-budget.ts';
import { fireTimer } from '../../../shared/domain/timers/fire-timer.ts';
import type { TimerRequest } from '../../../shared/ports/index.ts';
import { exampleOrg, type TestDeps, testDeps } from '../../support/deps.ts';
import { linkIn } from '../../support/local-stack.ts';
import { activeMember, groupWithSession, sessionRelay, tokenFor } from '../sessions/helpers.ts';

const MINUTE = 60_000;

const fire = (deps: TestDeps, timer: TimerRequest) =>
  fireTimer(deps, { ...timer.payload, name: timer.name, dueAt: timer.at.toISOString() } as never);

/** A session with booked members; `wants` says who turned check-in emails on. */
async function bookedSession(deps: TestDeps, names: string[], wants: (name: string) => boolean = () => true) {
  const { facilitator, group, session } = await groupWithSession(deps);
  const relay = sessionRelay(deps);
  await relay();
  const people = [];
  for (const n of names) {
    const m = await activeMember(deps, n);
    if (wants(n)) await deps.members.updatePreferences(m.memberId, { checkinEmails: true });
    const token = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    await updateBooking(deps, session.sessionId, { token, action: 'book' });
    people.push({ ...m, token });
  }
  await relay();
  return { facilitator, group, session, relay, people };
}

const checkinMail = (deps: TestDeps) => deps.mail.sent.filter((m) => m.subject.startsWith('How are you after'));

/** Moves the clock to end + delay and fires the session's check-in timer. */
async function fireCheckin(deps: TestDeps, sessionId: string) {
  const timer = deps.scheduler.timers.get(checkinTimerName(sessionId));
  expect(timer).toBeDefined();
  deps.clock.set(timer!.at);
  await fire(deps, timer!);
  return timer!;
}

describe('check-in sending', () => {
  it('stops before the function times out and goes on by a continuation timer: everyone once, none twice', async () => {
    // Prepare: five members; the invocation "has time" for two sends
    const deps = await testDeps();
    const { session, people } = await bookedSession(deps, ['a', 'b', 'c', 'd', 'e']);
    const timer = deps.scheduler.timers.get(checkinTimerName(session.sessionId))!;
    deps.clock.set(timer.at);
    let started = 0;
    const countingMail = deps.mail.send.bind(deps.mail);
    deps.mail.send = async (message) => {
      started++;
      return countingMail(message);
    };
    const run = { remainingMs: () => (started < 2 ? 25_000 : STOP_BEFORE_TIMEOUT_MS - 1) };

    // Act: the first invocation, then the continuation it leaves (no deadline)
    const first = await sendCheckins(deps, { ...timer.payload, name: timer.name, dueAt: timer.at.toISOString() } as never, run);
    const continuation = deps.scheduler.timers.get(checkinTimerName(session.sessionId))!;
    const second = await fire(deps, continuation);

    // Assess
    expect(first).toMatchObject({ outcome: 'continued', sent: 2, left: 3 });
    const ids = people.map((p) => p.memberId).sort();
    expect(continuation.payload).toEqual({ kind: CHECKIN_SEND_KIND, sessionId: session.sessionId, resumeAfter: ids[1] });
    expect(second).toBeUndefined();
    expect(
      checkinMail(deps)
        .map((m) => m.to)
        .sort(),
    ).toEqual(people.map((p) => p.email).sort());
    // A late duplicate of the original timer sends nothing more
    await fire(deps, timer);
    expect(checkinMail(deps)).toHaveLength(5);
  });

  it('schedules one timer per session at end + delay when sessions are created', async () => {
    const deps = await testDeps();
    const { session } = await bookedSession(deps, []);
    const timer = deps.scheduler.timers.get(checkinTimerName(session.sessionId));
    expect(timer?.payload).toEqual({ kind: CHECKIN_SEND_KIND, sessionId: session.sessionId });
    expect(timer?.at.getTime()).toBe(new Date(session.endsAt).getTime() + deps.org.checkins.delayMinutes * MINUTE);
  });

  it('a send refused for want of time starts the continuation itself: nothing lost, nothing twice', async () => {
    const deps = await testDeps();
    const { session, people } = await bookedSession(deps, ['a', 'b', 'c', 'd']);
    const timer = deps.scheduler.timers.get(checkinTimerName(session.sessionId))!;
    deps.clock.set(timer.at);
    const send = deps.mail.send.bind(deps.mail);
    let calls = 0;
    const budgets: (number | undefined)[] = [];
    deps.mail.send = async (message, options) => {
      budgets.push(options?.maxWaitMs);
      if (++calls === 3) throw new SendTimeBudgetError('no slot in time');
      return send(message);
    };
    const run = { remainingMs: () => 25_000 };
    const first = await sendCheckins(deps, { ...timer.payload, name: timer.name, dueAt: timer.at.toISOString() } as never, run);
    const continuation = deps.scheduler.timers.get(checkinTimerName(session.sessionId))!;
    const ids = people.map((p) => p.memberId).sort();
    expect(first).toMatchObject({ outcome: 'continued', sent: 2, left: 2 });
    expect(continuation.payload).toMatchObject({ resumeAfter: ids[1] });
    expect(budgets[0]).toBe(21_000); // the invocation's time less what the writes after a send need
    await fire(deps, continuation);
    expect(
      checkinMail(deps)
        .map((m) => m.to)
        .sort(),
    ).toEqual(people.map((p) => p.email).sort());
  });

  it('sends once to each booked member who wants check-ins, with one-click unsubscribe headers and crisis lines', async () => {
    const deps = await testDeps();
    const { session, people } = await bookedSession(deps, ['a', 'b', 'c'], (n) => n !== 'c');
    const [a, b, c] = people;
    await deps.members.updatePreferences(b!.memberId, { emailOptOut: true });
    const timer = await fireCheckin(deps, session.sessionId);
    const mail = checkinMail(deps);
    expect(mail.map((m) => m.to)).toEqual([a!.email]);
    expect(mail.some((m) => m.to === c!.email)).toBe(false);
    const [email] = mail;
    expect(email!.stream).toBe('member');
    expect(email!.text).toContain("How are you feeling after today's session?");
    expect(email!.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(email!.headers?.['List-Unsubscribe']).toMatch(
      /^<https?:\/\/kith\.test\/checkins\/unsubscribe\?t=[^>]+>, <https?:\/\/kith\.test\/manage\?t=[^>]+>$/,
    );
    for (const a of ['1', '2', '3', '4', '5', 'contact']) {
      expect(email!.html).toMatch(new RegExp(`/checkins/${session.sessionId}\\?t=[^"&]+&amp;a=${a}"`));
    }
    for (const line of deps.org.crisisLines) {
      expect(email!.text).toContain(line.name);
      expect(email!.html).toContain(line.name);
    }
    expect(email!.html).toContain('<html lang="en">');
    // duplicate and late firing send nothing more
    await fire(deps, timer);
    deps.clock.advance(3 * 3_600_000);
    await fire(deps, timer);
    expect(checkinMail(deps)).toHaveLength(1);
  });

  it('sends to those recorded present, not to everyone booked, once attendance is recorded', async () => {
    const deps = await testDeps();
    const { facilitator, session, people } = await bookedSession(deps, ['a', 'b']);
    deps.clock.set(new Date(session.endsAt));
    await recordAttendance(deps, facilitator, session.sessionId, { present: [people[1]!.memberId] });
    await fireCheckin(deps, session.sessionId);
    expect(checkinMail(deps).map((m) => m.to)).toEqual([people[1]!.email]);
  });

  it('sends nothing to a cancelled place, a bounced address, or for a cancelled session', async () => {
    const deps = await testDeps();
    const { session, people, relay } = await bookedSession(deps, ['a', 'b', 'c']);
    await updateBooking(deps, session.sessionId, { token: people[0]!.token, action: 'cancel' });
    await deps.members.markEmailBounced(people[1]!.memberId, deps.clock.now().toISOString());
    await relay();
    const timer = deps.scheduler.timers.get(checkinTimerName(session.sessionId))!;
    deps.clock.set(timer.at);
    await fire(deps, timer);
    expect(checkinMail(deps).map((m) => m.to)).toEqual([people[2]!.email]);

    const other = await bookedSession(deps, ['d']);
    const otherTimer = deps.scheduler.timers.get(checkinTimerName(other.session.sessionId))!;
    deps.clock.set(new Date(new Date(other.session.startsAt).getTime() - 3_600_000));
    await cancelSession(deps, other.facilitator, other.session.sessionId);
    await other.relay();
    expect(deps.scheduler.timers.has(checkinTimerName(other.session.sessionId))).toBe(false);
    // a timer that fires anyway (cancel raced it) re-reads the session and sends nothing
    deps.clock.set(otherTimer.at);
    expect(await sendCheckins(deps, { ...otherTimer.payload, name: otherTimer.name } as never)).toEqual({ outcome: 'skipped' });
    expect(checkinMail(deps).some((m) => m.to === people[0]!.email || m.to.startsWith('member-d'))).toBe(false);
  });

  it('moves the timer with a reschedule; the old timer firing early sends nothing', async () => {
    const deps = await testDeps();
    const { facilitator, session, relay } = await bookedSession(deps, ['a']);
    const old = deps.scheduler.timers.get(checkinTimerName(session.sessionId))!;
    const later = new Date(new Date(session.startsAt).getTime() + 7 * 86_400_000).toISOString();
    await rescheduleSession(deps, facilitator, session.sessionId, { startsAt: later });
    await relay();
    const moved = deps.scheduler.timers.get(checkinTimerName(session.sessionId))!;
    expect(moved.at.getTime()).toBe(new Date(later).getTime() + (90 + deps.org.checkins.delayMinutes) * MINUTE);
    deps.clock.set(old.at);
    await fire(deps, old);
    expect(checkinMail(deps)).toHaveLength(0);
    deps.clock.set(moved.at);
    await fire(deps, moved);
    expect(checkinMail(deps)).toHaveLength(1);
  });

  it('sends nothing when check-ins are disabled for the org', async () => {
    const deps = await testDeps({ org: exampleOrg((o) => (o.checkins.enabled = false)) });
    const { session } = await bookedSession(deps, ['a']);
    expect(deps.scheduler.timers.has(checkinTimerName(session.sessionId))).toBe(false);
    expect(await sendCheckins(deps, { kind: CHECKIN_SEND_KIND, name: 'x', sessionId: session.sessionId } as never)).toEqual({
      outcome: 'skipped',
    });
  });

  it('reminds once after reminderAfterHours when unanswered, never after an answer; its links close with the first ones', async () => {
    const deps = await testDeps();
    const { session, people } = await bookedSession(deps, ['a', 'b']);
    const [a, b] = people;
    await fireCheckin(deps, session.sessionId);
    const reminderA = deps.scheduler.timers.get(checkinReminderTimerName(session.sessionId, a!.memberId))!;
    const reminderB = deps.scheduler.timers.get(checkinReminderTimerName(session.sessionId, b!.memberId))!;
    expect(reminderA.at.getTime()).toBe(deps.clock.now().getTime() + deps.org.checkins.reminderAfterHours * 3_600_000);
    // b answers
    const tokenB = new URL(
      linkIn(checkinMail(deps).find((m) => m.to === b!.email)!.text, `/checkins/${session.sessionId}?t=`),
    ).searchParams.get('t')!;
    await answerCheckin(deps, session.sessionId, { token: tokenB, score: 4 });
    deps.clock.set(reminderA.at);
    await fire(deps, reminderA);
    await fire(deps, reminderA); // duplicate
    await fire(deps, reminderB);
    const reminders = deps.mail.sent.filter((m) => m.subject.startsWith('A reminder'));
    expect(reminders.map((m) => m.to)).toEqual([a!.email]);
    const token = new URL(linkIn(reminders[0]!.text, `/checkins/${session.sessionId}?t=`)).searchParams.get('t')!;
    const claims = await deps.tokens.verify(token, 'checkin');
    const record = await deps.checkins.get(session.sessionId, a!.memberId);
    const firstSent = record!.sentAt!;
    expect(record?.groupId).toBe(session.groupId); // a sent check-in names its group (the summary reads it)
    expect(claims.expiresAt).toBeLessThanOrEqual(Math.floor(Date.parse(firstSent) / 1000) + deps.org.checkins.expiryHours * 3600);
  });
});
