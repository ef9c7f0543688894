import type { Deps } from '../../ports/index.ts';
import { TOKEN_PURPOSE } from '../members/member.ts';
import type { TimerMessage } from '../timers/timer-message.ts';
import { bookingLink } from './book-session.ts';
import type { Session } from './model.ts';
import { reminderEmail } from './session-emails.ts';

/** Timer kind: a session reminder for one booked member. */
export const SESSION_REMINDER_KIND = 'session-reminder';

const MINUTE = 60_000;

/** Deterministic: re-scheduling by the same name replaces the timer (a reschedule moves it). */
export const reminderTimerName = (sessionId: string, memberId: string, minutes: number) =>
  `reminder-${sessionId}-${memberId}-${minutes}`;

/**
 * One timer per configured reminder (default 24 h and 1 h before) for a booked member. A reminder
 * whose time has passed is not scheduled (a booking 3 h before the start gets only the 1 h one)
 * and any earlier timer of that name is cancelled.
 */
export async function scheduleReminders(
  deps: Pick<Deps, 'org' | 'scheduler' | 'clock'>,
  session: Pick<Session, 'sessionId' | 'startsAt'>,
  memberId: string,
): Promise<void> {
  const now = deps.clock.now().getTime();
  const start = new Date(session.startsAt).getTime();
  for (const minutes of deps.org.sessions.reminderMinutesBefore) {
    const name = reminderTimerName(session.sessionId, memberId, minutes);
    const at = start - minutes * MINUTE;
    if (at > now) {
      await deps.scheduler.schedule({
        name,
        at: new Date(at),
        payload: { kind: SESSION_REMINDER_KIND, sessionId: session.sessionId, memberId, minutes, startsAt: session.startsAt },
      });
    } else {
      await deps.scheduler.cancel(name);
    }
  }
}

export async function cancelReminders(deps: Pick<Deps, 'org' | 'scheduler'>, sessionId: string, memberId: string): Promise<void> {
  for (const minutes of deps.org.sessions.reminderMinutesBefore) {
    await deps.scheduler.cancel(reminderTimerName(sessionId, memberId, minutes));
  }
}

export type ReminderOutcome = 'sent' | 'skipped' | 'duplicate';

/**
 * The reminder timer. Re-reads state, so nothing goes for a cancelled place or session; never
 * early (a timer left from before a reschedule to a later time is ignored: the moved one fires),
 * never after the start, never twice (delivery log keyed by session, start time, reminder and member).
 */
export async function sendSessionReminder(
  deps: Pick<Deps, 'org' | 'sessions' | 'members' | 'clock' | 'mail' | 'deliveries' | 'tokens' | 'links'>,
  timer: TimerMessage,
): Promise<ReminderOutcome> {
  const sessionId = typeof timer.sessionId === 'string' ? timer.sessionId : '';
  const memberId = typeof timer.memberId === 'string' ? timer.memberId : '';
  const minutes = typeof timer.minutes === 'number' ? timer.minutes : Number.NaN;
  if (!sessionId || !memberId || !Number.isInteger(minutes)) throw new Error('session-reminder timer without its ids');
  const session = await deps.sessions.getSession(sessionId);
  if (session?.status !== 'scheduled') return 'skipped';
  const booking = await deps.sessions.getBooking(sessionId, memberId);
  if (booking?.status !== 'booked') return 'skipped';
  const now = deps.clock.now().getTime();
  const start = new Date(session.startsAt).getTime();
  if (now < start - minutes * MINUTE || now >= start) return 'skipped';
  const group = await deps.sessions.getGroup(session.groupId);
  const member = await deps.members.get(memberId);
  // A bounced address (SES said it does not exist) gets nothing more: resending hurts the sender reputation.
  if (!group || !member?.email || member.status !== 'active' || member.emailOptOut || member.emailBouncedAt) return 'skipped';

  const key = `reminder-${sessionId}-${session.startsAt}-${minutes}#email#${memberId}`;
  if (!(await deps.deliveries.begin(key))) return 'duplicate';
  let sent: { messageId: string };
  try {
    const manageUrl = deps.links.url('/manage', {
      t: await deps.tokens.sign({
        purpose: TOKEN_PURPOSE.manage,
        subject: memberId,
        ttlSeconds: deps.org.members.manageTokenDays * 86400,
      }),
    });
    const pageUrl = await bookingLink(deps, memberId, group.groupId, sessionId);
    sent = await deps.mail.send(
      reminderEmail(deps.org, member.email, member.displayName ?? '', group, session, minutes, pageUrl, manageUrl),
    );
  } catch (error) {
    await deps.deliveries.release(key);
    throw error;
  }
  await deps.deliveries.complete(key, sent.messageId);
  return 'sent';
}
