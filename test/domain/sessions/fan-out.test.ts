import { describe, expect, it } from 'vitest';
import { checkinTimerName } from '../../../shared/domain/checkins/send-checkins.ts';
import { SendTimeBudgetError } from '../../../shared/domain/errors.ts';
import type { DomainEvent } from '../../../shared/domain/events.ts';
import { updateBooking } from '../../../shared/domain/sessions/book-session.ts';
import { createGroup } from '../../../shared/domain/sessions/manage-groups.ts';
import { cancelSession, scheduleSessions } from '../../../shared/domain/sessions/schedule-sessions.ts';
import { parseSessionMailEvent, sendSessionEmail } from '../../../shared/domain/sessions/send-session-email.ts';
import { type Run, STOP_BEFORE_TIMEOUT_MS } from '../../../shared/domain/time-budget.ts';
import type { TestDeps } from '../../support/deps.ts';
import { testDeps } from '../../support/deps.ts';
import { outboxEvents } from '../members/helpers.ts';
import { activeMember, facilitator, groupRequest, groupWithSession, tokenFor } from './helpers.ts';

/**
 * The session-mail consumer as deployed: each outbox event once, through the JSON the queue carries,
 * in an invocation that has time for `sendsPerInvocation` sends (then less than the stop margin).
 */
function consumer(deps: TestDeps, limits: { sendsPerInvocation: number }) {
  const relayed = new Set<string>();
  let sendsThisInvocation = 0;
  const send = deps.mail.send.bind(deps.mail);
  deps.mail.send = async (message, options) => {
    sendsThisInvocation++;
    return send(message, options);
  };
  const run: Run = {
    remainingMs: () => (sendsThisInvocation < limits.sendsPerInvocation ? 25_000 : STOP_BEFORE_TIMEOUT_MS - 1),
  };
  /** Delivers every event not yet delivered, one invocation each; returns those delivered. */
  return async (): Promise<DomainEvent[]> => {
    const delivered: DomainEvent[] = [];
    for (const event of await outboxEvents(deps.table)) {
      if (relayed.has(event.id)) continue;
      relayed.add(event.id);
      sendsThisInvocation = 0;
      await sendSessionEmail(deps, parseSessionMailEvent(JSON.stringify(event)), run);
      delivered.push(event);
    }
    return delivered;
  };
}

async function groupOf(deps: TestDeps, size: number) {
  const { facilitator: f } = await facilitator(deps);
  const group = await createGroup(deps, f, groupRequest());
  const members = [];
  for (let i = 0; i < size; i++) {
    const m = await activeMember(deps, i, group.groupId);
    await deps.sessions.addGroupMember(group.groupId, m.memberId, deps.clock.now().toISOString());
    members.push(m);
  }
  return { f, group, members };
}

const recipients = (deps: TestDeps, subject: (s: string) => boolean) =>
  deps.mail.sent
    .filter((m) => subject(m.subject))
    .map((m) => m.to)
    .sort();

describe('a fan-out to many members within the consumer’s time', () => {
  it('an announcement stops before the timeout and its continuation sends the rest: everyone once', async () => {
    // Prepare: six members; each invocation has time for two sends
    const deps = await testDeps();
    const { f, group, members } = await groupOf(deps, 6);
    const deliver = consumer(deps, { sendsPerInvocation: 2 });
    await deliver(); // the members' own events
    const startsAt = new Date(deps.clock.now().getTime() + 86_400_000).toISOString();
    const { sessions } = await scheduleSessions(deps, f, group.groupId, { startsAt, durationMinutes: 60 });
    const scheduled: string[] = [];
    const schedule = deps.scheduler.schedule.bind(deps.scheduler);
    deps.scheduler.schedule = async (timer) => {
      scheduled.push(timer.name);
      return schedule(timer);
    };

    // Act: the announcement, then each continuation as the relay brings it
    const first = await deliver();
    const afterFirst = deps.mail.sent.length;
    const rest = [];
    for (let round = 0; round < 5; round++) rest.push(...(await deliver()));

    // Assess: two, then two per continuation, in member id order; the check-in timer set once
    expect(first.map((e) => e.type)).toEqual(['SessionsScheduled']);
    expect(afterFirst).toBe(2);
    const continued = rest.filter((e) => e.type === 'SessionMailContinued');
    expect(continued).toHaveLength(2);
    const ids = members.map((m) => m.memberId).sort();
    expect(continued[0]!.data).toEqual({
      of: first[0]!.id,
      ofType: 'SessionsScheduled',
      resumeAfter: ids[1],
      groupId: group.groupId,
      sessionIds: [sessions[0]!.sessionId],
    });
    expect(continued[1]!.data.resumeAfter).toBe(ids[3]);
    expect(recipients(deps, (s) => s.startsWith('New sessions'))).toEqual(members.map((m) => m.email).sort());
    expect(scheduled.filter((n) => n === checkinTimerName(sessions[0]!.sessionId))).toHaveLength(1);

    // A redelivered announcement (no deadline) sends nothing more
    await sendSessionEmail(deps, parseSessionMailEvent(JSON.stringify(first[0])));
    expect(deps.mail.sent).toHaveLength(6);
  });

  it('a send refused for want of time starts the continuation with that member', async () => {
    const deps = await testDeps();
    const { f, group, members } = await groupOf(deps, 4);
    const deliver = consumer(deps, { sendsPerInvocation: 100 });
    await deliver(); // the members' own events
    let calls = 0;
    const send = deps.mail.send.bind(deps.mail);
    deps.mail.send = async (message, options) => {
      calls++;
      // The third send finds no slot within its budget (the paced mailer's answer): nothing sent
      if (calls === 3) throw new SendTimeBudgetError('no slot in time (test)');
      return send(message, options);
    };
    const startsAt = new Date(deps.clock.now().getTime() + 86_400_000).toISOString();
    await scheduleSessions(deps, f, group.groupId, { startsAt, durationMinutes: 60 });

    await deliver();
    const afterFirst = deps.mail.sent.length;
    const [continuation] = await deliver();

    const ids = members.map((m) => m.memberId).sort();
    expect(afterFirst).toBe(2);
    expect(continuation?.type).toBe('SessionMailContinued');
    expect(continuation?.data.resumeAfter).toBe(ids[1]);
    expect(recipients(deps, () => true)).toEqual(members.map((m) => m.email).sort());
  });

  it('cancellation notices carry on with only the members left to tell', async () => {
    // Prepare: five booked members; then the consumer has time for two sends an invocation
    const deps = await testDeps();
    const { facilitator: f, group, session } = await groupWithSession(deps);
    const members = [];
    for (let i = 0; i < 5; i++) {
      const m = await activeMember(deps, i);
      await updateBooking(deps, session.sessionId, {
        token: await tokenFor(deps, m.memberId, group.groupId, session.sessionId),
        action: 'book',
      });
      members.push(m);
    }
    const limits = { sendsPerInvocation: 100 };
    const deliver = consumer(deps, limits);
    await deliver(); // the announcement and the booking confirmations
    deps.mail.sent.length = 0;
    limits.sendsPerInvocation = 2;

    // Act
    await cancelSession(deps, f, session.sessionId);
    const delivered = [];
    for (let round = 0; round < 4; round++) delivered.push(...(await deliver()));

    // Assess
    const ids = members.map((m) => m.memberId).sort();
    const continued = delivered.filter((e) => e.type === 'SessionMailContinued');
    expect(continued.map((e) => e.data.memberIds)).toEqual([ids.slice(2), ids.slice(4)]);
    expect(recipients(deps, (s) => s.startsWith('Cancelled'))).toEqual(members.map((m) => m.email).sort());
    expect(deps.mail.sent).toHaveLength(5);
  });

  it('goes through members in id order, whatever order the event lists them in', async () => {
    // Prepare: three booked members; the cancellation's event with its members listed backwards
    const deps = await testDeps();
    const { facilitator: f, group, session } = await groupWithSession(deps);
    const members = [];
    for (let i = 0; i < 3; i++) {
      const m = await activeMember(deps, i);
      await updateBooking(deps, session.sessionId, {
        token: await tokenFor(deps, m.memberId, group.groupId, session.sessionId),
        action: 'book',
      });
      members.push(m);
    }
    await consumer(deps, { sendsPerInvocation: 100 })();
    deps.mail.sent.length = 0;
    await cancelSession(deps, f, session.sessionId);
    const cancelled = (await outboxEvents(deps.table)).find((e) => e.type === 'SessionCancelled')!;
    const backwards = {
      ...cancelled,
      data: { ...cancelled.data, memberIds: [...(cancelled.data.memberIds as string[])].reverse() },
    };
    const sorted = members.map((m) => m.memberId).sort();

    // Act: an invocation with time for one send
    await sendSessionEmail(deps, parseSessionMailEvent(JSON.stringify(backwards)), {
      remainingMs: () => (deps.mail.sent.length < 1 ? 25_000 : STOP_BEFORE_TIMEOUT_MS - 1),
    });

    // Assess: the lowest id first; the continuation names it and carries the others in order
    expect(deps.mail.sent.map((m) => m.to)).toEqual([members.find((m) => m.memberId === sorted[0])!.email]);
    const continued = (await outboxEvents(deps.table)).find((e) => e.type === 'SessionMailContinued');
    expect(continued?.data).toMatchObject({ resumeAfter: sorted[0], memberIds: sorted.slice(1) });
  });

  it('a continuation that does not say what it continues is refused (it goes to the DLQ, not dropped)', async () => {
    const deps = await testDeps();
    const event = { id: deps.ids.newId(), type: 'SessionMailContinued', data: { resumeAfter: '' } };
    await expect(sendSessionEmail(deps, parseSessionMailEvent(JSON.stringify(event)))).rejects.toThrow(/continues/);
    // Only the fan-out events can be continued
    const other = { ...event, data: { of: event.id, ofType: 'MemberErased', resumeAfter: '' } };
    expect(() => parseSessionMailEvent(JSON.stringify(other))).toThrow();
  });
});
