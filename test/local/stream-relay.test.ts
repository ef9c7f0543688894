import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as makeRelay } from '../../functions/platform/relay-outbox.ts';
import { deliverBatch } from '../../local/lambda.ts';
import { createStreamPoller, type StreamPoller } from '../../local/stream-poller.ts';
import type { TableRef } from '../../shared/adapters/aws/dynamo/document-client.ts';
import { outboxPut } from '../../shared/adapters/aws/dynamo/outbox.ts';
import { createLocalQueue } from '../../shared/adapters/local/local-queue.ts';
import { createLocalTopics } from '../../shared/adapters/local/local-topics.ts';
import type { DomainEvent } from '../../shared/domain/events.ts';
import type { EventPublisher } from '../../shared/ports/index.ts';
import { setLogSink } from '../../shared/runtime/logger.ts';
import { testTable } from '../support/dynamo.ts';

const event = (id: string): DomainEvent => ({
  id,
  type: 'MemberSignupRequested',
  topic: 'member-notifications',
  occurredAt: '2026-11-22T10:00:00.000Z',
  data: { memberId: `member-of-${id}` },
});

/** Polls until a pass hands nothing over and no retry is pending. */
async function pollUntilIdle(poller: StreamPoller) {
  for (let i = 0; i < 200; i++) {
    const outcome = await poller.poll();
    if (!outcome.records && outcome.retryAt === undefined) return;
    if (!outcome.records && outcome.retryAt !== undefined)
      await new Promise((r) => setTimeout(r, Math.max(1, outcome.retryAt! - Date.now())));
  }
  throw new Error('the stream never went idle');
}

describe('the outbox relay over DynamoDB Local streams', () => {
  let table: TableRef & { endpoint: string };
  let dir: string;
  let restoreSink: ReturnType<typeof setLogSink>;

  beforeAll(() => {
    restoreSink = setLogSink(() => undefined);
  });
  afterAll(() => {
    setLogSink(restoreSink);
  });

  beforeEach(async () => {
    // A fresh table (and so a fresh stream) per test
    table = await testTable();
    dir = mkdtempSync(join(tmpdir(), 'kith-stream-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  const writeOutbox = (e: DomainEvent) =>
    table.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table.tableName, Item: { pk: `THING#${e.id}`, sk: 'THING' } } },
          outboxPut(table.tableName, e),
        ],
      }),
    );
  const poller = (events: EventPublisher, options: { maxAttempts?: number } = {}) =>
    createStreamPoller({
      endpoint: table.endpoint,
      tableName: table.tableName,
      stateFile: join(dir, 'stream.json'),
      handler: makeRelay({ events }),
      backoffMs: () => 1,
      ...options,
    });

  it('publishes an inserted outbox item once, and it reaches the topic consumer as an SQS message', async () => {
    // Prepare: the relay publishing into local topics with one subscribed queue
    const queue = createLocalQueue('member-mail', join(dir, 'member-mail.json'));
    const topics = createLocalTopics(['member-notifications'], [{ topic: 'member-notifications', queue }]);
    const stream = poller(topics);
    await writeOutbox(event('e-1'));

    // Act
    await pollUntilIdle(stream);
    await pollUntilIdle(stream);
    await pollUntilIdle(poller(topics)); // a restarted stack resumes from its checkpoint

    // Assess
    expect(queue.depth().messages).toBe(1);
    const bodies: unknown[] = [];
    await deliverBatch({
      queue,
      handler: async (e) => {
        bodies.push(...e.Records.map((r) => JSON.parse(r.body)));
        return { batchItemFailures: [] };
      },
    });
    expect(bodies).toEqual([event('e-1')]);
  });

  it('ignores items that are not outbox items, and changes that are not inserts', async () => {
    const published: DomainEvent[] = [];
    const stream = poller({ publish: async (e) => void published.push(e) });
    await table.client.send(
      new PutCommand({ TableName: table.tableName, Item: { pk: 'MEMBER#1', sk: 'PROFILE', kind: 'member' } }),
    );
    await writeOutbox(event('e-2'));
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: 'OUTBOX#e-2', sk: 'OUTBOX' },
        UpdateExpression: 'SET touched = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
    await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: 'OUTBOX#e-2', sk: 'OUTBOX' } }));

    await pollUntilIdle(stream);

    expect(published.map((e) => e.id)).toEqual(['e-2']);
  });

  it('retries from the failed record, without publishing the ones before it again', async () => {
    // Prepare: publishing e-4 fails once
    const attempts: string[] = [];
    let failed = false;
    const stream = poller({
      publish: async (e) => {
        attempts.push(e.id);
        if (e.id === 'e-4' && !failed) {
          failed = true;
          throw new Error('SNS is down');
        }
      },
    });
    for (const id of ['e-3', 'e-4', 'e-5']) await writeOutbox(event(id));

    // Act
    await pollUntilIdle(stream);

    // Assess
    expect(attempts).toEqual(['e-3', 'e-4', 'e-4', 'e-5']);
  });

  it('parks a record that keeps failing in the relay dead letters and carries on with the next', async () => {
    const published: string[] = [];
    const stream = poller(
      {
        publish: async (e) => {
          if (e.id === 'poison') throw new Error('always fails');
          published.push(e.id);
        },
      },
      { maxAttempts: 3 },
    );
    await writeOutbox(event('poison'));
    await writeOutbox(event('after'));

    await pollUntilIdle(stream);

    expect(published).toEqual(['after']);
    const letters = stream.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ queue: 'outbox-relay', receiveCount: 3 });
    // As in AWS: where the record was and when it arrived, not the event
    const info = JSON.parse(letters[0]!.body).DDBStreamBatchInfo;
    expect(info).toMatchObject({
      startSequenceNumber: letters[0]!.messageId,
      endSequenceNumber: letters[0]!.messageId,
      batchSize: 1,
    });
    expect(Math.abs(Date.parse(info.approximateArrivalOfFirstRecord) - Date.now())).toBeLessThan(60_000);
    expect(letters[0]!.body).not.toContain('poison');
  });

  it('fails loudly on an outbox item that holds no publishable event', async () => {
    const published: DomainEvent[] = [];
    const stream = poller({ publish: async (e) => void published.push(e) }, { maxAttempts: 2 });
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'OUTBOX#bad', sk: 'OUTBOX', kind: 'outbox', event: { id: 'bad', topic: 'no-such-topic' } },
      }),
    );

    await pollUntilIdle(stream);

    expect(published).toEqual([]);
    expect(stream.deadLetters()).toHaveLength(1);
  });
});
