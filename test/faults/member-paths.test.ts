import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCheckin } from '../../shared/domain/checkins/answer-checkin.ts';
import { checkinLinks, checkinReminderTimerName, checkinTimerName } from '../../shared/domain/checkins/send-checkins.ts';
import { createSignup } from '../../shared/domain/members/create-signup.ts';
import { updateBooking } from '../../shared/domain/sessions/book-session.ts';
import { reminderTimerName } from '../../shared/domain/sessions/reminders.ts';
import { scheduleSessions } from '../../shared/domain/sessions/schedule-sessions.ts';
import { timerMessageBody } from '../../shared/domain/timers/timer-message.ts';
import { setLogSink } from '../../shared/runtime/logger.ts';
import { activeMember, groupWithSession, tokenFor } from '../domain/sessions/helpers.ts';
import { type Pipeline, pipeline } from './pipeline.ts';

/**
 * The fault matrix of the member-side asynchronous paths (README "Fault matrix"): wellbeing alerts,
 * session reminders, check-in sends and member email. `describe('fault: <path>')`,
 * `it('<failure>[: detail] → <outcome>')`.
 */

let restoreLogs: ReturnType<typeof setLogSink>;
beforeAll(() => {
  restoreLogs = setLogSink(() => undefined);
});
afterAll(() => {
  setLogSink(restoreLogs);
});

const noDeadLetters = (p: Pipeline) => expect(p.deadLetters().map((d) => `${d.queue} ${d.body}`)).toEqual([]);

/** A group, one session two days ahead, members booked on it (with check-in emails on), session mail settled. */
async function booked(p: Pipeline, names: string[]) {
  const { facilitator, group, session } = await groupWithSession(p.deps);
  const people = [];
  for (const n of names) {
    const m = await activeMember(p.deps, n);
    await p.deps.members.updatePreferences(m.memberId, { checkinEmails: true });
    const token = await tokenFor(p.deps, m.memberId, group.groupId, session.sessionId);
    await updateBooking(p.deps, session.sessionId, { token, action: 'book' });
    people.push(m);
  }
  await p.settle();
  p.deps.mail.sent.length = 0;
  return { facilitator, group, session, people };
}

/** Sends the named timer's message to the timers queue (EventBridge Scheduler firing it) at its time. */
function fire(p: Pipeline, name: string, options: { lateMs?: number } = {}) {
  const timer = p.deps.scheduler.timers.get(name);
  if (!timer) throw new Error(`no timer ${name}`);
  p.deps.clock.set(new Date(timer.at.getTime() + (options.lateMs ?? 0)));
  p.queue('timers').send(timerMessageBody(timer));
  return timerMessageBody(timer);
}

const reminders = (p: Pipeline, to: string) => p.sentTo(to).filter((m) => m.subject.startsWith('Reminder:'));
const checkins = (p: Pipeline, to: string) => p.sentTo(to).filter((m) => m.subject.startsWith('How are you after'));

describe('fault: session reminder', () => {
  async function dueReminder() {
    const p = await pipeline();
    const { session, people } = await booked(p, ['a']);
    const member = people[0]!;
    return { p, session, member, name: reminderTimerName(session.sessionId, member.memberId, 1440) };
  }

  it('SES throttling → retried, delivered once', async () => {
    const { p, member, name } = await dueReminder();
    fire(p, name);
    p.mail.failSend(2, 'throttling');
    expect((await p.run('timers')).receives).toBe(3);
    expect(reminders(p, member.email!)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('SES throttling: on every receive → DLQ with alarm', async () => {
    const { p, member, name } = await dueReminder();
    fire(p, name);
    p.mail.failSend(5, 'throttling');
    expect((await p.run('timers')).deadLetters).toHaveLength(1);
    expect(reminders(p, member.email!)).toHaveLength(0);
  });

  it('DynamoDB unavailable → retried, delivered once', async () => {
    const { p, member, name } = await dueReminder();
    fire(p, name);
    p.table.fail(2, 'server-error', { pkPrefix: 'SESSION#' });
    await p.run('timers');
    expect(reminders(p, member.email!)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('timer fired twice → delivered once', async () => {
    const { p, member, name } = await dueReminder();
    const body = fire(p, name);
    p.queue('timers').send(body);
    await p.run('timers');
    expect(reminders(p, member.email!)).toHaveLength(1);
  });

  it('timer fired late: within the window → delivered once', async () => {
    const { p, member, name } = await dueReminder();
    fire(p, name, { lateMs: 3 * 3_600_000 });
    await p.run('timers');
    expect(reminders(p, member.email!)).toHaveLength(1);
  });

  it('timer fired late: after the session started → not sent (too late to remind)', async () => {
    const { p, member, name } = await dueReminder();
    fire(p, name, { lateMs: 25 * 3_600_000 });
    await p.run('timers');
    expect(reminders(p, member.email!)).toHaveLength(0);
    noDeadLetters(p);
  });

  it('SES suppression: the member’s address bounced → not sent', async () => {
    const { p, member, name } = await dueReminder();
    await p.deps.members.markEmailBounced(member.memberId, p.deps.clock.now().toISOString());
    fire(p, name);
    await p.run('timers');
    expect(reminders(p, member.email!)).toHaveLength(0);
  });

  it('conditional-check race: two workers fire the same reminder at once → delivered once', async () => {
    const { p, member, name } = await dueReminder();
    const body = fire(p, name);
    p.queue('timers').receive(1);
    const handler = p.handler('timers');
    const record = (mid: string) => ({ Records: [{ messageId: mid, body }] }) as never;
    await Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]);
    expect(reminders(p, member.email!)).toHaveLength(1);
  });

  it('Lambda timeout: the send hangs → not acknowledged, re-run delivers once', async () => {
    const { p, member, name } = await dueReminder();
    fire(p, name);
    p.mail.failSend(1, 'hang');
    expect((await p.run('timers', { timeoutMs: 300 })).receives).toBe(2);
    expect(reminders(p, member.email!)).toHaveLength(1);
    noDeadLetters(p);
  });
});

describe('fault: session reminder', () => {
  it('poison record: a reminder timer without its ids → DLQ with alarm', async () => {
    const p = await pipeline();
    p.queue('timers').send(JSON.stringify({ name: 'reminder-x', kind: 'session-reminder' }));
    expect((await p.run('timers')).deadLetters).toHaveLength(1);
  });
});

describe('fault: check-in send', () => {
  it('poison record: a check-in timer without its session → DLQ with alarm', async () => {
    const p = await pipeline();
    p.queue('timers').send(JSON.stringify({ name: 'checkin-x', kind: 'checkin-send' }));
    expect((await p.run('timers')).deadLetters).toHaveLength(1);
  });
});

describe('fault: check-in send', () => {
  async function dueCheckin(names = ['a', 'b']) {
    const p = await pipeline();
    const { session, people } = await booked(p, names);
    return { p, session, people, name: checkinTimerName(session.sessionId) };
  }

  it('SES throttling: for one member → retried, each member delivered once', async () => {
    const { p, people, name } = await dueCheckin();
    fire(p, name);
    p.mail.failSend(2, 'throttling', people[1]!.email);
    await p.run('timers');
    for (const m of people) expect(checkins(p, m.email!)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('SES throttling: for one member on every receive → DLQ with alarm; the others still delivered once', async () => {
    const { p, people, name } = await dueCheckin();
    fire(p, name);
    p.mail.failSend(5, 'throttling', people[1]!.email);
    const run = await p.run('timers');
    expect(run.deadLetters).toHaveLength(1);
    expect(checkins(p, people[0]!.email!)).toHaveLength(1);
  });

  it('DynamoDB unavailable: recording the check-in as sent → retried, delivered once, the reminder still scheduled', async () => {
    const { p, session, people, name } = await dueCheckin(['a']);
    fire(p, name);
    p.table.fail(1, 'server-error', { command: 'UpdateCommand', pkPrefix: 'CHECKIN#' });
    await p.run('timers');
    const member = people[0]!;
    expect(checkins(p, member.email!)).toHaveLength(1);
    expect((await p.deps.checkins.get(session.sessionId, member.memberId))?.sentAt).toBeDefined();
    expect(p.deps.scheduler.timers.has(checkinReminderTimerName(session.sessionId, member.memberId))).toBe(true);
  });

  it('Scheduler error: the reminder cannot be scheduled after the send → retried, delivered once, reminder scheduled', async () => {
    const { p, session, people, name } = await dueCheckin(['a']);
    fire(p, name);
    p.scheduler.failSchedule(1, 'throttling');
    await p.run('timers');
    const member = people[0]!;
    expect(checkins(p, member.email!)).toHaveLength(1);
    expect(p.deps.scheduler.timers.has(checkinReminderTimerName(session.sessionId, member.memberId))).toBe(true);
    noDeadLetters(p);
  });

  it('DynamoDB unavailable: reading the bookings → retried, delivered once', async () => {
    const { p, people, name } = await dueCheckin();
    fire(p, name);
    p.table.fail(2, 'throttling', { command: 'QueryCommand' });
    await p.run('timers');
    for (const m of people) expect(checkins(p, m.email!)).toHaveLength(1);
  });

  it('timer fired twice → each member delivered once', async () => {
    const { p, people, name } = await dueCheckin();
    const body = fire(p, name);
    p.queue('timers').send(body);
    await p.run('timers');
    for (const m of people) expect(checkins(p, m.email!)).toHaveLength(1);
  });

  it('timer fired late: a day late → each member delivered once', async () => {
    const { p, people, name } = await dueCheckin();
    fire(p, name, { lateMs: 24 * 3_600_000 });
    await p.run('timers');
    for (const m of people) expect(checkins(p, m.email!)).toHaveLength(1);
  });

  it('SES suppression: a member whose address bounced → not sent, the others delivered once', async () => {
    const { p, people, name } = await dueCheckin();
    await p.deps.members.markEmailBounced(people[0]!.memberId, p.deps.clock.now().toISOString());
    fire(p, name);
    await p.run('timers');
    expect(checkins(p, people[0]!.email!)).toHaveLength(0);
    expect(checkins(p, people[1]!.email!)).toHaveLength(1);
  });

  it('conditional-check race: two workers fire it at once → each member delivered once', async () => {
    const { p, people, name } = await dueCheckin();
    const body = fire(p, name);
    p.queue('timers').receive(1);
    const handler = p.handler('timers');
    const record = (mid: string) => ({ Records: [{ messageId: mid, body }] }) as never;
    await Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]);
    for (const m of people) expect(checkins(p, m.email!)).toHaveLength(1);
  });

  it('Lambda timeout: mid-way (the second send hangs) → not acknowledged; the re-run sends only the missing one', async () => {
    const { p, people, name } = await dueCheckin();
    fire(p, name);
    p.mail.failSend(1, 'hang', people[1]!.email);
    expect((await p.run('timers', { timeoutMs: 500 })).receives).toBe(2);
    for (const m of people) expect(checkins(p, m.email!)).toHaveLength(1);
    noDeadLetters(p);
  });
});

describe('fault: wellbeing alert', () => {
  /** A low answer from a member of the group's session: its WellbeingAlert event on the wellbeing-alert queue. */
  async function lowAnswer() {
    const p = await pipeline();
    const { facilitator, session, people } = await booked(p, ['a']);
    const links = await checkinLinks(p.deps, session.sessionId, people[0]!.memberId);
    const token = new URL(links.answers['1']).searchParams.get('t') ?? '';
    await answerCheckin(p.deps, session.sessionId, { token, score: 1 });
    await p.relay();
    const alerts = () => p.sentTo(facilitator.email).filter((m) => m.subject.startsWith('Check-in follow-up needed'));
    return { p, facilitator, alerts };
  }

  it('SES throttling → retried, delivered once', async () => {
    const { p, alerts } = await lowAnswer();
    p.mail.failSend(2, 'throttling');
    expect((await p.run('wellbeing-alert')).receives).toBe(3);
    expect(alerts()).toHaveLength(1);
    noDeadLetters(p);
  });

  it('SES throttling: on every receive → DLQ with alarm', async () => {
    const { p, alerts } = await lowAnswer();
    p.mail.failSend(5, 'throttling');
    expect((await p.run('wellbeing-alert')).deadLetters).toHaveLength(1);
    expect(alerts()).toHaveLength(0);
  });

  it('SES suppression: the facilitator’s address is suppressed → still tried once (staff mail), then DLQ with alarm', async () => {
    const { p, facilitator, alerts } = await lowAnswer();
    p.deps.mail.suppressed.add(facilitator.email);
    expect((await p.run('wellbeing-alert')).deadLetters).toHaveLength(1);
    expect(alerts()).toHaveLength(1);
  });

  it('DynamoDB unavailable → retried, delivered once', async () => {
    const { p, alerts } = await lowAnswer();
    p.table.fail(3, 'network');
    await p.run('wellbeing-alert');
    expect(alerts()).toHaveLength(1);
    noDeadLetters(p);
  });

  it('duplicate delivery of the same SQS message → delivered once', async () => {
    const { p, alerts } = await lowAnswer();
    const q = p.queue('wellbeing-alert');
    const [message] = q.receive(1);
    q.delete(message!.messageId);
    q.send(message!.body, message!.attributes);
    q.send(message!.body, message!.attributes);
    await p.run('wellbeing-alert');
    expect(alerts()).toHaveLength(1);
  });

  it('conditional-check race: two workers on the same message at once → delivered once', async () => {
    const { p, alerts } = await lowAnswer();
    const [message] = p.queue('wellbeing-alert').receive(1);
    const handler = p.handler('wellbeing-alert');
    const record = (mid: string) => ({ Records: [{ messageId: mid, body: message!.body }] }) as never;
    await Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]);
    expect(alerts()).toHaveLength(1);
  });

  it('Lambda timeout: the send hangs → not acknowledged, re-run delivers once', async () => {
    const { p, alerts } = await lowAnswer();
    p.mail.failSend(1, 'hang');
    expect((await p.run('wellbeing-alert', { timeoutMs: 300 })).receives).toBe(2);
    expect(alerts()).toHaveLength(1);
  });

  it('poison record → DLQ with alarm', async () => {
    const p = await pipeline();
    p.queue('wellbeing-alert').send('{"id":"x"}');
    expect((await p.run('wellbeing-alert')).deadLetters).toHaveLength(1);
  });
});

describe('fault: member email', () => {
  /** A sign-up: its MemberSignupRequested on the member-mail queue. */
  async function signedUp() {
    const p = await pipeline();
    const email = `robin-${Math.random().toString(36).slice(2)}@example.com`;
    await createSignup(p.deps, {
      email,
      displayName: 'Robin',
      consents: { groupAgreement: true, privacyNotice: true },
    } as never);
    await p.relay();
    return { p, email };
  }

  it('SES throttling → retried, delivered once', async () => {
    const { p, email } = await signedUp();
    p.mail.failSend(2, 'throttling');
    expect((await p.run('member-mail')).receives).toBe(3);
    expect(p.sentTo(email)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('SES throttling: on every receive → DLQ with alarm', async () => {
    const { p, email } = await signedUp();
    p.mail.failSend(5, 'server-error');
    expect((await p.run('member-mail')).deadLetters).toHaveLength(1);
    expect(p.sentTo(email)).toHaveLength(0);
  });

  it('DynamoDB unavailable → retried, delivered once', async () => {
    const { p, email } = await signedUp();
    p.table.fail(2, 'throttling');
    await p.run('member-mail');
    expect(p.sentTo(email)).toHaveLength(1);
  });

  it('DynamoDB unavailable: recording the delivery after the send → delivered once, not sent again', async () => {
    const { p, email } = await signedUp();
    p.table.fail(1, 'server-error', { command: 'UpdateCommand', pkPrefix: 'DELIVERY#' });
    await p.run('member-mail');
    expect(p.sentTo(email)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('SES suppression: the member’s address bounced → not sent', async () => {
    const { p, email } = await signedUp();
    const member = await p.deps.members.findByEmail(email);
    await p.deps.members.markEmailBounced(member!.memberId, p.deps.clock.now().toISOString());
    await p.run('member-mail');
    expect(p.sentTo(email)).toHaveLength(0);
    noDeadLetters(p);
  });

  it('duplicate delivery of the same SQS message → delivered once', async () => {
    const { p, email } = await signedUp();
    const q = p.queue('member-mail');
    const [message] = q.receive(1);
    q.delete(message!.messageId);
    q.send(message!.body, message!.attributes);
    q.send(message!.body, message!.attributes);
    await p.run('member-mail');
    expect(p.sentTo(email)).toHaveLength(1);
  });

  it('conditional-check race: two workers on the same message at once → delivered once', async () => {
    const { p, email } = await signedUp();
    const [message] = p.queue('member-mail').receive(1);
    const handler = p.handler('member-mail');
    const record = (mid: string) => ({ Records: [{ messageId: mid, body: message!.body }] }) as never;
    await Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]);
    expect(p.sentTo(email)).toHaveLength(1);
  });

  it('Lambda timeout: the send hangs → not acknowledged, re-run delivers once', async () => {
    const { p, email } = await signedUp();
    p.mail.failSend(1, 'hang');
    expect((await p.run('member-mail', { timeoutMs: 300 })).receives).toBe(2);
    expect(p.sentTo(email)).toHaveLength(1);
  });

  it('poison record: in a batch with a good one → DLQ; the good one delivered once', async () => {
    const { p, email } = await signedUp();
    p.queue('member-mail').send('not json');
    expect((await p.run('member-mail')).deadLetters).toHaveLength(1);
    expect(p.sentTo(email)).toHaveLength(1);
  });
});

describe('fault: session email', () => {
  /** A member books a place: SessionBooked on the session-mail queue (the booking confirmation). */
  async function bookedPlace() {
    const p = await pipeline();
    const { group, session } = await groupWithSession(p.deps);
    await p.settle();
    const member = await activeMember(p.deps, 'a');
    await p.settle();
    p.deps.mail.sent.length = 0;
    const token = await tokenFor(p.deps, member.memberId, group.groupId, session.sessionId);
    await updateBooking(p.deps, session.sessionId, { token, action: 'book' });
    await p.relay();
    return { p, member };
  }

  it('SES throttling → retried, delivered once', async () => {
    const { p, member } = await bookedPlace();
    p.mail.failSend(2, 'throttling');
    expect((await p.run('session-mail')).receives).toBe(3);
    expect(p.sentTo(member.email!)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('SES throttling: for one member on every receive → DLQ with alarm; the other members still get the announcement once', async () => {
    const p = await pipeline();
    const { facilitator, group } = await groupWithSession(p.deps);
    const members = [await activeMember(p.deps, 'a'), await activeMember(p.deps, 'b'), await activeMember(p.deps, 'c')];
    for (const m of members) await p.deps.sessions.addGroupMember(group.groupId, m.memberId, p.deps.clock.now().toISOString());
    await p.settle();
    p.deps.mail.sent.length = 0;
    await scheduleSessions(p.deps, facilitator, group.groupId, {
      startsAt: new Date(p.deps.clock.now().getTime() + 9 * 86_400_000).toISOString(),
      durationMinutes: 60,
    });
    await p.relay();
    p.mail.failSend(5, 'throttling', members[0]!.email);
    expect((await p.run('session-mail')).deadLetters).toHaveLength(1);
    expect(p.sentTo(members[0]!.email!)).toHaveLength(0);
    for (const m of members.slice(1)) expect(p.sentTo(m.email!)).toHaveLength(1);
  });

  it('SES throttling: on every receive → DLQ with alarm', async () => {
    const { p, member } = await bookedPlace();
    p.mail.failSend(5, 'throttling');
    expect((await p.run('session-mail')).deadLetters).toHaveLength(1);
    expect(p.sentTo(member.email!)).toHaveLength(0);
  });

  it('DynamoDB unavailable → retried, delivered once', async () => {
    const { p, member } = await bookedPlace();
    p.table.fail(2, 'server-error', { command: 'GetCommand' });
    await p.run('session-mail');
    expect(p.sentTo(member.email!)).toHaveLength(1);
  });

  it('conditional-check race: two workers on the same message at once → delivered once', async () => {
    const { p, member } = await bookedPlace();
    const [message] = p.queue('session-mail').receive(1);
    const handler = p.handler('session-mail');
    const record = (mid: string) => ({ Records: [{ messageId: mid, body: message!.body }] }) as never;
    await Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]);
    expect(p.sentTo(member.email!)).toHaveLength(1);
  });

  it('Scheduler error: the check-in timer of new sessions cannot be set → retried, timer set, announcement once', async () => {
    const p = await pipeline();
    const { facilitator, group } = await groupWithSession(p.deps);
    const member = await activeMember(p.deps, 'a');
    await p.deps.sessions.addGroupMember(group.groupId, member.memberId, p.deps.clock.now().toISOString());
    await p.settle();
    p.deps.mail.sent.length = 0;
    const { sessions } = await scheduleSessions(p.deps, facilitator, group.groupId, {
      startsAt: new Date(p.deps.clock.now().getTime() + 9 * 86_400_000).toISOString(),
      durationMinutes: 60,
    });
    await p.relay();
    p.deps.scheduler.timers.clear();
    p.scheduler.failSchedule(2, 'server-error');
    await p.run('session-mail');
    expect(p.deps.scheduler.timers.has(checkinTimerName(sessions[0]!.sessionId))).toBe(true);
    expect(p.sentTo(member.email!)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('SES suppression: the member’s address bounced → not sent', async () => {
    const { p, member } = await bookedPlace();
    await p.deps.members.markEmailBounced(member.memberId, p.deps.clock.now().toISOString());
    await p.run('session-mail');
    expect(p.sentTo(member.email!)).toHaveLength(0);
    noDeadLetters(p);
  });

  it('poison record: in a batch with a good one → the poison one in the DLQ, the good one delivered once', async () => {
    const { p, member } = await bookedPlace();
    p.queue('session-mail').send('{"id":1}', { eventType: 'SessionBooked' });
    expect((await p.run('session-mail')).deadLetters).toHaveLength(1);
    expect(p.sentTo(member.email!)).toHaveLength(1);
  });

  it('duplicate delivery of the same SQS message → delivered once', async () => {
    const { p, member } = await bookedPlace();
    const q = p.queue('session-mail');
    const [message] = q.receive(1);
    q.delete(message!.messageId);
    q.send(message!.body, message!.attributes);
    q.send(message!.body, message!.attributes);
    await p.run('session-mail');
    expect(p.sentTo(member.email!)).toHaveLength(1);
  });

  it('Lambda timeout: the send hangs → not acknowledged, re-run delivers once', async () => {
    const { p, member } = await bookedPlace();
    p.mail.failSend(1, 'hang');
    expect((await p.run('session-mail', { timeoutMs: 300 })).receives).toBe(2);
    expect(p.sentTo(member.email!)).toHaveLength(1);
  });
});
