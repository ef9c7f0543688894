import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Facilitator } from '../../../domain/facilitators/facilitator.ts';
import type { FacilitatorRepository } from '../../../ports/index.ts';
import type { TableRef } from './document-client.ts';

/**
 * Facilitators: `FACILITATOR#<id>`/`PROFILE` (gsi1: `FACILITATORS` / `<id>` lists them);
 * token hashes: `TOKEN#<sha256>`/`TOKEN` → facilitatorId and a copy of the profile as created (`profile`),
 * so a bearer request is authenticated with one consistent GetItem. The copy stays right because a
 * profile never changes after creation except by revocation, which deletes the token item in the
 * same transaction (and the sign-in state below, which bearer requests do not read): a new way of
 * editing a profile must rewrite the copy in the same transaction. Only hashes are stored. Browser sign-in
 * keeps its state on the profile: `signInEmails` (rate-limit window), `signInLinkUsedUpTo` (links
 * are single use) and `sessionsValidFrom` (sign-out), each changed by a conditional Update.
 */
export function createDynamoFacilitatorRepository(table: TableRef): FacilitatorRepository {
  const profileKey = (id: string) => ({ pk: `FACILITATOR#${id}`, sk: 'PROFILE' });
  const tokenKey = (hash: string) => ({ pk: `TOKEN#${hash}`, sk: 'TOKEN' });
  const toFacilitator = (item: Record<string, unknown>): Facilitator => {
    const {
      pk: _pk,
      sk: _sk,
      gsi1pk: _g,
      gsi1sk: _s,
      entity: _e,
      tokenHash: _t,
      signInEmails: _m,
      signInLinkUsedUpTo: _l,
      signInLinks: _n,
      ...rest
    } = item;
    return rest as unknown as Facilitator;
  };
  const get = async (facilitatorId: string) => {
    // Consistent: a revocation or sign-out is seen by the very next request.
    const out = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: profileKey(facilitatorId), ConsistentRead: true }),
    );
    return out.Item ? toFacilitator(out.Item) : undefined;
  };
  /** A conditional Update of an existing profile: the updated attributes, or false when the condition failed. */
  const updateIf = async (
    facilitatorId: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
    names: Record<string, string> = {},
  ) => {
    try {
      const out = await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: profileKey(facilitatorId),
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(pk) AND (${condition})`,
          ExpressionAttributeValues: values,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return out.Attributes ?? {};
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  };
  return {
    async recordSignInEmail(facilitatorId, limit) {
      // Each counted email also numbers its link (`signInLinks`), so links can be used once, in order.
      const serial = 'signInLinks = if_not_exists(signInLinks, :zero) + :one';
      const issued = (attributes: Record<string, unknown>) => ({ serial: Number(attributes.signInLinks) });
      for (let round = 0; round < 3; round++) {
        const inWindow = await updateIf(
          facilitatorId,
          `SET signInEmails.#n = signInEmails.#n + :one, ${serial}`,
          'signInEmails.#w > :floor AND signInEmails.#n < :max',
          { ':one': 1, ':zero': 0, ':floor': limit.windowStartAfter, ':max': limit.max },
          { '#w': 'windowStart', '#n': 'count' },
        );
        if (inWindow) return issued(inWindow);
        const fresh = await updateIf(
          facilitatorId,
          `SET signInEmails = :fresh, ${serial}`,
          'attribute_not_exists(signInEmails) OR signInEmails.#w <= :floor',
          { ':fresh': { windowStart: limit.at, count: 1 }, ':floor': limit.windowStartAfter, ':one': 1, ':zero': 0 },
          { '#w': 'windowStart' },
        );
        if (fresh) return issued(fresh);
        const current = await table.client.send(
          new GetCommand({ TableName: table.tableName, Key: profileKey(facilitatorId), ConsistentRead: true }),
        );
        const window = current.Item?.signInEmails as { windowStart: string; count: number } | undefined;
        if (!current.Item || (window && window.windowStart > limit.windowStartAfter && window.count >= limit.max)) {
          return 'limited';
        }
      }
      return 'limited';
    },
    async useSignInLink(facilitatorId, serial) {
      const used = await updateIf(
        facilitatorId,
        'SET signInLinkUsedUpTo = :serial',
        'attribute_not_exists(signInLinkUsedUpTo) OR signInLinkUsedUpTo < :serial',
        { ':serial': serial },
      );
      return used !== false;
    },
    async endBrowserSessions(facilitatorId, at) {
      await updateIf(
        facilitatorId,
        'SET sessionsValidFrom = :at',
        'attribute_not_exists(sessionsValidFrom) OR sessionsValidFrom < :at',
        { ':at': at },
      );
    },
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
                Item: {
                  ...tokenKey(tokenHash),
                  entity: 'facilitator-token',
                  facilitatorId: facilitator.facilitatorId,
                  profile: facilitator,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    },
    get,
    async findByTokenHash(tokenHash) {
      // Consistent: a revocation (which deletes this item) is seen by the very next request.
      const out = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: tokenKey(tokenHash), ConsistentRead: true }),
      );
      const id = out.Item?.facilitatorId as string | undefined;
      if (!id) return undefined;
      const copy = out.Item?.profile as Facilitator | undefined;
      // Tokens issued before the copy was kept: the profile itself (a second read).
      const facilitator = copy?.facilitatorId === id ? copy : await get(id);
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
