import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HeartbeatStore } from '../../../ports/index.ts';
import type { TableRef } from './document-client.ts';

/** The last heartbeat: one item, pk `HEARTBEAT`, sk `HEARTBEAT`; only ever moves forward. */
export function createDynamoHeartbeatStore(table: TableRef): HeartbeatStore {
  const Key = { pk: 'HEARTBEAT', sk: 'HEARTBEAT' };
  return {
    async record({ at, dueAt }) {
      try {
        await table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key,
            UpdateExpression: dueAt
              ? 'SET entity = :e, lastBeatAt = :at, dueAt = :due'
              : 'SET entity = :e, lastBeatAt = :at REMOVE dueAt',
            ConditionExpression: 'attribute_not_exists(lastBeatAt) OR lastBeatAt < :at',
            ExpressionAttributeValues: { ':e': 'heartbeat', ':at': at, ...(dueAt ? { ':due': dueAt } : {}) },
          }),
        );
      } catch (error) {
        // A late or duplicate heartbeat: the newer one stays.
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },
    async last() {
      const out = await table.client.send(new GetCommand({ TableName: table.tableName, Key, ConsistentRead: true }));
      if (typeof out.Item?.lastBeatAt !== 'string') return undefined;
      return { at: out.Item.lastBeatAt, ...(typeof out.Item.dueAt === 'string' ? { dueAt: out.Item.dueAt } : {}) };
    },
  };
}
