import type { Deps } from '../../ports/index.ts';
import { CHECKIN_REMINDER_KIND, CHECKIN_SEND_KIND, sendCheckinReminder, sendCheckins } from '../checkins/send-checkins.ts';
import { escalationTimedOut } from '../safeguarding/escalation-timeout.ts';
import { ESCALATION_TIMEOUT_KIND } from '../safeguarding/notify-escalation.ts';
import { RESOLVE_REMINDER_KIND, remindToResolve } from '../safeguarding/resolve-reminder.ts';
import { SESSION_REMINDER_KIND, sendSessionReminder } from '../sessions/reminders.ts';
import { expireWaitlistOffer, OFFER_EXPIRY_KIND } from '../sessions/waitlist.ts';
import type { Run } from '../time-budget.ts';
import { HEARTBEAT_KIND, recordHeartbeat } from './heartbeat.ts';
import { type TimerMessage, UnknownTimerKindError } from './timer-message.ts';

/**
 * Everything a timer kind may touch. A feature that adds a kind adds the keys its handler needs;
 * the compiler then checks that the timer worker is given them.
 */
export type TimerDeps = Pick<
  Deps,
  | 'heartbeats'
  | 'clock'
  | 'org'
  | 'escalations'
  | 'sessions'
  | 'members'
  | 'ids'
  | 'mail'
  | 'deliveries'
  | 'tokens'
  | 'links'
  | 'checkins'
  | 'scheduler'
>;

/** The invocation a timer runs in (shared/domain/time-budget.ts). */
export type TimerRun = Run;

/** Handles one fired timer. Must tolerate duplicate and late delivery (timers are at-least-once). */
export type TimerKindHandler = (deps: TimerDeps, timer: TimerMessage, run?: TimerRun) => Promise<void>;

/** Every timer kind and its handler. Features register their kinds here. */
export const timerKinds: Readonly<Record<string, TimerKindHandler>> = {
  [HEARTBEAT_KIND]: recordHeartbeat,
  [ESCALATION_TIMEOUT_KIND]: async (deps, timer) => {
    await escalationTimedOut(deps, timer);
  },
  [RESOLVE_REMINDER_KIND]: async (deps, timer) => {
    await remindToResolve(deps, timer);
  },
  [OFFER_EXPIRY_KIND]: expireWaitlistOffer,
  [SESSION_REMINDER_KIND]: async (deps, timer) => {
    await sendSessionReminder(deps, timer);
  },
  [CHECKIN_SEND_KIND]: async (deps, timer, run) => {
    await sendCheckins(deps, timer, run);
  },
  [CHECKIN_REMINDER_KIND]: async (deps, timer) => {
    await sendCheckinReminder(deps, timer);
  },
};

/** Runs the handler of the timer's kind; an unknown kind throws, so the message ends in the DLQ. */
export async function fireTimer(deps: TimerDeps, timer: TimerMessage, run?: TimerRun): Promise<void> {
  const handle = Object.hasOwn(timerKinds, timer.kind) ? timerKinds[timer.kind] : undefined;
  if (!handle) throw new UnknownTimerKindError(timer.kind);
  await handle(deps, timer, run);
}
