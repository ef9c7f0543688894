import type { Deps } from '../../ports/index.ts';
import { SendTimeBudgetError } from '../errors.ts';
import { TOKEN_PURPOSE } from '../members/member.ts';
import type { Session } from '../sessions/model.ts';
import { outOfTime, type Run, sendBudget } from '../time-budget.ts';
import type { TimerMessage } from '../timers/timer-message.ts';
import { CHECKIN_ANSWERS, type CheckinAnswerLink, checkinEmail } from './checkin-emails.ts';

/** Timer kind: the post-session check-in of one session (all its recipients). */
export const CHECKIN_SEND_KIND = 'checkin-send';

/** Timer kind: the one reminder to a member who has not answered. */
export const CHECKIN_REMINDER_KIND = 'checkin-reminder';

export const checkinReminderTimerName = (sessionId: string, memberId: string) => `checkin-reminder-${sessionId}-${memberId}`;

/** Link-token purposes: the answer links (data: sessionId) and the one-click check-in unsubscribe. */
export const CHECKIN_TOKEN_PURPOSE = { answer: 'checkin', unsubscribe: 'checkin-unsubscribe' } as const;

const MINUTE = 60_000;

/** Deterministic: scheduling again by this name replaces the timer (a reschedule moves it). */
export const checkinTimerName = (sessionId: string) => `checkin-send-${sessionId}`;

/** Delivery-log key of one member's check-in for one session (its own namespace). */
export const checkinDeliveryKey = (sessionId: string, memberId: string) => `checkin#${sessionId}#${memberId}`;

/** When the check-in of a session goes: its end plus the org's delay. */
export const checkinDueAt = (deps: Pick<Deps, 'org'>, session: Pick<Session, 'endsAt'>) =>
  new Date(new Date(session.endsAt).getTime() + deps.org.checkins.delayMinutes * MINUTE);

/**
 * Schedules (or moves) the check-in timer of a scheduled session; a cancelled session's timer is
 * cancelled. Called by the session-mail consumer on SessionsScheduled, SessionRescheduled and
 * SessionCancelled, so it runs after the state is written and is safe to repeat.
 */
export async function scheduleCheckin(
  deps: Pick<Deps, 'org' | 'scheduler'>,
  session: Pick<Session, 'sessionId' | 'endsAt' | 'status'>,
): Promise<void> {
  const name = checkinTimerName(session.sessionId);
  if (session.status !== 'scheduled' || !deps.org.checkins.enabled) {
    await deps.scheduler.cancel(name);
    return;
  }
  await deps.scheduler.schedule({
    name,
    at: checkinDueAt(deps, session),
    payload: { kind: CHECKIN_SEND_KIND, sessionId: session.sessionId },
  });
}

export type CheckinSendOutcome =
  | { outcome: 'skipped' }
  | { outcome: 'sent'; sent: number; duplicates: number; excluded: number }
  | { outcome: 'continued'; sent: number; duplicates: number; excluded: number; left: number };

type CheckinDeps = Pick<
  Deps,
  'org' | 'sessions' | 'members' | 'clock' | 'mail' | 'deliveries' | 'tokens' | 'links' | 'checkins' | 'scheduler'
>;

/**
 * The `checkin-send` timer. Re-reads state: nothing for a cancelled or unknown session, nothing
 * before end + delay (a timer left from before a reschedule to a later time is ignored: the moved
 * one fires). Recipients are the members recorded present or, when no attendance was recorded,
 * those with a booked place; only those who want check-in emails, have not opted out of email and
 * whose address does not bounce. Each gets one email, at most once per session (delivery log), so a
 * duplicate or retried timer sends only what is missing.
 */
export async function sendCheckins(deps: CheckinDeps, timer: TimerMessage, run?: Run): Promise<CheckinSendOutcome> {
  const sessionId = typeof timer.sessionId === 'string' ? timer.sessionId : '';
  if (!sessionId) throw new Error('checkin-send timer without its session id');
  if (!deps.org.checkins.enabled) return { outcome: 'skipped' };
  const session = await deps.sessions.getSession(sessionId);
  if (session?.status !== 'scheduled') return { outcome: 'skipped' };
  if (deps.clock.now().getTime() < checkinDueAt(deps, session).getTime()) return { outcome: 'skipped' };
  const group = await deps.sessions.getGroup(session.groupId);
  if (!group) return { outcome: 'skipped' };

  // In id order, so a continuation (`resumeAfter`: the last member it reached) picks up where this stopped.
  const resumeAfter = typeof timer.resumeAfter === 'string' ? timer.resumeAfter : '';
  const recipients = (
    session.attendance !== undefined
      ? [...new Set(session.attendance)]
      : (await deps.sessions.listBookings(sessionId)).filter((b) => b.status === 'booked').map((b) => b.memberId)
  )
    .sort()
    .filter((memberId) => memberId > resumeAfter);

  const sendOne = async (memberId: string): Promise<'sent' | 'duplicate' | 'excluded'> => {
    const member = await deps.members.get(memberId);
    if (
      !member?.email ||
      member.status !== 'active' ||
      !member.checkinEmails ||
      member.emailOptOut ||
      member.emailBouncedAt !== undefined
    ) {
      return 'excluded';
    }
    const key = checkinDeliveryKey(sessionId, memberId);
    if (!(await deps.deliveries.begin(key))) {
      // Sent before, but what follows the send may have failed (the timer is retried for that):
      // finish it, or the answer page and the reminder would never know it was sent.
      await afterSend(deps, session, memberId, (await deps.checkins.get(sessionId, memberId))?.sentAt);
      return 'duplicate';
    }
    let result: { messageId: string };
    try {
      const links = await checkinLinks(deps, sessionId, memberId);
      result = await deps.mail.send(
        checkinEmail(deps.org, member.email, member.displayName ?? '', group.name, links),
        sendBudget(run),
      );
    } catch (error) {
      await deps.deliveries.release(key);
      throw error;
    }
    await deps.deliveries.complete(key, result.messageId);
    await afterSend(deps, session, memberId);
    return 'sent';
  };

  let sent = 0;
  let duplicates = 0;
  let excluded = 0;
  // One member's failure (a throttled send, a bad address) must not keep the others from theirs:
  // every recipient is tried, then the timer fails (and is retried) if any send failed.
  const failures: unknown[] = [];
  // Out of time: the rest (from recipient i) by a continuation timer (same name: repeats collapse into
  // one), not by the function's timeout, which would fail the whole batch and retry it after minutes.
  const continueFrom = async (i: number): Promise<CheckinSendOutcome> => {
    const after = i > 0 ? recipients[i - 1] : resumeAfter;
    await deps.scheduler.schedule({
      name: checkinTimerName(sessionId),
      at: deps.clock.now(),
      payload: { kind: CHECKIN_SEND_KIND, sessionId, ...(after ? { resumeAfter: after } : {}) },
    });
    if (failures.length) throw failures[0];
    return { outcome: 'continued', sent, duplicates, excluded, left: recipients.length - i };
  };
  for (const [i, memberId] of recipients.entries()) {
    if (i > 0 && outOfTime(run)) return continueFrom(i);
    try {
      const outcome = await sendOne(memberId);
      if (outcome === 'sent') sent++;
      else if (outcome === 'duplicate') duplicates++;
      else excluded++;
    } catch (error) {
      // Not sent for want of time (its claim released): this member starts the continuation
      if (error instanceof SendTimeBudgetError) return continueFrom(i);
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
  return { outcome: 'sent', sent, duplicates, excluded };
}

/**
 * Records the check-in as sent and schedules its reminder `reminderAfterHours` after the first
 * send. Both idempotent (the first `sentAt` stays; the timer has one name), so a retry finishes
 * what a failed attempt left undone; a reminder whose time has passed is not set again.
 */
async function afterSend(deps: CheckinDeps, session: Session, memberId: string, sentBefore?: string): Promise<void> {
  const { sessionId } = session;
  const sentAt = sentBefore ?? deps.clock.now().toISOString();
  if (!sentBefore) await deps.checkins.recordSent(sessionId, memberId, sentAt, session.groupId);
  const remindAt = new Date(Date.parse(sentAt) + deps.org.checkins.reminderAfterHours * 3_600_000);
  if (remindAt.getTime() <= deps.clock.now().getTime()) return;
  await deps.scheduler.schedule({
    name: checkinReminderTimerName(sessionId, memberId),
    at: remindAt,
    payload: { kind: CHECKIN_REMINDER_KIND, sessionId, memberId },
  });
}

/** The answer links (one token: purpose `checkin`, subject the member, data the session), unsubscribe and manage links. */
export async function checkinLinks(
  deps: Pick<Deps, 'org' | 'tokens' | 'links'>,
  sessionId: string,
  memberId: string,
  ttlSeconds = deps.org.checkins.expiryHours * 3600,
) {
  const answerToken = await deps.tokens.sign({
    purpose: CHECKIN_TOKEN_PURPOSE.answer,
    subject: memberId,
    data: { sessionId },
    ttlSeconds,
  });
  const longLived = deps.org.members.manageTokenDays * 86400;
  const unsubscribeToken = await deps.tokens.sign({
    purpose: CHECKIN_TOKEN_PURPOSE.unsubscribe,
    subject: memberId,
    ttlSeconds: longLived,
  });
  const manageToken = await deps.tokens.sign({ purpose: TOKEN_PURPOSE.manage, subject: memberId, ttlSeconds: longLived });
  const answers = Object.fromEntries(
    CHECKIN_ANSWERS.map((a) => [a, deps.links.url(`/checkins/${sessionId}`, { t: answerToken, a })]),
  ) as Record<CheckinAnswerLink, string>;
  return {
    answers,
    unsubscribe: deps.links.url('/checkins/unsubscribe', { t: unsubscribeToken }),
    manage: deps.links.url('/manage', { t: manageToken }),
  };
}

/**
 * The `checkin-reminder` timer: one reminder, only while unanswered and before the check-in
 * closes (expiryHours after the first email; the reminder's links close at the same time), only
 * if the member still wants check-ins; at most once (delivery log).
 */
export async function sendCheckinReminder(deps: CheckinDeps, timer: TimerMessage): Promise<'sent' | 'skipped' | 'duplicate'> {
  const sessionId = typeof timer.sessionId === 'string' ? timer.sessionId : '';
  const memberId = typeof timer.memberId === 'string' ? timer.memberId : '';
  if (!sessionId || !memberId) throw new Error('checkin-reminder timer without its ids');
  const record = await deps.checkins.get(sessionId, memberId);
  if (!record?.sentAt || record.answer) return 'skipped';
  const now = deps.clock.now().getTime();
  const closesAt = new Date(record.sentAt).getTime() + deps.org.checkins.expiryHours * 3_600_000;
  const ttlSeconds = Math.floor((closesAt - now) / 1000);
  if (ttlSeconds < 3600) return 'skipped'; // closing within the hour: a reminder would only frustrate
  const session = await deps.sessions.getSession(sessionId);
  const group = session && (await deps.sessions.getGroup(session.groupId));
  const member = await deps.members.get(memberId);
  if (
    !group ||
    !member?.email ||
    member.status !== 'active' ||
    !member.checkinEmails ||
    member.emailOptOut ||
    member.emailBouncedAt !== undefined
  ) {
    return 'skipped';
  }
  const key = `checkin-reminder#${sessionId}#${memberId}`;
  if (!(await deps.deliveries.begin(key))) return 'duplicate';
  let result: { messageId: string };
  try {
    const links = await checkinLinks(deps, sessionId, memberId, ttlSeconds);
    result = await deps.mail.send(checkinEmail(deps.org, member.email, member.displayName ?? '', group.name, links, 'reminder'));
  } catch (error) {
    await deps.deliveries.release(key);
    throw error;
  }
  await deps.deliveries.complete(key, result.messageId);
  return 'sent';
}
