import type { SendOptions } from '../ports/index.ts';

/**
 * The invocation a long fan-out of emails runs in: how long it has left before the function's
 * timeout. A fan-out stops starting sends in time and leaves the rest to a continuation (a timer
 * for check-ins, an event for session mail) instead of being killed mid-send: a killed batch fails
 * as a whole, comes back only after the queue's visibility timeout, and alarms.
 */
export interface Run {
  remainingMs(): number;
}

/**
 * Stop starting sends when the invocation has less than this left: one more send (its paced wait
 * at the usual rate, the SES call, the writes after it) fits in it with room to spare before the
 * 30 s timeout of the functions that fan out (the timer worker, the session-mail consumer).
 */
export const STOP_BEFORE_TIMEOUT_MS = 10_000;

/** What a send leaves of the invocation for the writes after it (delivery log, check-in, reminder timer). */
const AFTER_SEND_MS = 4_000;

/** True when the next send should not be started in this invocation (a caller without a timeout never stops). */
export const outOfTime = (run: Run | undefined): boolean => run !== undefined && run.remainingMs() < STOP_BEFORE_TIMEOUT_MS;

/** A send may wait for its turn under the account's rate only as long as the invocation can give. */
export const sendBudget = (run: Run | undefined): SendOptions | undefined =>
  run ? { maxWaitMs: Math.max(0, run.remainingMs() - AFTER_SEND_MS) } : undefined;
