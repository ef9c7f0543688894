import { fireTimer, type TimerDeps } from '../../shared/domain/timers/fire-timer.ts';
import { parseTimerMessage } from '../../shared/domain/timers/timer-message.ts';
import { awsDeps } from '../../shared/runtime/aws-deps.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';

/**
 * The timer worker: consumes the timers queue that EventBridge Scheduler's one-time schedules (or,
 * locally, the local scheduler) deliver to. Each body is `{ name, kind, ...payload, dueAt }`;
 * the kind picks the handler. Unknown kinds and malformed bodies throw, so they end in the DLQ.
 */
export const makeHandler = (deps: TimerDeps) =>
  sqsHandler('fire-timer', async (body) => {
    await fireTimer(deps, parseTimerMessage(body));
  });

export const handler = makeHandler(awsDeps());
