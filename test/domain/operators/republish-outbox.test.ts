import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDynamoOutboxStore } from '../../../bin/outbox-store.ts';
import type { TableRef } from '../../../shared/adapters/aws/dynamo/document-client.ts';
import { outboxPut } from '../../../shared/adapters/aws/dynamo/outbox.ts';
import type { DomainEvent } from '../../../shared/domain/events.ts';
import { failureWindow, mergeWindows, republishRelayFailures } from '../../../shared/domain/operators/republish-outbox.ts';
import type { RelayFailure, RelayFailureQueue } from '../../../shared/ports/operators.ts';
import { settableClock } from '../../support/deps.ts';
import { testTable } from '../../support/dynamo.ts';
import { outboxItems } from '../safeguarding/helpers.ts';

/** What Lambda puts in the relay's on-failure queue for records that arrived between `first` and `last`. */
function failureBody(first: string, last = first, batchSize = 1) {
  return JSON.stringify({
    requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 },
    version: '1.0',
    DDBStreamBatchInfo: {
      shardId: 'shardId-00000001',
      startSequenceNumber: '100',
      endSequenceNumber: '100',
      approximateArrivalOfFirstRecord: first,
      approximateArrivalOfLastRecord: last,
      batchSize,
      streamArn: 'arn:aws:dynamodb:eu-west-2:000000000000:table/kith/stream/2026-11-22T00:00:00.000',
    },
  });
}

/** The relay's failure queue as a list, recording what the command removed and released. */
function queueOf(messages: RelayFailure[]) {
  const state = { messages: [...messages], removed: [] as string[], released: [] as string[] };
  const queue: RelayFailureQueue = {
    list: async () => [...state.messages],
    remove: async (ids) => {
      state.removed.push(...ids);
      state.messages = state.messages.filter((m) => !ids.includes(m.id));
    },
    release: async (ids) => void state.released.push(...ids),
  };
  return { queue, state };
}

const event = (id: string, occurredAt: string): DomainEvent => ({
  id,
  type: 'MemberSignupRequested',
  topic: 'member-notifications',
  occurredAt,
  data: { memberId: `M-${id}` },
});

describe('the relay failure window', () => {
  it('spans the records’ arrival with a margin before (the event time precedes the commit) and after', () => {
    expect(failureWindow(failureBody('2026-11-22T10:00:00Z', '2026-11-22T10:05:00Z', 7))).toEqual({
      from: '2026-11-22T09:58:00.000Z',
      to: '2026-11-22T10:07:00.000Z',
      records: 7,
    });
  });

  it('refuses what is not an on-failure message', () => {
    expect(failureWindow('not json')).toBeUndefined();
    expect(failureWindow(JSON.stringify({ Message: 'an SNS envelope' }))).toBeUndefined();
    expect(failureWindow(failureBody('yesterday'))).toBeUndefined();
    expect(failureWindow(failureBody('2026-11-22T10:05:00Z', '2026-11-22T10:00:00Z'))).toBeUndefined();
  });

  it('merges overlapping windows and keeps apart ones apart', () => {
    const windows = ['2026-11-22T10:00:00Z', '2026-11-22T10:01:00Z', '2026-11-22T12:00:00Z'].map(
      (t) => failureWindow(failureBody(t))!,
    );
    expect(mergeWindows(windows)).toEqual([
      { from: '2026-11-22T09:58:00.000Z', to: '2026-11-22T10:03:00.000Z', records: 2 },
      { from: '2026-11-22T11:58:00.000Z', to: '2026-11-22T12:02:00.000Z', records: 1 },
    ]);
  });
});

describe('outbox republish', () => {
  let table: TableRef;
  const clock = settableClock('2026-11-22T18:00:00.000Z');
  const put = (e: DomainEvent) => table.client.send(new PutCommand(outboxPut(table.tableName, e).Put!));

  beforeEach(async () => {
    table = await testTable();
    await put(event('before', '2026-11-22T09:50:00.000Z'));
    await put(event('lost', '2026-11-22T10:00:00.000Z'));
    await put(event('beside', '2026-11-22T10:00:30.000Z'));
    await put(event('after', '2026-11-22T10:20:00.000Z'));
  });

  it('writes every outbox event of the window again, once, and deletes the failure messages', async () => {
    const { queue, state } = queueOf([
      { id: 'm1', body: failureBody('2026-11-22T10:00:01Z') },
      { id: 'm2', body: failureBody('2026-11-22T10:00:31Z') },
    ]);
    const outbox = createDynamoOutboxStore(table);

    const report = await republishRelayFailures({ outbox, relayFailures: queue, clock });

    expect(report.events.map((e) => e.id)).toEqual(['lost', 'beside']);
    expect(report).toMatchObject({ failures: 2, republished: 2, removed: 2, unmatched: [], unreadable: [] });
    expect(state.removed).toEqual(['m1', 'm2']);
    expect(state.messages).toEqual([]);
    const copies = (await outboxItems({ table })).filter((i) => String(i.sk).startsWith('REPUBLISHED#'));
    expect(copies.map((i) => [i.pk, (i.event as DomainEvent).id, i.republishedAt])).toEqual(
      expect.arrayContaining([
        ['OUTBOX#lost', 'lost', '2026-11-22T18:00:00.000Z'],
        ['OUTBOX#beside', 'beside', '2026-11-22T18:00:00.000Z'],
      ]),
    );
    expect(copies).toHaveLength(2);
    // A copy that fails in turn is found by when it was written again, not by the event's time
    expect((await outbox.eventsBetween('2026-11-22T17:59:00.000Z', '2026-11-22T18:01:00.000Z')).map((e) => e.id).sort()).toEqual([
      'beside',
      'lost',
    ]);
  });

  it('a dry run lists the events and changes nothing; every message is released', async () => {
    const { queue, state } = queueOf([{ id: 'm1', body: failureBody('2026-11-22T10:00:01Z') }]);
    const before = await outboxItems({ table });

    const report = await republishRelayFailures(
      { outbox: createDynamoOutboxStore(table), relayFailures: queue, clock },
      { dryRun: true },
    );

    expect(report.events.map((e) => e.id)).toEqual(['lost', 'beside']);
    expect(report).toMatchObject({ republished: 0, removed: 0 });
    expect(await outboxItems({ table })).toEqual(before);
    expect(state.messages).toHaveLength(1);
    expect(state.released).toEqual(['m1']);
  });

  it('keeps what it cannot act on: a message of another shape, and one whose window holds no event (past the week)', async () => {
    const { queue, state } = queueOf([
      { id: 'odd', body: '{"hello":1}' },
      { id: 'old', body: failureBody('2026-11-10T10:00:00Z') },
      { id: 'ok', body: failureBody('2026-11-22T10:20:00Z') },
    ]);

    const report = await republishRelayFailures({ outbox: createDynamoOutboxStore(table), relayFailures: queue, clock });

    expect(report).toMatchObject({ unreadable: ['odd'], unmatched: ['old'], republished: 1, removed: 1 });
    expect(report.events.map((e) => e.id)).toEqual(['after']);
    expect(state.messages.map((m) => m.id)).toEqual(['odd', 'old']);
    expect(state.released.sort()).toEqual(['odd', 'old']);
  });

  it('leaves the messages in the queue when writing fails half way', async () => {
    const { queue, state } = queueOf([{ id: 'm1', body: failureBody('2026-11-22T10:00:01Z') }]);
    const outbox = createDynamoOutboxStore(table);
    let writes = 0;
    const failing = {
      ...outbox,
      republish: async (e: DomainEvent, at: string) => {
        if (++writes === 2) throw new Error('DynamoDB unavailable');
        await outbox.republish(e, at);
      },
    };

    await expect(republishRelayFailures({ outbox: failing, relayFailures: queue, clock })).rejects.toThrow(
      'DynamoDB unavailable',
    );

    expect(state.messages).toHaveLength(1);
    expect(state.released).toEqual(['m1']);
  });
});
