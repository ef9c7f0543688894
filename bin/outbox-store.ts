import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '../shared/adapters/aws/dynamo/document-client.ts';
import { eventFromOutboxItem, republishedOutboxItem } from '../shared/adapters/aws/dynamo/outbox.ts';
import type { DomainEvent } from '../shared/domain/events.ts';
import type { OutboxStore } from '../shared/ports/operators.ts';
import { OUTBOX_KIND } from '../shared/table-definition.ts';

/**
 * The outbox for `kith outbox republish`. Outbox items have no index (nothing on a request path
 * looks them up; the relay takes them from the stream), so finding them by time is a Scan of the
 * table: operator use only, after the relay gave up on something, and kept out of `shared/` and
 * `functions/`, where no code scans.
 */
export function createDynamoOutboxStore(table: TableRef): OutboxStore {
  return {
    async eventsBetween(from, to) {
      const events: DomainEvent[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await table.client.send(
          new ScanCommand({
            TableName: table.tableName,
            FilterExpression: '#kind = :outbox',
            ExpressionAttributeNames: { '#kind': 'kind' },
            ExpressionAttributeValues: { ':outbox': OUTBOX_KIND },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) {
          const event = eventFromOutboxItem(item);
          const at = typeof item.republishedAt === 'string' ? item.republishedAt : event?.occurredAt;
          if (event && typeof at === 'string' && at >= from && at <= to) events.push(event);
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return events;
    },
    async republish(event, at) {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: republishedOutboxItem(event, at),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
  };
}
