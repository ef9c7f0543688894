import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLog } from '../../../ports/deliveries.ts';
import type { Clock } from '../../../ports/index.ts';
import type { TableRef } from './document-client.ts';

/** Delivery records: pk `DELIVERY#<key>`, sk `DELIVERY`; kept 30 days (longer than any redelivery). */
export function createDynamoDeliveryLog(table: TableRef, clock: Clock): DeliveryLog {
  const key = (k: string) => ({ pk: `DELIVERY#${k}`, sk: 'DELIVERY' });
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    async begin(k, leaseSeconds = 120) {
      const now = nowSeconds();
      try {
        await table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: { ...key(k), status: 'sending', leaseUntil: now + leaseSeconds, expiresAt: now + 30 * 86400 },
            ConditionExpression: 'attribute_not_exists(pk) OR (#s = :sending AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending', ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
    async complete(k, messageId) {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: key(k),
          UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :at REMOVE leaseUntil',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':m': messageId, ':at': clock.now().toISOString() },
        }),
      );
    },
    async release(k) {
      await table.client
        .send(
          new DeleteCommand({
            TableName: table.tableName,
            Key: key(k),
            ConditionExpression: '#s = :sending',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending' },
          }),
        )
        .catch((error: Error) => {
          if (error.name !== 'ConditionalCheckFailedException') throw error;
        });
    },
  };
}
