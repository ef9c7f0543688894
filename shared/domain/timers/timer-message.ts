import type { TimerRequest } from '../../ports/index.ts';
import * as z from '../../zod.ts';

/**
 * What a fired timer delivers to the timer worker: the SQS message body is the JSON object
 * `{ name, kind, ...payload, dueAt }`. EventBridge Scheduler puts it in the schedule's target input
 * (shared/adapters/aws/eventbridge-scheduler.ts); the local scheduler sends the same body.
 */
export const TimerMessage = z.looseObject({
  name: z.string().check(z.minLength(1)),
  kind: z.string().check(z.minLength(1)),
  /** When the timer was meant to fire (ISO 8601); delivery may be later, never earlier. */
  dueAt: z.optional(z.iso.datetime({ offset: true })),
});
export type TimerMessage = z.infer<typeof TimerMessage>;

/** The message body for a timer; the timer's name always wins over a payload field of that name. */
export function timerMessageBody(timer: TimerRequest): string {
  return JSON.stringify({ ...timer.payload, name: timer.name, dueAt: timer.at.toISOString() });
}

/** A body that is not a timer message: a bug in whoever scheduled it, so it must reach the DLQ. */
export class InvalidTimerMessageError extends Error {
  override name = 'InvalidTimerMessageError';
}

/** A timer of a kind no handler knows: never dropped silently, it ends in the timers DLQ. */
export class UnknownTimerKindError extends Error {
  override name = 'UnknownTimerKindError';
  constructor(readonly kind: string) {
    super(`No handler for timer kind "${kind}"`);
  }
}

export function parseTimerMessage(body: string): TimerMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new InvalidTimerMessageError('The timer message is not JSON');
  }
  const parsed = TimerMessage.safeParse(raw);
  if (!parsed.success) throw new InvalidTimerMessageError('The timer message has no name or kind');
  return parsed.data;
}
