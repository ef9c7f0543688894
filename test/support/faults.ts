import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverBatch, type LambdaHandler, type QueueConsumer } from '../../local/lambda.ts';
import type { TableRef } from '../../shared/adapters/aws/dynamo/document-client.ts';
import { createLocalQueue, type DeadLetter, type LocalQueue } from '../../shared/adapters/local/local-queue.ts';
import type { DomainEvent } from '../../shared/domain/events.ts';
import type { EventPublisher, Mailer, Scheduler, SmsSender } from '../../shared/ports/index.ts';

/**
 * Port-level fault injectors for the fault matrix (test/faults/): each wraps a REAL adapter (the
 * DynamoDB document client on DynamoDB Local, the recording mailer/SMS/scheduler/topics) and makes
 * chosen calls fail the way the AWS service fails, or hang (a Lambda that runs out of time), while
 * every other call goes through untouched.
 */

/**
 * How a dependency fails. `hang` never answers (the invocation runs out of time around it);
 * `hang-after` does the work, then never answers (SES accepted the email, DynamoDB applied the
 * write, and the Lambda timed out before it heard back).
 */
export type Failure = 'throttling' | 'server-error' | 'network' | 'hang' | 'hang-after';

/** The error an AWS SDK v3 client throws for this failure of this service. */
export function awsError(
  failure: Exclude<Failure, 'hang' | 'hang-after'>,
  service: 'dynamodb' | 'ses' | 'sns' | 'scheduler',
): Error {
  const names = {
    dynamodb: { throttling: 'ProvisionedThroughputExceededException', 'server-error': 'InternalServerError' },
    ses: { throttling: 'TooManyRequestsException', 'server-error': 'InternalFailure' },
    sns: { throttling: 'ThrottledException', 'server-error': 'InternalErrorException' },
    scheduler: { throttling: 'ThrottlingException', 'server-error': 'InternalServerException' },
  } as const;
  const error = new Error(`injected ${failure} (${service})`);
  if (failure === 'network') {
    error.name = 'TimeoutError';
    (error as NodeJS.ErrnoException).code = 'ECONNRESET';
  } else error.name = names[service][failure];
  return error;
}

/** Never settles: what a call looks like from inside an invocation that times out around it. */
const never = <T>() => new Promise<T>(() => undefined);

interface Rule<A extends unknown[]> {
  times: number;
  failure: Failure;
  match: (...args: A) => boolean;
}

/** A set of "the next n matching calls fail" rules, shared by every injector below. */
function faultRules<A extends unknown[]>(service: 'dynamodb' | 'ses' | 'sns' | 'scheduler') {
  const rules: Rule<A>[] = [];
  let injected = 0;
  return {
    add(times: number, failure: Failure, match: (...args: A) => boolean = () => true) {
      rules.push({ times, failure, match });
    },
    get injected() {
      return injected;
    },
    /** Runs `call` unless a rule takes this call. */
    async run<T>(args: A, call: () => Promise<T>): Promise<T> {
      const rule = rules.find((r) => r.times > 0 && r.match(...args));
      if (!rule) return call();
      rule.times--;
      injected++;
      if (rule.failure === 'hang') return never<T>();
      if (rule.failure === 'hang-after') return call().then(() => never<T>());
      throw awsError(rule.failure, service);
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the document client's commands are generic.
type AnyCommand = { constructor: { name: string }; input: any };

/** Which table commands a rule applies to: by command name and/or by the key's pk prefix. */
export interface CommandMatch {
  command?: 'GetCommand' | 'PutCommand' | 'UpdateCommand' | 'DeleteCommand' | 'QueryCommand' | 'TransactWriteCommand';
  pkPrefix?: string;
}

function commandPks(command: AnyCommand): string[] {
  const input = command.input ?? {};
  const pks = [input.Key?.pk, input.Item?.pk];
  for (const item of input.TransactItems ?? []) {
    for (const op of Object.values(item) as { Key?: { pk?: string }; Item?: { pk?: string } }[])
      pks.push(op.Key?.pk, op.Item?.pk);
  }
  if (typeof input.ExpressionAttributeValues?.[':pk'] === 'string') pks.push(input.ExpressionAttributeValues[':pk']);
  return pks.filter((pk): pk is string => typeof pk === 'string');
}

export type FaultyTable = TableRef & {
  /** The next `times` matching commands fail (every command when no match is given). */
  fail(times: number, failure: Failure, match?: CommandMatch): void;
  readonly injected: number;
};

/** The real table (DynamoDB Local), some of whose commands fail as DynamoDB fails. */
export function faultyTable(table: TableRef): FaultyTable {
  const rules = faultRules<[AnyCommand]>('dynamodb');
  const send = table.client.send.bind(table.client) as (command: AnyCommand) => Promise<unknown>;
  const client = new Proxy(table.client, {
    get(target, prop, receiver) {
      if (prop === 'send') return (command: AnyCommand) => rules.run([command], () => send(command));
      return Reflect.get(target, prop, receiver);
    },
  });
  return {
    ...table,
    client,
    fail(times, failure, match = {}) {
      rules.add(times, failure, (command) => {
        if (match.command && command.constructor.name !== match.command) return false;
        if (match.pkPrefix && !commandPks(command).some((pk) => pk.startsWith(match.pkPrefix as string))) return false;
        return true;
      });
    },
    get injected() {
      return rules.injected;
    },
  };
}

/** Wraps a mailer: `failSend` (SES throttling, 5xx, network, hang) and `failSuppressionCheck`. */
export function faultyMailer<M extends Mailer>(mailer: M) {
  const sends = faultRules<[{ to: string }]>('ses');
  const checks = faultRules<[string]>('ses');
  const send = mailer.send.bind(mailer);
  const isSuppressed = mailer.isSuppressed.bind(mailer);
  mailer.send = (message) => sends.run([message], () => send(message));
  mailer.isSuppressed = (address) => checks.run([address], () => isSuppressed(address));
  return {
    failSend: (times: number, failure: Failure, to?: string) => sends.add(times, failure, to ? (m) => m.to === to : undefined),
    failSuppressionCheck: (times: number, failure: Failure) => checks.add(times, failure),
  };
}

/** Wraps an SMS sender (SNS SMS publish): the next n sends fail. */
export function faultySms(sms: SmsSender) {
  const rules = faultRules<[string]>('sns');
  const send = sms.send.bind(sms);
  sms.send = (to, body) => rules.run([to], () => send(to, body));
  return { failSend: (times: number, failure: Failure) => rules.add(times, failure) };
}

/** Wraps an event publisher (SNS topic publish): the next n publishes fail. */
export function faultyEvents(events: EventPublisher) {
  const rules = faultRules<[DomainEvent]>('sns');
  const publish = events.publish.bind(events);
  events.publish = (event) => rules.run([event], () => publish(event));
  return {
    failPublish: (times: number, failure: Failure, match?: (event: DomainEvent) => boolean) => rules.add(times, failure, match),
  };
}

/** Wraps a scheduler (EventBridge Scheduler CreateSchedule): the next n schedules fail. */
export function faultyScheduler(scheduler: Scheduler) {
  const rules = faultRules<[unknown]>('scheduler');
  const schedule = scheduler.schedule.bind(scheduler);
  scheduler.schedule = (timer) => rules.run([timer], () => schedule(timer));
  return { failSchedule: (times: number, failure: Failure) => rules.add(times, failure) };
}

/**
 * The Lambda deadline around a handler: when it runs longer than `timeoutMs` the invocation fails
 * as a whole (Lambda reports "Task timed out" and the event source returns every message of the
 * batch to the queue); what the handler was doing is frozen and never resumes.
 */
export function withDeadline<E, R>(handler: LambdaHandler<E, R>, timeoutMs: number): LambdaHandler<E, R> {
  return (event, context) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error('Task timed out');
        error.name = 'Sandbox.Timedout';
        reject(error);
      }, timeoutMs);
    });
    return Promise.race([handler(event, context), deadline]).finally(() => clearTimeout(timer));
  };
}

/** An SQS queue with its DLQ after 5 receives: the local stack's queue machinery, without backoff. */
export function testQueue(name: string): LocalQueue {
  const dir = mkdtempSync(join(tmpdir(), 'kith-faults-'));
  return createLocalQueue(name, join(dir, `${name}.json`), { backoffMs: () => 0 });
}

export interface QueueRun {
  /** Receives (batches handed to the consumer). */
  receives: number;
  /** Messages moved to the DLQ. */
  deadLetters: DeadLetter[];
  /** Messages left (none when the run settled). */
  left: number;
}

/**
 * Hands the queue's messages to the consumer, batch by batch, as the SQS event source mapping does
 * (partial batch responses; DLQ after 5 receives), until the queue is empty. `betweenReceives`
 * runs before every receive after the first: move the test clock by the queue's visibility timeout
 * there, as a message returns to a queue only after it.
 */
export async function runQueue(
  queue: LocalQueue,
  handler: LambdaHandler<SQSEvent, SQSBatchResponse | undefined>,
  options: { betweenReceives?: () => void; timeoutMs?: number; batchSize?: number } = {},
): Promise<QueueRun> {
  const consumer: QueueConsumer = { queue, handler: options.timeoutMs ? withDeadline(handler, options.timeoutMs) : handler };
  let receives = 0;
  for (let i = 0; i < 50 && queue.depth().messages > 0; i++) {
    if (receives > 0) options.betweenReceives?.();
    const outcome = await deliverBatch(consumer, options.batchSize ?? 10);
    if (outcome.received) receives++;
  }
  return { receives, deadLetters: queue.deadLetters(), left: queue.depth().messages };
}

/** The visibility timeout of every consumer queue the stack deploys (6 × the 30 s function timeout). */
export const VISIBILITY_TIMEOUT_MS = 180_000;
