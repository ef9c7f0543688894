import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverBatch } from '../../local/lambda.ts';
import { createLocalQueue } from '../../shared/adapters/local/local-queue.ts';
import { createLocalTopics, matchesFilterPolicy } from '../../shared/adapters/local/local-topics.ts';
import type { DomainEvent } from '../../shared/domain/events.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';
import { setLogSink } from '../../shared/runtime/logger.ts';

const event = (overrides: Partial<DomainEvent> = {}): DomainEvent => ({
  id: 'evt-1',
  type: 'MemberSignupRequested',
  topic: 'member-notifications',
  occurredAt: '2026-11-22T10:00:00.000Z',
  data: { memberId: 'm-1' },
  ...overrides,
});

describe('local topics and queues', () => {
  let dir: string;
  let clock: number;
  const now = () => clock;
  const queue = (name: string) => createLocalQueue(name, join(dir, `${name}.json`), { now, backoffMs: () => 1_000 });

  let logs: string[];
  let restoreSink: ReturnType<typeof setLogSink>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kith-queues-'));
    clock = 1_000_000;
    logs = [];
    restoreSink = setLogSink((line) => logs.push(line));
  });
  afterEach(() => {
    setLogSink(restoreSink);
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers an event to every subscription of its topic whose filter policy matches, as raw SQS messages', async () => {
    // Prepare
    const all = queue('all');
    const escalations = queue('only-escalations');
    const topics = createLocalTopics(
      ['member-notifications', 'other'],
      [
        { topic: 'member-notifications', queue: all },
        { topic: 'member-notifications', filterPolicy: { eventType: ['EscalationRaised'] }, queue: escalations },
      ],
    );
    const received: SQSEvent[] = [];
    const handler = async (e: SQSEvent) => {
      received.push(e);
      return { batchItemFailures: [] };
    };

    // Act
    await topics.publish(event({ attributes: { urgency: 'immediate' } }));
    await deliverBatch({ queue: all, handler });
    await deliverBatch({ queue: escalations, handler });

    // Assess
    expect(received).toHaveLength(1);
    const record = received[0]!.Records[0]!;
    expect(JSON.parse(record.body)).toEqual(event({ attributes: { urgency: 'immediate' } }));
    expect(record.messageAttributes.eventType).toMatchObject({ stringValue: 'MemberSignupRequested', dataType: 'String' });
    expect(record.messageAttributes.urgency?.stringValue).toBe('immediate');
    expect(record.eventSource).toBe('aws:sqs');
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(all.depth().messages).toBe(0);
  });

  it('refuses an unknown topic, and drops an event nobody subscribes to', async () => {
    const q = queue('q');
    const topics = createLocalTopics(['member-notifications', 'quiet'], [{ topic: 'member-notifications', queue: q }]);
    await expect(topics.publish(event({ topic: 'nope' as never }))).rejects.toThrow(/Unknown topic/);
    await topics.publish(event({ topic: 'quiet' as never }));
    expect(q.depth().messages).toBe(0);
  });

  it('matches filter policies as SNS does: every key present with an allowed value', () => {
    expect(matchesFilterPolicy(undefined, {})).toBe(true);
    expect(matchesFilterPolicy({ a: ['x', 'y'] }, { a: 'y', b: 'z' })).toBe(true);
    expect(matchesFilterPolicy({ a: ['x'] }, { a: 'y' })).toBe(false);
    expect(matchesFilterPolicy({ a: ['x'], b: ['z'] }, { a: 'x' })).toBe(false);
    expect(matchesFilterPolicy({ toString: ['x'] }, {})).toBe(false);
  });

  it('redelivers a failing message with backoff, then moves it to the DLQ after 5 receives', async () => {
    // Prepare: a consumer that always fails, through the real sqsHandler factory
    const q = queue('failing');
    const topics = createLocalTopics(['member-notifications'], [{ topic: 'member-notifications', queue: q }]);
    let calls = 0;
    const handler = sqsHandler('test-failing', async () => {
      calls += 1;
      throw new Error('consumer down');
    }) as unknown as (e: SQSEvent) => Promise<SQSBatchResponse>;
    await topics.publish(event());

    // Act / Assess: not redelivered before its backoff, then once per backoff, five receives in all
    const deadLettered: string[] = [];
    for (let receive = 1; receive <= 5; receive++) {
      const outcome = await deliverBatch({ queue: q, handler });
      expect(outcome.received).toBe(1);
      deadLettered.push(...outcome.deadLettered);
      expect((await deliverBatch({ queue: q, handler })).received).toBe(0);
      clock += 1_000;
    }
    expect(calls).toBe(5);
    expect(deadLettered).toHaveLength(1);
    expect(q.depth().messages).toBe(0);
    expect(q.deadLetters()).toEqual([
      expect.objectContaining({ queue: 'failing', messageId: deadLettered[0], receiveCount: 5, body: JSON.stringify(event()) }),
    ]);
    expect((await deliverBatch({ queue: q, handler })).received).toBe(0);
    // Each failure was logged by id, never with the message body
    expect(logs.filter((l) => l.includes(deadLettered[0]!))).toHaveLength(5);
    expect(logs.join('\n')).not.toContain('m-1');
  });

  it('retries only the records a consumer reports, and the whole batch when it throws or names a stranger', async () => {
    const q = queue('partial');
    for (const body of ['ok-1', 'bad', 'ok-2']) q.send(body);

    // Partial failure: only 'bad' comes back
    await deliverBatch({
      queue: q,
      handler: async (e) => ({
        batchItemFailures: e.Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId })),
      }),
    });
    clock += 1_000;
    const second: string[] = [];
    await deliverBatch({
      queue: q,
      handler: async (e) => {
        second.push(...e.Records.map((r) => r.body));
        return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      },
    });
    expect(second).toEqual(['bad']);

    // A response naming a message outside the batch failed all of it; so does a throw
    clock += 1_000;
    const third = await deliverBatch({
      queue: q,
      handler: async () => {
        throw new Error('crash');
      },
    });
    expect(third).toMatchObject({ received: 1, failed: 1 });
    expect(q.deadLetters()).toHaveLength(0);
    expect(q.depth().messages).toBe(1);
  });

  it('keeps queued messages and dead letters across a restart', async () => {
    const first = queue('durable');
    first.send('still here', { eventType: 'X' });
    const reopened = queue('durable');
    const bodies: string[] = [];
    await deliverBatch({
      queue: reopened,
      handler: async (e) => {
        bodies.push(...e.Records.map((r) => r.body));
        return { batchItemFailures: [] };
      },
    });
    expect(bodies).toEqual(['still here']);
  });

  it('returns a message whose consumer never answered after the visibility timeout', () => {
    const q = createLocalQueue('stuck', join(dir, 'stuck.json'), { now, visibilityTimeoutMs: 30_000 });
    q.send('work');
    expect(q.receive(10)).toHaveLength(1);
    // The process died mid-batch: a new queue object over the same file
    const after = createLocalQueue('stuck', join(dir, 'stuck.json'), { now, visibilityTimeoutMs: 30_000 });
    expect(after.receive(10)).toHaveLength(0);
    clock += 30_000;
    expect(after.receive(10)).toEqual([expect.objectContaining({ body: 'work', receiveCount: 2 })]);
  });
});
