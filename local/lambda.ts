import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalQueue } from '../shared/adapters/local/local-queue.ts';

/**
 * How the local stack invokes the real Lambda handlers: a Lambda-shaped context, SQS events built
 * from local queue messages, and the SQS event source's rules for partial batch responses.
 */

/** A handler as `makeHandler(deps)` returns it (a middy function). */
export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

export const REGION = 'eu-west-2';
export const ACCOUNT = '000000000000';

export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function queueArn(name: string): string {
  return `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
}

export function sqsRecord(queueName: string, message: ReturnType<LocalQueue['receive']>[number]): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.attributes).map(([k, v]) => [
        k,
        { stringValue: v, stringListValues: [], binaryListValues: [], dataType: 'String' },
      ]),
    ),
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn(queueName),
    awsRegion: REGION,
  };
}

export interface QueueConsumer {
  queue: LocalQueue;
  handler: LambdaHandler<SQSEvent, SQSBatchResponse | undefined>;
  /** The consumer function's timeout. */
  timeoutMs?: number;
}

export interface BatchOutcome {
  received: number;
  failed: number;
  deadLettered: string[];
  /** The handler itself threw (rather than reporting failed records). */
  error?: unknown;
}

/**
 * One receive of up to `batchSize` messages handed to the consumer, as the SQS event source
 * mapping does with `ReportBatchItemFailures`: listed failures are retried (the rest deleted); a
 * thrown handler, or a response naming a message not in the batch, fails the whole batch.
 */
export async function deliverBatch(consumer: QueueConsumer, batchSize = 10): Promise<BatchOutcome> {
  const { queue } = consumer;
  const messages = queue.receive(batchSize);
  if (!messages.length) return { received: 0, failed: 0, deadLettered: [] };
  const ids = new Set(messages.map((m) => m.messageId));
  let failedIds: Set<string>;
  let thrown: { error: unknown } | undefined;
  try {
    const response = await consumer.handler(
      { Records: messages.map((m) => sqsRecord(queue.name, m)) },
      lambdaContext(queue.name, consumer.timeoutMs ?? 30_000),
    );
    const listed = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
    failedIds = listed.every((id) => ids.has(id)) ? new Set(listed) : ids;
  } catch (error) {
    failedIds = ids;
    thrown = { error };
  }
  const deadLettered: string[] = [];
  for (const message of messages) {
    if (!failedIds.has(message.messageId)) queue.delete(message.messageId);
    else if (queue.fail(message.messageId) === 'dead-lettered') deadLettered.push(message.messageId);
  }
  return { received: messages.length, failed: failedIds.size, deadLettered, ...(thrown ? { error: thrown.error } : {}) };
}
