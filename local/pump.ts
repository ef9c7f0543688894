import type { ControllableClock } from '../shared/adapters/local/controllable-clock.ts';
import type { LocalQueue } from '../shared/adapters/local/local-queue.ts';
import type { LocalScheduler } from '../shared/adapters/local/local-scheduler.ts';
import { timerMessageBody } from '../shared/domain/timers/timer-message.ts';
import { deliverBatch, type QueueConsumer } from './lambda.ts';
import type { StreamPoller } from './stream-poller.ts';

/**
 * What moves work along in the local stack, in one pass: the table's stream to the relay (which
 * publishes to the local topics and so to the consumer queues), due timers to the timers queue, and
 * one batch from every queue to its consumer. A background loop runs a pass every ~150 ms; `drain`
 * runs passes until one does nothing and no retry is pending. One mutex keeps them from overlapping.
 */
export interface PumpOptions {
  stream: Pick<StreamPoller, 'poll'>;
  scheduler: LocalScheduler;
  clock: ControllableClock;
  timerQueue: LocalQueue;
  consumers: readonly QueueConsumer[];
  onDeadLetter?: (queue: string, messageId: string) => void;
  /** A consumer's handler threw instead of reporting failed records (its batch will be retried). */
  onConsumerError?: (queue: string, error: unknown) => void;
  /** A background pass failed (e.g. DynamoDB Local did not answer); the next pass tries again. */
  onError?: (error: unknown) => void;
}

export interface Pump {
  /** Runs passes until the stream, the due timers and every queue are idle (retries included). */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  start(intervalMs?: number): void;
  /** Stops the background loop and waits for a pass in progress. */
  stop(): Promise<void>;
}

export class DrainTimeoutError extends Error {
  override name = 'DrainTimeoutError';
}

export function createPump(options: PumpOptions): Pump {
  let tail: Promise<unknown> = Promise.resolve();
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };

  /** One pass; `worked` when anything moved, `wakeAt` when something is waiting to be retried. */
  async function pass(): Promise<{ worked: boolean; wakeAt?: number }> {
    let worked = false;
    let wakeAt: number | undefined;
    const wake = (at: number | undefined) => {
      if (at !== undefined) wakeAt = Math.min(wakeAt ?? at, at);
    };

    const polled = await options.stream.poll();
    if (polled.records) worked = true;
    wake(polled.retryAt);

    for (const timer of options.scheduler.due(options.clock.now())) {
      options.timerQueue.send(timerMessageBody({ name: timer.name, at: new Date(timer.at), payload: timer.payload }));
      options.scheduler.fired(timer);
      worked = true;
    }

    for (const consumer of options.consumers) {
      const outcome = await deliverBatch(consumer);
      if (outcome.received) worked = true;
      if ('error' in outcome) options.onConsumerError?.(consumer.queue.name, outcome.error);
      for (const id of outcome.deadLettered) options.onDeadLetter?.(consumer.queue.name, id);
      const depth = consumer.queue.depth();
      if (depth.visible) worked = true;
      wake(depth.nextVisibleAt);
    }
    return wakeAt === undefined ? { worked } : { worked, wakeAt };
  }

  let timer: NodeJS.Timeout | undefined;
  let running = false;

  return {
    drain({ timeoutMs = 30_000 } = {}) {
      return locked(async () => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const { worked, wakeAt } = await pass();
          if (!worked && wakeAt === undefined) return;
          if (Date.now() > deadline) throw new DrainTimeoutError(`The local stack was still busy after ${timeoutMs} ms`);
          if (!worked && wakeAt !== undefined) {
            await new Promise((r) => setTimeout(r, Math.max(5, Math.min(wakeAt - Date.now(), deadline - Date.now()))));
          }
        }
      });
    },
    start(intervalMs = 150) {
      if (running) return;
      running = true;
      const tick = async () => {
        try {
          await locked(pass);
        } catch (error) {
          options.onError?.(error);
        }
        if (running) timer = setTimeout(tick, intervalMs);
      };
      timer = setTimeout(tick, intervalMs);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await tail;
    },
  };
}
