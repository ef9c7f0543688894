import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { makeHandler as makeFireTimer } from '../../functions/platform/fire-timer.ts';
import { makeHandler as makeRelay } from '../../functions/platform/relay-outbox.ts';
import { timerWorker, topicConsumers, topicNames } from '../../functions/routes.ts';
import type { LambdaHandler } from '../../local/lambda.ts';
import { createStreamPoller, type StreamPoller } from '../../local/stream-poller.ts';
import type { LocalQueue } from '../../shared/adapters/local/local-queue.ts';
import { createLocalTopics } from '../../shared/adapters/local/local-topics.ts';
import type { OrgConfig } from '../../shared/domain/org/org-config.ts';
import { timerMessageBody } from '../../shared/domain/timers/timer-message.ts';
import type { EmailMessage } from '../../shared/ports/index.ts';
import { type LogSink, setLogSink } from '../../shared/runtime/logger.ts';
import { type TestDeps, testDeps } from '../support/deps.ts';
import { testTable } from '../support/dynamo.ts';
import {
  type FaultyTable,
  faultyEvents,
  faultyMailer,
  faultyScheduler,
  faultySms,
  faultyTable,
  runQueue,
  testQueue,
  VISIBILITY_TIMEOUT_MS,
  withDeadline,
} from '../support/faults.ts';

type SqsLambda = LambdaHandler<SQSEvent, SQSBatchResponse | undefined>;

/**
 * The asynchronous half of the stack for fault tests, built from the real pieces: the real handlers
 * (functions/…) on test Deps whose table is DynamoDB Local behind a fault injector; the relay fed by
 * DynamoDB Local's stream (local/stream-poller.ts); topics fanning out by the filter policies of
 * functions/routes.ts to the local stack's SQS-like queues (DLQ after 5 receives); fired timers
 * through the timers queue to the timer worker. Every receive after the first moves the clock by the
 * queue's visibility timeout, as in AWS (where a failed message returns only after it).
 */
export async function pipeline(options: { org?: OrgConfig; relayTimeoutMs?: number } = {}) {
  const base = await testTable();
  const table: FaultyTable = faultyTable(base);
  const deps: TestDeps = await testDeps({ table, ...(options.org ? { org: options.org } : {}) });
  const mail = faultyMailer(deps.mail);
  const sms = faultySms(deps.sms);
  const scheduler = faultyScheduler(deps.scheduler);

  const queues = new Map<string, LocalQueue>(topicConsumers.map((c) => [c.name, testQueue(c.name)]));
  const topics = createLocalTopics(
    topicNames,
    topicConsumers.map((c) => ({
      topic: c.topic,
      ...(c.filterPolicy ? { filterPolicy: c.filterPolicy } : {}),
      queue: queues.get(c.name) as LocalQueue,
    })),
  );
  const published: string[] = [];
  const publish = topics.publish.bind(topics);
  topics.publish = async (event) => {
    await publish(event);
    published.push(JSON.stringify(event));
  };
  const events = faultyEvents(topics);
  const dir = mkdtempSync(join(tmpdir(), 'kith-faults-stream-'));
  const stream: StreamPoller = createStreamPoller({
    endpoint: base.endpoint,
    tableName: base.tableName,
    stateFile: join(dir, 'stream.json'),
    handler: options.relayTimeoutMs
      ? withDeadline(makeRelay({ events: topics }), options.relayTimeoutMs)
      : makeRelay({ events: topics }),
    backoffMs: () => 1,
    clock: deps.clock,
  });

  const handlers = new Map<string, SqsLambda>();
  for (const consumer of topicConsumers) {
    const module = (await import(/* @vite-ignore */ new URL(`../../functions/${consumer.entry}.ts`, import.meta.url).href)) as {
      makeHandler(d: TestDeps): SqsLambda;
    };
    handlers.set(consumer.name, module.makeHandler(deps));
  }
  const timers = testQueue(timerWorker.name);
  const fireTimer = makeFireTimer(deps) as SqsLambda;
  const afterVisibilityTimeout = () => deps.clock.advance(VISIBILITY_TIMEOUT_MS);

  async function relay() {
    for (let i = 0; i < 200; i++) {
      const outcome = await stream.poll();
      if (!outcome.records && outcome.retryAt === undefined) return;
      if (!outcome.records) await new Promise((r) => setTimeout(r, Math.max(1, (outcome.retryAt ?? 0) - Date.now())));
    }
    throw new Error('the stream never went idle');
  }

  const queue = (name: string) => {
    const q = queues.get(name) ?? (name === timerWorker.name ? timers : undefined);
    if (!q) throw new Error(`no queue ${name}`);
    return q;
  };

  return {
    deps,
    table,
    mail,
    sms,
    scheduler,
    events,
    stream,
    queue,
    published,
    handler: (name: string) => (name === timerWorker.name ? fireTimer : (handlers.get(name) as SqsLambda)),
    relay,
    /** Runs one consumer's queue until it is empty (delivered or dead-lettered). */
    run: (name: string, opts: { timeoutMs?: number; batchSize?: number } = {}) =>
      runQueue(queue(name), name === timerWorker.name ? fireTimer : (handlers.get(name) as SqsLambda), {
        betweenReceives: afterVisibilityTimeout,
        ...opts,
      }),
    /** Relays the outbox, then runs every consumer queue, until nothing moves. */
    async settle() {
      for (let i = 0; i < 10; i++) {
        await relay();
        let moved = 0;
        for (const name of queues.keys()) moved += (await this.run(name)).receives;
        if (!moved) return;
      }
    },
    /** Sends every timer due by the test clock to the timers queue (the scheduler firing), once. */
    fireDueTimers() {
      const now = deps.clock.now().getTime();
      for (const [name, timer] of deps.scheduler.timers) {
        if (timer.at.getTime() <= now) {
          timers.send(timerMessageBody(timer));
          deps.scheduler.timers.delete(name);
        }
      }
    },
    sentTo: (address: string): EmailMessage[] => deps.mail.sent.filter((m) => m.to === address),
    smsTo: (phone: string) => deps.sms.sent.filter((m) => m.to === phone),
    deadLetters: () => [...queues.values(), timers].flatMap((q) => q.deadLetters()),
  };
}

export type Pipeline = Awaited<ReturnType<typeof pipeline>>;

/** Captures every log line of the handlers while `fn` runs. */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const previous: LogSink = setLogSink((line) => lines.push(line));
  try {
    return { result: await fn(), lines };
  } finally {
    setLogSink(previous);
  }
}
