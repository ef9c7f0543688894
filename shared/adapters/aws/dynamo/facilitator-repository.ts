import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Facilitator } from '../../../domain/facilitators/facilitator.ts';
import type { FacilitatorRepository } from '../../../ports/index.ts';
import type { TableRef } from './document-client.ts';

/**
 * Facilitators: `FACILITATOR#<id>`/`PROFILE` (gsi1: `FACILITATORS` / `<id>` lists them);
 * token hashes: `TOKEN#<sha256>`/`TOKEN` → facilitatorId. Only hashes are stored.
 */
export function createDynamoFacilitatorRepository(table: TableRef): FacilitatorRepository {
  const profileKey = (id: string) => ({ pk: `FACILITATOR#${id}`, sk: 'PROFILE' });
  const tokenKey = (hash: string) => ({ pk: `TOKEN#${hash}`, sk: 'TOKEN' });
  const toFacilitator = (item: Record<string, unknown>): Facilitator => {
    const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, tokenHash: _t, ...rest } = item;
    return rest as unknown as Facilitator;
  };
  const get = async (facilitatorId: string) => {
    const out = await table.client.send(new GetCommand({ TableName: table.tableName, Key: profileKey(facilitatorId) }));
    return out.Item ? toFacilitator(out.Item) : undefined;
  };
  return {
    async create(facilitator, tokenHash) {
      await table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table.tableName,
                Item: {
                  ...profileKey(facilitator.facilitatorId),
                  entity: 'facilitator',
                  gsi1pk: 'FACILITATORS',
                  gsi1sk: facilitator.facilitatorId,
                  tokenHash,
                  ...facilitator,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: table.tableName,
                Item: { ...tokenKey(tokenHash), entity: 'facilitator-token', facilitatorId: facilitator.facilitatorId },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    },
    get,
    async findByTokenHash(tokenHash) {
      const out = await table.client.send(new GetCommand({ TableName: table.tableName, Key: tokenKey(tokenHash) }));
      const id = out.Item?.facilitatorId as string | undefined;
      if (!id) return undefined;
      const facilitator = await get(id);
      return facilitator && !facilitator.revokedAt ? facilitator : undefined;
    },
    async list() {
      const items: Facilitator[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :p',
            ExpressionAttributeValues: { ':p': 'FACILITATORS' },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) items.push(toFacilitator(item));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async revoke(facilitatorId, at) {
      const current = await table.client.send(new GetCommand({ TableName: table.tableName, Key: profileKey(facilitatorId) }));
      const tokenHash = current.Item?.tokenHash as string | undefined;
      if (!current.Item) return;
      await table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table.tableName,
                Key: profileKey(facilitatorId),
                UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
                ExpressionAttributeValues: { ':at': at },
              },
            },
            ...(tokenHash ? [{ Delete: { TableName: table.tableName, Key: tokenKey(tokenHash) } }] : []),
          ],
        }),
      );
    },
  };
}
