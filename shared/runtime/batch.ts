import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLogger } from './logger.ts';

/**
 * Queue and stream consumers report partial batch failures; they never catch-and-log. A record
 * that throws is returned as a failure, so SQS retries it and, after maxReceiveCount, moves it to
 * the consumer's DLQ (which alarms).
 */
const logger = createLogger('batch');

/**
 * The timer worker's timeout (infra/constructs/timers.ts): a check-in fan-out stops starting sends
 * in time to finish within it (shared/domain/checkins/send-checkins.ts), and a safety timer behind a
 * batch of them waits at most this long.
 */
export const TIMER_WORKER_TIMEOUT_SECONDS = 30;

/**
 * The topic consumers' timeout (infra/constructs/messaging.ts): the session-mail consumer's
 * announcement to a whole group stops starting sends in time (shared/domain/sessions/send-session-email.ts).
 */
export const CONSUMER_TIMEOUT_SECONDS = 30;

/** What a record's handler may know of its invocation: the time left before the function's timeout. */
export interface Invocation {
  remainingMs(): number;
}

export function sqsHandler(name: string, fn: (body: string, record: SQSRecord, invocation: Invocation) => Promise<void>) {
  return middy(
    async (event: SQSEvent, context?: Partial<Context>): Promise<SQSBatchResponse> => {
      // Lambda's context knows; a caller without one (a test, the local stack) has no timeout.
      const invocation: Invocation = {
        remainingMs: () => context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
      };
      const results = await Promise.allSettled(event.Records.map((record) => fn(record.body, record, invocation)));
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      results.forEach((result, i) => {
        const record = event.Records[i];
        if (result.status === 'rejected' && record) {
          batchItemFailures.push({ itemIdentifier: record.messageId });
          logger.warn('record failed; it will be retried', {
            kind: name,
            id_message: record.messageId,
            error: result.reason,
          } as never);
        }
      });
      logger.info('batch', { kind: name, count: event.Records.length, failed: batchItemFailures.length });
      return { batchItemFailures };
    },
    { timeoutEarlyInMillis: 0 },
  );
}

/**
 * Stream records are handled in order; the first failure stops the batch and is reported, so the
 * event source mapping retries from there (bisecting to isolate a poison record).
 */
export function streamHandler(name: string, fn: (record: DynamoDBRecord) => Promise<void>) {
  return middy(
    async (event: DynamoDBStreamEvent): Promise<SQSBatchResponse> => {
      for (const record of event.Records) {
        try {
          await fn(record);
        } catch (error) {
          const id = record.dynamodb?.SequenceNumber ?? '';
          logger.error('stream record failed; the batch will be retried from it', {
            kind: name,
            id_sequence: id,
            error,
          } as never);
          return { batchItemFailures: [{ itemIdentifier: id }] };
        }
      }
      return { batchItemFailures: [] };
    },
    { timeoutEarlyInMillis: 0 },
  );
}
