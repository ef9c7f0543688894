import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CheckinRecord, CheckinRepository } from '../../../ports/checkins.ts';
import type { Clock } from '../../../ports/index.ts';
import type { TableRef } from './document-client.ts';
import { outboxPut } from './outbox.ts';

const LINKS = ['1', '2', '3', '4', '5', 'contact'];

type Item = Record<string, unknown>;

function fromItem(item: Item): CheckinRecord {
  const opened: Record<string, string> = {};
  for (const link of LINKS) {
    const at = item[`open_${link}`];
    if (typeof at === 'string') opened[link] = at;
  }
  const record: CheckinRecord = {
    sessionId: String(item.sessionId),
    memberId: String(item.memberId),
    opened,
    flagged: item.flagged === true,
    ...(typeof item.sentAt === 'string' ? { sentAt: item.sentAt } : {}),
    ...(typeof item.groupId === 'string' ? { groupId: item.groupId } : {}),
  };
  if (typeof item.answeredAt === 'string') {
    record.answer = {
      contact: item.contact === true,
      answeredAt: item.answeredAt,
      ...(typeof item.score === 'number' ? { score: item.score } : {}),
      ...(typeof item.comment === 'string' ? { comment: item.comment } : {}),
    };
  }
  return record;
}

export interface CheckinRetention {
  clock: Clock;
  /** org.retention.checkinAnswersMonths: answers are deleted (TTL) and hidden (read-time) after it. */
  months: number;
}

/**
 * Check-ins: pk `CHECKIN#<sessionId>`, sk `MEMBER#<memberId>`; gsi1 `MEMBER#<memberId>#CHECKINS` /
 * `<sessionId>` finds a member's check-ins for erasure. `expiresAt` (TTL) is set when the item is
 * first written, the org's retention after that; reads treat an expired item as gone.
 */
export function createDynamoCheckinRepository(table: TableRef, retention: CheckinRetention): CheckinRepository {
  const key = (sessionId: string, memberId: string) => ({ pk: `CHECKIN#${sessionId}`, sk: `MEMBER#${memberId}` });
  const nowSeconds = () => Math.floor(retention.clock.now().getTime() / 1000);
  const expiry = () => {
    const at = retention.clock.now();
    const until = new Date(at);
    until.setUTCMonth(until.getUTCMonth() + retention.months);
    return Math.floor(until.getTime() / 1000);
  };
  const live = (item: Item | undefined): item is Item =>
    item !== undefined && !(typeof item.expiresAt === 'number' && item.expiresAt <= nowSeconds());
  /** Every write that may create the item also indexes it by member and starts its retention. */
  const identity = (sessionId: string, memberId: string) => ({
    set: 'sessionId = :s, memberId = :m, gsi1pk = :g, gsi1sk = :s, expiresAt = if_not_exists(expiresAt, :exp)',
    values: { ':s': sessionId, ':m': memberId, ':g': `MEMBER#${memberId}#CHECKINS`, ':exp': expiry() },
  });
  /** The answer's UpdateItem: the same whether it goes alone or in a transaction with an event. */
  const answerUpdate = (sessionId: string, memberId: string, answer: NonNullable<CheckinRecord['answer']>) => {
    const names: Record<string, string> = {};
    const values: Item = { ...identity(sessionId, memberId).values, ':c': answer.contact, ':at': answer.answeredAt };
    const set = [identity(sessionId, memberId).set, 'contact = :c', 'answeredAt = :at'];
    const remove: string[] = [];
    if (answer.score !== undefined) {
      set.push('score = :score');
      values[':score'] = answer.score;
    } else remove.push('score');
    if (answer.comment !== undefined) {
      set.push('#comment = :comment');
      values[':comment'] = answer.comment;
      names['#comment'] = 'comment';
    } else {
      remove.push('#comment');
      names['#comment'] = 'comment';
    }
    return {
      TableName: table.tableName,
      Key: key(sessionId, memberId),
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  };
  return {
    async recordOpened(sessionId, memberId, link, at) {
      if (!LINKS.includes(link)) throw new Error('unknown check-in link');
      const out = await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: key(sessionId, memberId),
          UpdateExpression: `SET ${identity(sessionId, memberId).set}, #open = if_not_exists(#open, :at)`,
          ExpressionAttributeNames: { '#open': `open_${link}` },
          ExpressionAttributeValues: { ...identity(sessionId, memberId).values, ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(out.Attributes ?? {});
    },
    async markFlagged(sessionId, memberId) {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: key(sessionId, memberId),
          UpdateExpression: 'SET flagged = :t',
          ExpressionAttributeValues: { ':t': true },
        }),
      );
    },
    async recordSent(sessionId, memberId, at, groupId) {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: key(sessionId, memberId),
          UpdateExpression: `SET ${identity(sessionId, memberId).set}, sentAt = if_not_exists(sentAt, :at), groupId = :group`,
          ExpressionAttributeValues: { ...identity(sessionId, memberId).values, ':at': at, ':group': groupId },
        }),
      );
    },
    async get(sessionId, memberId) {
      const out = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: key(sessionId, memberId), ConsistentRead: true }),
      );
      return live(out.Item) ? fromItem(out.Item) : undefined;
    },
    async saveAnswer(sessionId, memberId, answer) {
      const out = await table.client.send(
        new UpdateCommand({ ...answerUpdate(sessionId, memberId, answer), ReturnValues: 'UPDATED_OLD' }),
      );
      return { replaced: out.Attributes?.answeredAt !== undefined };
    },
    async saveAnswerWithEvent(sessionId, memberId, answer, event) {
      // State first, then the event: both or neither.
      await table.client.send(
        new TransactWriteCommand({
          TransactItems: [{ Update: answerUpdate(sessionId, memberId, answer) }, outboxPut(table.tableName, event)],
        }),
      );
    },
    async listForSession(sessionId) {
      const records: CheckinRecord[] = [];
      let start: Item | undefined;
      do {
        const out = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `CHECKIN#${sessionId}` },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) if (live(item)) records.push(fromItem(item));
        start = out.LastEvaluatedKey;
      } while (start);
      return records;
    },
    async eraseMember(memberId) {
      let erased = 0;
      let start: Item | undefined;
      do {
        const out = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :g',
            ExpressionAttributeValues: { ':g': `MEMBER#${memberId}#CHECKINS` },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) {
          await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: item.pk, sk: item.sk } }));
          erased++;
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return erased;
    },
  };
}
