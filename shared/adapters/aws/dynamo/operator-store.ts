import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EscalationSummary, OperatorStore } from '../../../ports/operators.ts';
import type { TableRef } from './document-client.ts';

/** Where open escalations are indexed (the safeguarding feature writes them; README access patterns). */
export const OPEN_ESCALATIONS = { indexName: 'gsi1', partitionKey: 'ESCALATIONS#OPEN' } as const;

export function memberPartition(memberId: string): string {
  return `MEMBER#${memberId}`;
}

export function createDynamoOperatorStore(table: TableRef): OperatorStore {
  const queryAll = async (input: { IndexName?: string; KeyConditionExpression: string; value: string }) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          ...(input.IndexName ? { IndexName: input.IndexName } : {}),
          KeyConditionExpression: input.KeyConditionExpression,
          ExpressionAttributeValues: { ':p': input.value },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };
  return {
    async memberItems(memberId) {
      const pk = memberPartition(memberId);
      const found = [
        ...(await queryAll({ KeyConditionExpression: 'pk = :p', value: pk })),
        ...(await queryAll({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', value: pk })),
        ...(await queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', value: pk })),
      ];
      const seen = new Set<string>();
      return found.filter((item) => {
        const key = `${item.pk}\u0000${item.sk}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    },
    async openEscalations() {
      const items = await queryAll({
        IndexName: OPEN_ESCALATIONS.indexName,
        KeyConditionExpression: 'gsi1pk = :p',
        value: OPEN_ESCALATIONS.partitionKey,
      });
      return items.map((item): EscalationSummary => {
        const record = (item.record ?? {}) as { category?: unknown; urgency?: unknown };
        const category = item.category ?? record.category;
        const urgency = item.urgency ?? record.urgency;
        return {
          escalationId: String(item.escalationId ?? String(item.pk).replace(/^ESCALATION#/, '')),
          ...(typeof item.status === 'string' ? { status: item.status } : {}),
          ...(typeof item.level === 'number' ? { level: item.level } : {}),
          ...(typeof category === 'string' ? { category } : {}),
          ...(typeof urgency === 'string' ? { urgency } : {}),
          ...(typeof item.raisedAt === 'string' ? { raisedAt: item.raisedAt } : {}),
        };
      });
    },
  };
}
