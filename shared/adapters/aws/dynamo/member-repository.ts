import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '../../../domain/errors.ts';
import { emailKey, erasedMember, type Member, UNCONFIRMED_RETENTION_DAYS } from '../../../domain/members/member.ts';
import type { Clock, MemberRepository } from '../../../ports/index.ts';
import { batchGetAll } from './batch-get.ts';
import type { TableRef } from './document-client.ts';
import { outboxPut } from './outbox.ts';
import { type TransactItem, transactWrite } from './transact.ts';

/**
 * Members, one table:
 * - `MEMBER#<memberId>` / `PROFILE`: the member (after erasure: a tombstone with the id, status,
 *   `erasedAt` and the consent versions and time; nothing that identifies the person).
 * - `EMAIL#<sha256 of the normalised address>` / `EMAIL`: `{ memberId }`, the uniqueness record.
 *   Only the hash is a key; it is deleted on erasure, which frees the address.
 * Multi-item changes are one TransactWriteItems with conditions, together with their outbox item.
 *
 * An unconfirmed sign-up is kept only {@link UNCONFIRMED_RETENTION_DAYS} days after its last
 * confirmation email: both items carry `expiresAt` (TTL deletes them; until it does, reads treat
 * them as gone and a new sign-up may take the address over). Confirming removes the expiry.
 */
/** The key of a member's profile item (other adapters read it in a batch with their own items). */
export const memberKey = (memberId: string) => ({ pk: `MEMBER#${memberId}`, sk: 'PROFILE' });

/**
 * A member's profile item as the member it holds; undefined when it is past its expiry (TTL deletes
 * lazily, up to days late: an unconfirmed sign-up past its expiry is already gone to readers).
 */
export function memberFromItem(item: Record<string, unknown>, clock: Clock): Member | undefined {
  if (typeof item.expiresAt === 'number' && item.expiresAt <= Math.floor(clock.now().getTime() / 1000)) return undefined;
  const { pk: _pk, sk: _sk, entity: _entity, expiresAt: _expiresAt, ...rest } = item;
  const member = rest as unknown as Member;
  return { ...member, checkinEmails: member.checkinEmails ?? false, emailOptOut: member.emailOptOut ?? true };
}

export function createDynamoMemberRepository(table: TableRef, clock: Clock): MemberRepository {
  const { client, tableName } = table;
  const emailRecordKey = (email: string) => ({ pk: `EMAIL#${emailKey(email)}`, sk: 'EMAIL' });

  /** TTL deletes lazily (up to days late): an item past its expiry is already gone to readers. */
  const expired = (item: Record<string, unknown>) => typeof item.expiresAt === 'number' && item.expiresAt <= nowSeconds();

  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const unconfirmedExpiry = () => nowSeconds() + UNCONFIRMED_RETENTION_DAYS * 86_400;

  const get = async (memberId: string): Promise<Member | undefined> => {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: memberKey(memberId), ConsistentRead: true }));
    return out.Item ? memberFromItem(out.Item, clock) : undefined;
  };

  const transact = (items: TransactItem[]) =>
    transactWrite(client, items, {
      retries: 8,
      backoffMs: (attempt) => 10 * 2 ** Math.min(attempt, 5),
      busyMessage: 'The member store is busy. Please try again.',
    });

  return {
    get,

    async getMany(memberIds) {
      const items = await batchGetAll(table, memberIds.map(memberKey), 'Members could not be read. Please try again.');
      const found = new Map<string, Member>();
      for (const item of items) {
        const member = memberFromItem(item, clock);
        if (member) found.set(member.memberId, member);
      }
      return found;
    },

    async findByEmail(email) {
      const out = await client.send(new GetCommand({ TableName: tableName, Key: emailRecordKey(email), ConsistentRead: true }));
      const memberId = out.Item?.memberId;
      return typeof memberId === 'string' && !expired(out.Item ?? {}) ? get(memberId) : undefined;
    },

    async create(member, event) {
      if (!member.email) throw new Error('A new member needs an email address');
      const expiry = member.status === 'pending' ? { expiresAt: unconfirmedExpiry() } : {};
      const result = await transact([
        {
          Put: {
            TableName: tableName,
            Item: { ...memberKey(member.memberId), entity: 'member', ...member, ...expiry },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: { ...emailRecordKey(member.email), entity: 'member-email', memberId: member.memberId, ...expiry },
            // Free, or held by an unconfirmed sign-up that has expired.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': nowSeconds() },
          },
        },
        outboxPut(tableName, event),
      ]);
      if (result === true) return 'created';
      if (result === 1) return 'exists';
      throw new Error(`Member create failed a condition on item ${result}`);
    },

    async recordSignupEmail(memberId, status, limit, event) {
      // A fresh confirmation email keeps an unconfirmed sign-up for another retention period.
      const email = status === 'pending' ? (await get(memberId))?.email : undefined;
      const expiry = email ? unconfirmedExpiry() : undefined;
      const extendEmailRecord: TransactItem[] =
        email && expiry
          ? [
              {
                Update: {
                  TableName: tableName,
                  Key: emailRecordKey(email),
                  UpdateExpression: 'SET expiresAt = :exp',
                  ConditionExpression: 'memberId = :id',
                  ExpressionAttributeValues: { ':exp': expiry, ':id': memberId },
                },
              },
            ]
          : [];
      const update = (expression: string, condition: string, values: Record<string, unknown>): TransactItem => {
        const used = `${expression} ${condition}`;
        return {
          Update: {
            TableName: tableName,
            Key: memberKey(memberId),
            UpdateExpression: expiry ? `${expression}, expiresAt = :exp` : expression,
            ConditionExpression: `#s = :status AND (${condition})`,
            ExpressionAttributeNames: {
              '#s': 'status',
              '#w': 'windowStart',
              ...(used.includes('#n') ? { '#n': 'count' } : {}),
            },
            ExpressionAttributeValues: { ':status': status, ...values, ...(expiry ? { ':exp': expiry } : {}) },
          },
        };
      };
      const inWindow = update(
        'SET signupEmails.#n = signupEmails.#n + :one',
        'signupEmails.#w > :floor AND signupEmails.#n < :max',
        {
          ':one': 1,
          ':floor': limit.windowStartAfter,
          ':max': limit.max,
        },
      );
      const newWindow = update('SET signupEmails = :fresh', 'attribute_not_exists(signupEmails) OR signupEmails.#w <= :floor', {
        ':fresh': { windowStart: limit.at, count: 1 },
        ':floor': limit.windowStartAfter,
      });
      for (let round = 0; round < 3; round++) {
        for (const attempt of [inWindow, newWindow]) {
          const result = await transact([attempt, outboxPut(tableName, event), ...extendEmailRecord]);
          if (result === true) return 'recorded';
          // The address was taken over after this sign-up expired: nothing to send.
          if (result === 2) return 'limited';
          if (result !== 0) throw new Error(`Sign-up email record failed a condition on item ${result}`);
        }
        const current = await get(memberId);
        const window = current?.signupEmails;
        const full = window && window.windowStart > limit.windowStartAfter && window.count >= limit.max;
        if (current?.status !== status || full) return 'limited';
      }
      return 'limited';
    },

    async confirm(memberId, at, event) {
      const current = await get(memberId);
      if (current?.status !== 'pending' || !current.email) return 'already';
      const result = await transact([
        {
          Update: {
            TableName: tableName,
            Key: memberKey(memberId),
            // Confirmed members are kept: the unconfirmed-sign-up expiry no longer applies.
            UpdateExpression: 'SET #s = :active, confirmedAt = :at REMOVE expiresAt',
            ConditionExpression: '#s = :pending',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending', ':at': at },
          },
        },
        outboxPut(tableName, event),
        {
          Update: {
            TableName: tableName,
            Key: emailRecordKey(current.email),
            UpdateExpression: 'REMOVE expiresAt',
            ConditionExpression: 'memberId = :id',
            ExpressionAttributeValues: { ':id': memberId },
          },
        },
      ]);
      if (result === true) return 'confirmed';
      if (result === 0) return 'already';
      throw new Error(`Member confirm failed a condition on item ${result}`);
    },

    async updatePreferences(memberId, prefs) {
      const sets: [string, unknown][] = Object.entries(prefs).filter(([, v]) => typeof v === 'boolean');
      sets.push(['preferencesUpdatedAt', clock.now().toISOString()]);
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: memberKey(memberId),
            ReturnValues: 'ALL_NEW',
            UpdateExpression: `SET ${sets.map(([k]) => `#${k} = :${k}`).join(', ')}`,
            ConditionExpression: '#s IN (:pending, :active)',
            ExpressionAttributeNames: { '#s': 'status', ...Object.fromEntries(sets.map(([k]) => [`#${k}`, k])) },
            ExpressionAttributeValues: {
              ':pending': 'pending',
              ':active': 'active',
              ...Object.fromEntries(sets.map(([k, v]) => [`:${k}`, v])),
            },
          }),
        );
        return (out.Attributes && memberFromItem(out.Attributes, clock)) || 'gone';
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return 'gone';
        throw error;
      }
    },

    async markEmailBounced(memberId, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: memberKey(memberId),
            UpdateExpression: 'SET emailBouncedAt = if_not_exists(emailBouncedAt, :at)',
            ConditionExpression: '#s IN (:pending, :active)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':pending': 'pending', ':active': 'active', ':at': at },
          }),
        );
        return 'updated';
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return 'gone';
        throw error;
      }
    },

    async erase(memberId, at, event, known) {
      for (let attempt = 0; attempt < 3; attempt++) {
        // The caller's fresh read saves one here; if it is stale the status condition fails and the next round reads.
        const current = attempt === 0 && known?.memberId === memberId ? known : await get(memberId);
        if (!current || current.status === 'erased') return 'already';
        const { checkinEmails: _c, emailOptOut: _o, ...kept } = erasedMember(current, at);
        const tombstone = { ...memberKey(memberId), entity: 'member', ...kept };
        const result = await transact([
          {
            // A Put replaces the whole item: every attribute not named here is gone.
            Put: {
              TableName: tableName,
              Item: tombstone,
              ConditionExpression: '#s = :status',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':status': current.status },
            },
          },
          ...(current.email
            ? [
                {
                  Delete: {
                    TableName: tableName,
                    Key: emailRecordKey(current.email),
                    // Never delete another member's record (the address cannot change, but be exact).
                    ConditionExpression: 'attribute_not_exists(pk) OR memberId = :id',
                    ExpressionAttributeValues: { ':id': memberId },
                  },
                },
              ]
            : []),
          outboxPut(tableName, event),
        ]);
        if (result === true) return 'erased';
        if (result !== 0) throw new Error(`Member erase failed a condition on item ${result}`);
        // The status moved under us (e.g. confirmed meanwhile): read again and retry.
      }
      throw new UnavailableError('The member store is busy. Please try again.');
    },
  };
}
