import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Escalation, TimelineEntry } from '../../../domain/safeguarding/escalation.ts';
import type { EscalationRepository } from '../../../ports/escalations.ts';
import type { Ids } from '../../../ports/index.ts';
import type { TableRef } from './document-client.ts';
import { OPEN_ESCALATIONS } from './operator-store.ts';
import { outboxPut } from './outbox.ts';
import { type TransactItem, transactWrite } from './transact.ts';

/**
 * Safeguarding escalations, one table:
 * - `ESCALATION#<id>` / `ESCALATION`: the escalation (record, status, level, round, codes).
 * - `ESCALATION#<id>` / `TIMELINE#<iso>#<seq>#<random>`: one immutable timeline entry each (created
 *   with `attribute_not_exists`, never updated). `<seq>` is real time in microseconds, strictly
 *   increasing within a process, so entries with the same application time keep their order.
 * - `WEBHOOK#<webhook-id>` / `WEBHOOK`: `{ escalationId }`, the delivery dedupe record (TTL 30 days).
 */
export function createDynamoEscalationRepository(table: TableRef, ids: Ids): EscalationRepository {
  const { client, tableName } = table;
  const escalationKey = (id: string) => ({ pk: `ESCALATION#${id}`, sk: 'ESCALATION' });
  const webhookKey = (id: string) => ({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK' });
  const timelineItem = (escalationId: string, entry: TimelineEntry) => ({
    pk: `ESCALATION#${escalationId}`,
    sk: `TIMELINE#${entry.at}#${nextSeq()}#${ids.newId().slice(-6)}`,
    entity: 'escalation-timeline',
    entry,
  });

  const readDedupe = async (key: string): Promise<string | undefined> => {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: webhookKey(key), ConsistentRead: true }));
    const id = out.Item?.escalationId;
    return typeof id === 'string' ? id : undefined;
  };

  const transact = (items: TransactItem[]) =>
    transactWrite(client, items, {
      retries: 12,
      backoffMs: (attempt) => 10 * 2 ** Math.min(attempt, 5),
      busyMessage: 'The escalation store is busy. Please try again.',
    });

  return {
    async raise({ escalation, dedupe, timeline, event }) {
      const { escalationId } = escalation;
      if (dedupe) {
        // The common duplicate (a sender retrying after our 202 was lost) needs no transaction.
        const seen = await readDedupe(dedupe.key);
        if (seen) return { escalationId: seen, created: false };
      }
      const items: TransactItem[] = [
        ...(dedupe
          ? [
              {
                Put: {
                  TableName: tableName,
                  Item: { ...webhookKey(dedupe.key), entity: 'webhook-delivery', escalationId, expiresAt: dedupe.expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ]
          : []),
        {
          Put: {
            TableName: tableName,
            // gsi1 `ESCALATIONS#OPEN` lists unresolved escalations for the operator (kith escalations list --open).
            Item: {
              ...escalationKey(escalationId),
              entity: 'escalation',
              ...escalation,
              gsi1pk: OPEN_ESCALATIONS.partitionKey,
              gsi1sk: `${escalation.raisedAt}#${escalationId}`,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: timelineItem(escalationId, timeline),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        outboxPut(tableName, event),
      ];
      const result = await transact(items);
      if (result === true) return { escalationId, created: true };
      if (dedupe && result === 0) {
        const seen = await readDedupe(dedupe.key);
        if (seen) return { escalationId: seen, created: false };
      }
      throw new Error(`Escalation raise failed a condition on item ${result}`);
    },

    async get(escalationId) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: escalationKey(escalationId), ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      const { pk: _pk, sk: _sk, entity: _entity, gsi1pk: _g, gsi1sk: _s, ...rest } = out.Item;
      return rest as Escalation;
    },

    async timeline(escalationId) {
      const entries: TimelineEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `ESCALATION#${escalationId}`, ':prefix': 'TIMELINE#' },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) entries.push(item.entry as TimelineEntry);
        start = out.LastEvaluatedKey;
      } while (start);
      return entries;
    },

    async acknowledge(escalationId, by) {
      const result = await transact([
        {
          Update: {
            TableName: tableName,
            Key: escalationKey(escalationId),
            UpdateExpression: 'SET #s = :ack, acknowledgedBy = :by',
            ConditionExpression: 'attribute_exists(pk) AND #s IN (:open, :exhausted)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':ack': 'acknowledged',
              ':by': by,
              ':open': 'open',
              ':exhausted': 'unacknowledged_after_all_levels',
            },
          },
        },
        { Put: { TableName: tableName, Item: timelineItem(escalationId, { type: 'acknowledged', at: by.at, name: by.name }) } },
      ]);
      return result === true ? 'acknowledged' : 'already';
    },

    async resolve(escalationId, resolution, event) {
      const { outcome, seriousHarm, by, at } = resolution;
      const result = await transact([
        {
          Update: {
            TableName: tableName,
            Key: escalationKey(escalationId),
            // Leaves the gsi1 `ESCALATIONS#OPEN` index: the operator's open list no longer shows it.
            UpdateExpression: 'SET #s = :resolved, resolution = :resolution REMOVE gsi1pk, gsi1sk',
            ConditionExpression: 'attribute_exists(pk) AND #s = :ack',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':resolved': 'resolved', ':resolution': resolution, ':ack': 'acknowledged' },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: timelineItem(escalationId, { type: 'resolved', at, outcome, seriousHarm, by }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...(event ? [outboxPut(tableName, event)] : []),
      ]);
      if (result === true) return 'resolved';
      if (result === 0) return 'stale';
      throw new Error(`Escalation resolve failed a condition on item ${result}`);
    },

    async recordWrongCode(escalationId) {
      const out = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: escalationKey(escalationId),
          UpdateExpression: 'ADD wrongCodeAttempts :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.wrongCodeAttempts ?? 0);
    },

    async moveUp(escalationId, from, to, entry, event) {
      const result = await transact([
        {
          Update: {
            TableName: tableName,
            Key: escalationKey(escalationId),
            UpdateExpression: 'SET #l = :toLevel, #r = :toRound',
            ConditionExpression: '#s = :open AND #l = :level AND #r = :round',
            ExpressionAttributeNames: { '#s': 'status', '#l': 'level', '#r': 'round' },
            ExpressionAttributeValues: {
              ':open': 'open',
              ':level': from.level,
              ':round': from.round,
              ':toLevel': to.level,
              ':toRound': to.round,
            },
          },
        },
        { Put: { TableName: tableName, Item: timelineItem(escalationId, entry) } },
        outboxPut(tableName, event),
      ]);
      if (result === true) return 'moved';
      if (result === 0) return 'stale';
      throw new Error(`Escalation move-up failed a condition on item ${result}`);
    },

    async markExhausted(escalationId, from, entry) {
      const result = await transact([
        {
          Update: {
            TableName: tableName,
            Key: escalationKey(escalationId),
            UpdateExpression: 'SET #s = :exhausted',
            ConditionExpression: '#s = :open AND #l = :level AND #r = :round',
            ExpressionAttributeNames: { '#s': 'status', '#l': 'level', '#r': 'round' },
            ExpressionAttributeValues: {
              ':open': 'open',
              ':exhausted': 'unacknowledged_after_all_levels',
              ':level': from.level,
              ':round': from.round,
            },
          },
        },
        { Put: { TableName: tableName, Item: timelineItem(escalationId, entry) } },
      ]);
      return result === true ? 'marked' : 'stale';
    },

    async appendTimeline(escalationId, entry) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: timelineItem(escalationId, entry),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
  };
}

let lastSeq = 0;
function nextSeq(): string {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastSeq = Math.max(lastSeq + 1, micros);
  return String(lastSeq).padStart(17, '0');
}
