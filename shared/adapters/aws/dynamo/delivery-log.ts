import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLog } from '../../../ports/deliveries.ts';
import type { Clock } from '../../../ports/index.ts';
import { createLogger } from '../../../runtime/logger.ts';
import type { TableRef } from './document-client.ts';

const logger = createLogger('deliveries');

/**
 * How long a claim holds before another worker may take it over. It must be longer than any
 * consumer's run (the 30 s function timeout) and shorter than the queues' visibility timeout
 * (180 s), so a message that comes back after a worker died finds the claim free
 * (test/infra/messaging-timing.test.ts keeps these in order).
 */
export const DELIVERY_LEASE_SECONDS = 120;

/** Delivery records: pk `DELIVERY#<key>`, sk `DELIVERY`; kept 30 days (longer than any redelivery). */
export function createDynamoDeliveryLog(table: TableRef, clock: Clock): DeliveryLog {
  const key = (k: string) => ({ pk: `DELIVERY#${k}`, sk: 'DELIVERY' });
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    async begin(k, leaseSeconds = DELIVERY_LEASE_SECONDS) {
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
      // The message is already out: failing here would fail the queue message and send it again
      // when it is retried (fault matrix: "recording the delivery after the send"). The claim
      // stays until its lease ends; a warning says the record is missing.
      await table.client
        .send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: key(k),
            UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :at REMOVE leaseUntil',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':sent': 'sent', ':m': messageId, ':at': clock.now().toISOString() },
          }),
        )
        .catch((error: unknown) => {
          logger.warn('delivered but not recorded; a redelivery after the lease may send it again', {
            kind: 'delivery-not-recorded',
            errorName: (error as Error)?.name ?? typeof error,
          });
        });
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
