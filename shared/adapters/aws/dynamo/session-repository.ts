import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { NotFoundError, UnavailableError } from '../../../domain/errors.ts';
import type { DomainEvent } from '../../../domain/events.ts';
import type { Member } from '../../../domain/members/member.ts';
import type { Booking, Group, Session } from '../../../domain/sessions/model.ts';
import type { Clock, GroupGuard, SessionRepository } from '../../../ports/index.ts';
import { batchGetAll, findItem, type ItemKey } from './batch-get.ts';
import type { TableRef } from './document-client.ts';
import { memberFromItem, memberKey } from './member-repository.ts';
import { outboxPut } from './outbox.ts';
import { type TransactItem, transactWrite } from './transact.ts';

/**
 * Groups, sessions and bookings, one table:
 * - `GROUP#<groupId>` / `GROUP` (gsi1 `GROUPS` / `<groupId>`: the directory)
 * - `SESSION#<sessionId>` / `SESSION` (gsi1 `GROUP#<groupId>#SESSIONS` / `<startsAt>#<sessionId>`),
 *   holding `bookedCount` and `capacity`
 * - `SESSION#<sessionId>` / `BOOKING#<memberId>` (gsi1 `MEMBER#<memberId>#BOOKINGS` / `<sessionId>`;
 *   while waitlisted gsi2 `SESSION#<sessionId>#WAITLIST` / `<requestedAt>#<ulid>`, first come first served)
 * - `GROUP#<groupId>` / `MEMBER#<memberId>` (gsi1 `MEMBER#<memberId>#GROUPS` / `<groupId>`): group members
 * - `GROUP#<groupId>` / `REQUEST#<memberId>` (gsi1 `MEMBER#<memberId>#GROUPS` / `<groupId>#request`): asks to join a closed group
 * A booking and the counter change in one transaction; the counter's condition holds capacity.
 */
/** gsi2 partition of every scheduled session (sparse: cancelled sessions leave it). */
const UPCOMING = 'SESSIONS#SCHEDULED';
const BUSY = 'The session is busy. Please try again.';

export function createDynamoSessionRepository(table: TableRef, clock: Clock): SessionRepository {
  const { client, tableName } = table;
  const groupKey = (groupId: string) => ({ pk: `GROUP#${groupId}`, sk: 'GROUP' });
  const sessionKey = (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' });
  const bookingKey = (sessionId: string, memberId: string) => ({ pk: `SESSION#${sessionId}`, sk: `BOOKING#${memberId}` });

  const strip = <T>(item: Record<string, unknown>): T => {
    const { pk: _p, sk: _s, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, entity: _e, ...rest } = item;
    return rest as T;
  };

  const get = async <T>(key: { pk: string; sk: string }): Promise<T | undefined> => {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return out.Item ? strip<T>(out.Item) : undefined;
  };

  const queryAll = async (input: Omit<QueryCommandInput, 'TableName'>) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await client.send(new QueryCommand({ TableName: tableName, ...input, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };

  const transact = (items: TransactItem[]) =>
    transactWrite(client, items, {
      retries: 25,
      backoffMs: (attempt) => Math.min(20 * 2 ** Math.min(attempt, 4), 400),
      busyMessage: BUSY,
    });

  const bookingItem = (booking: Booking) => ({
    ...bookingKey(booking.sessionId, booking.memberId),
    entity: 'booking',
    gsi1pk: `MEMBER#${booking.memberId}#BOOKINGS`,
    gsi1sk: booking.sessionId,
    ...(booking.status === 'waitlisted' && booking.waitlistPosition
      ? { gsi2pk: `SESSION#${booking.sessionId}#WAITLIST`, gsi2sk: booking.waitlistPosition }
      : {}),
    ...booking,
  });

  /** The counter change when a booking of this status goes away: a held place or a waitlist place. */
  const release = (sessionId: string, status: Booking['status']): TransactItem[] => {
    const counter =
      status === 'booked' || status === 'offered' ? 'bookedCount' : status === 'waitlisted' ? 'waitlistCount' : undefined;
    if (!counter) return [];
    return [
      {
        Update: {
          TableName: tableName,
          Key: sessionKey(sessionId),
          UpdateExpression: `SET ${counter} = ${counter} - :one`,
          ConditionExpression: `${counter} > :zero`,
          ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
        },
      },
    ];
  };

  // A member may ask again after cancelling; never overwrite a live booking or waitlist place.
  const bookingFree = {
    ConditionExpression: 'attribute_not_exists(pk) OR #s = :cancelled',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':cancelled': 'cancelled' },
  };

  /**
   * The access check of an admin write as the transaction's first item: the group lists the
   * facilitator (first, so a stranger is told 403 whatever the state of the session).
   */
  const guarded = (guard: GroupGuard | undefined, items: TransactItem[]): TransactItem[] =>
    guard
      ? [
          {
            ConditionCheck: {
              TableName: tableName,
              Key: groupKey(guard.groupId),
              ConditionExpression: 'contains(facilitatorIds, :f)',
              ExpressionAttributeValues: { ':f': guard.facilitatorId },
            },
          },
          ...items,
        ]
      : items;

  /**
   * A change members are told about, to a session still scheduled: the update (which also raises the
   * session's sequence) and its event in one transaction, behind the guard. `not-scheduled`: the
   * session is cancelled or unknown.
   */
  const changeScheduled = async (
    sessionId: string,
    update: { set: string; remove?: string; values: Record<string, unknown> },
    event: DomainEvent,
    guard: GroupGuard | undefined,
  ): Promise<'changed' | 'forbidden' | 'not-scheduled'> => {
    const result = await transact(
      guarded(guard, [
        {
          Update: {
            TableName: tableName,
            Key: sessionKey(sessionId),
            UpdateExpression: `SET ${update.set}, #seq = #seq + :one${update.remove ? ` REMOVE ${update.remove}` : ''}`,
            ConditionExpression: '#s = :scheduled',
            ExpressionAttributeNames: { '#s': 'status', '#seq': 'sequence' },
            ExpressionAttributeValues: { ...update.values, ':one': 1, ':scheduled': 'scheduled' },
          },
        },
        outboxPut(tableName, event),
      ]),
    );
    if (result === true) return 'changed';
    return guard && result === 0 ? 'forbidden' : 'not-scheduled';
  };

  return {
    async createGroup(group) {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { ...groupKey(group.groupId), entity: 'group', gsi1pk: 'GROUPS', gsi1sk: group.groupId, ...group },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    },

    getGroup: (groupId) => get<Group>(groupKey(groupId)),

    async getBookingView(sessionId, groupId, memberId) {
      // One consistent BatchGetItem for the four items of a booking page.
      const items = await batchGetAll(
        table,
        [sessionKey(sessionId), groupKey(groupId), bookingKey(sessionId, memberId), memberKey(memberId)],
        BUSY,
      );
      const find = (key: ItemKey) => findItem(items, key);
      const session = find(sessionKey(sessionId));
      const group = find(groupKey(groupId));
      const booking = find(bookingKey(sessionId, memberId));
      const member = find(memberKey(memberId));
      const found = member && memberFromItem(member, clock);
      return {
        ...(session ? { session: strip<Session>(session) } : {}),
        ...(group ? { group: strip<Group>(group) } : {}),
        ...(booking ? { booking: strip<Booking>(booking) } : {}),
        ...(found ? { member: found } : {}),
      };
    },

    async listGroups() {
      const items = await queryAll({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': 'GROUPS' },
      });
      return items.map((i) => strip<Group>(i));
    },

    async appendEvent(event) {
      // One Put (1 WCU), conditional like the outbox item of any transaction.
      const put = outboxPut(tableName, event).Put;
      if (!put) throw new Error('outboxPut gave no Put');
      await client.send(new PutCommand(put));
    },

    async createSessions(sessions, event) {
      if (sessions.length > 99) throw new Error('At most 99 sessions per transaction');
      const result = await transact([
        ...sessions.map(
          (s): TransactItem => ({
            Put: {
              TableName: tableName,
              Item: {
                ...sessionKey(s.sessionId),
                entity: 'session',
                gsi1pk: `GROUP#${s.groupId}#SESSIONS`,
                gsi1sk: `${s.startsAt}#${s.sessionId}`,
                // Sparse: every scheduled session of the org by start time (the directory, in one
                // Query); removed when the session is cancelled.
                gsi2pk: UPCOMING,
                gsi2sk: `${s.startsAt}#${s.sessionId}`,
                ...s,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          }),
        ),
        outboxPut(tableName, event),
      ]);
      if (result !== true) throw new Error(`Session create failed a condition on item ${result}`);
    },

    getSession: (sessionId) => get<Session>(sessionKey(sessionId)),

    async listScheduledSessions(from) {
      const items = await queryAll({
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :p AND gsi2sk >= :from',
        ExpressionAttributeValues: { ':p': UPCOMING, ':from': from },
      });
      return items.map((i) => strip<Session>(i)).filter((session) => session.status === 'scheduled');
    },

    async listSessions(groupId, from) {
      const items = await queryAll({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND gsi1sk >= :from',
        ExpressionAttributeValues: { ':p': `GROUP#${groupId}#SESSIONS`, ':from': from },
      });
      return items.map((i) => strip<Session>(i));
    },

    getBooking: (sessionId, memberId) => get<Booking>(bookingKey(sessionId, memberId)),

    async getSessionWithBookings(sessionId) {
      // The session item (sk SESSION) and its bookings (sk BOOKING#<memberId>) share the partition.
      const items = await queryAll({
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': `SESSION#${sessionId}` },
        ConsistentRead: true,
      });
      const session = items.find((i) => i.sk === 'SESSION');
      if (!session) return undefined;
      const bookings = items.filter((i) => String(i.sk).startsWith('BOOKING#')).map((i) => strip<Booking>(i));
      return { session: strip<Session>(session), bookings };
    },

    async getGroupWithMembers(groupId, memberIds, sessionId) {
      const keys = [groupKey(groupId), ...(sessionId ? [sessionKey(sessionId)] : []), ...memberIds.map(memberKey)];
      const items = await batchGetAll(table, keys, BUSY);
      const group = findItem(items, groupKey(groupId));
      const session = sessionId ? findItem(items, sessionKey(sessionId)) : undefined;
      const members = new Map<string, Member>();
      for (const item of items) {
        const member = String(item.pk).startsWith('MEMBER#') ? memberFromItem(item, clock) : undefined;
        if (member) members.set(member.memberId, member);
      }
      return {
        ...(group ? { group: strip<Group>(group) } : {}),
        ...(session ? { session: strip<Session>(session) } : {}),
        members,
      };
    },

    async listBookings(sessionId) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :b)',
        ExpressionAttributeValues: { ':p': `SESSION#${sessionId}`, ':b': 'BOOKING#' },
        ConsistentRead: true,
      });
      return items.map((i) => strip<Booking>(i));
    },

    async book(sessionId, memberId, at, position, events, known) {
      for (let round = 0; round < 5; round++) {
        // The caller's fresh read saves one here; if it is stale the conditional write fails and the next round reads.
        const current = round === 0 && known ? known.booking : await get<Booking>(bookingKey(sessionId, memberId));
        if (current && current.status !== 'cancelled') return { outcome: 'already', booking: current };
        const booked: Booking = { sessionId, memberId, status: 'booked', requestedAt: at, bookedAt: at };
        const placed = await transact([
          {
            Update: {
              TableName: tableName,
              Key: sessionKey(sessionId),
              UpdateExpression: 'SET bookedCount = bookedCount + :one',
              // A freed place goes to those already waiting (they get an offer), not to a newcomer.
              ConditionExpression:
                '#s = :scheduled AND bookedCount < #cap AND (attribute_not_exists(waitlistCount) OR waitlistCount = :zero)',
              ExpressionAttributeNames: { '#s': 'status', '#cap': 'capacity' },
              ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':scheduled': 'scheduled' },
            },
          },
          { Put: { TableName: tableName, Item: bookingItem(booked), ...bookingFree } },
          outboxPut(tableName, events.booked),
        ]);
        if (placed === true) return { outcome: 'booked', booking: booked };
        if (placed === 1) continue; // a concurrent request by the same member: read again
        if (placed !== 0) throw new Error(`Booking failed a condition on item ${placed}`);

        // Full, or not scheduled: the waitlist, if the session is still scheduled.
        const waitlisted: Booking = { sessionId, memberId, status: 'waitlisted', requestedAt: at, waitlistPosition: position };
        const queued = await transact([
          {
            Update: {
              TableName: tableName,
              Key: sessionKey(sessionId),
              UpdateExpression: 'SET waitlistCount = if_not_exists(waitlistCount, :zero) + :one',
              ConditionExpression: '#s = :scheduled AND (bookedCount >= #cap OR waitlistCount > :zero)',
              ExpressionAttributeNames: { '#s': 'status', '#cap': 'capacity' },
              ExpressionAttributeValues: { ':scheduled': 'scheduled', ':zero': 0, ':one': 1 },
            },
          },
          { Put: { TableName: tableName, Item: bookingItem(waitlisted), ...bookingFree } },
          outboxPut(tableName, events.waitlisted),
        ]);
        if (queued === true) return { outcome: 'waitlisted', booking: waitlisted };
        if (queued === 1) continue;
        const session = await get<Session>(sessionKey(sessionId));
        if (session?.status !== 'scheduled') return { outcome: 'session-closed' };
        // A place freed between the two attempts: try booking again.
      }
      throw new UnavailableError(BUSY);
    },

    async cancelBooking(sessionId, memberId, at, event, known) {
      for (let round = 0; round < 3; round++) {
        const current = round === 0 && known ? known.booking : await get<Booking>(bookingKey(sessionId, memberId));
        if (!current || current.status === 'cancelled') return 'not-booked';
        const cancelled: Booking = {
          sessionId,
          memberId,
          status: 'cancelled',
          requestedAt: current.requestedAt,
          ...(current.bookedAt ? { bookedAt: current.bookedAt } : {}),
          cancelledAt: at,
        };
        const result = await transact([
          {
            Put: {
              TableName: tableName,
              Item: bookingItem(cancelled),
              ConditionExpression: '#s = :was',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':was': current.status },
            },
          },
          ...release(sessionId, current.status),
          outboxPut(tableName, event),
        ]);
        if (result === true) return 'cancelled';
        if (result !== 0) throw new Error(`Booking cancel failed a condition on item ${result}`);
      }
      throw new UnavailableError(BUSY);
    },

    async offerNext(sessionId, offerExpiresAt, event) {
      for (let round = 0; round < 10; round++) {
        const session = await get<Session>(sessionKey(sessionId));
        if (session?.status !== 'scheduled' || session.bookedCount >= session.capacity || !session.waitlistCount)
          return undefined;
        // The index is eventually consistent: the booking's own condition below is the truth.
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :p',
            ExpressionAttributeValues: { ':p': `SESSION#${sessionId}#WAITLIST` },
            Limit: 1,
          }),
        );
        const next = out.Items?.[0];
        if (!next) return undefined;
        const memberId = next.memberId as string;
        const result = await transact([
          {
            Update: {
              TableName: tableName,
              Key: sessionKey(sessionId),
              UpdateExpression: 'SET bookedCount = bookedCount + :one, waitlistCount = waitlistCount - :one',
              ConditionExpression: '#s = :scheduled AND bookedCount < #cap AND waitlistCount > :zero',
              ExpressionAttributeNames: { '#s': 'status', '#cap': 'capacity' },
              ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':scheduled': 'scheduled' },
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: bookingKey(sessionId, memberId),
              UpdateExpression: 'SET #s = :offered, offerExpiresAt = :exp REMOVE gsi2pk, gsi2sk, waitlistPosition',
              ConditionExpression: '#s = :waitlisted',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':offered': 'offered', ':waitlisted': 'waitlisted', ':exp': offerExpiresAt },
            },
          },
          outboxPut(tableName, event(memberId)),
        ]);
        if (result === true) return memberId;
        if (result === 0) return undefined;
        // The member left the waitlist meanwhile: look again.
      }
      throw new UnavailableError(BUSY);
    },

    async claimOffer(sessionId, memberId, at, event) {
      const result = await transact([
        {
          Update: {
            TableName: tableName,
            Key: bookingKey(sessionId, memberId),
            UpdateExpression: 'SET #s = :booked, bookedAt = :at REMOVE offerExpiresAt',
            ConditionExpression: '#s = :offered AND offerExpiresAt > :at',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':booked': 'booked', ':offered': 'offered', ':at': at },
          },
        },
        outboxPut(tableName, event),
      ]);
      return result === true ? 'claimed' : 'not-offered';
    },

    async expireOffer(sessionId, memberId, at) {
      const result = await transact([
        {
          Update: {
            TableName: tableName,
            Key: bookingKey(sessionId, memberId),
            UpdateExpression: 'SET #s = :cancelled, cancelledAt = :at, offerExpired = :true REMOVE offerExpiresAt',
            ConditionExpression: '#s = :offered AND offerExpiresAt <= :at',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':cancelled': 'cancelled', ':offered': 'offered', ':at': at, ':true': true },
          },
        },
        ...release(sessionId, 'offered'),
      ]);
      return result === true ? 'expired' : 'not-offered';
    },

    async reschedule(sessionId, times, event, guard) {
      const result = await changeScheduled(
        sessionId,
        {
          set: 'startsAt = :startsAt, endsAt = :endsAt, roomBookedUntil = :room, durationMinutes = :d, gsi1sk = :sk, gsi2sk = :sk',
          values: {
            ':startsAt': times.startsAt,
            ':endsAt': times.endsAt,
            ':room': times.roomBookedUntil,
            ':d': times.durationMinutes,
            ':sk': `${times.startsAt}#${sessionId}`,
          },
        },
        event,
        guard,
      );
      return result === 'changed' ? 'rescheduled' : result === 'forbidden' ? 'forbidden' : 'gone';
    },

    async cancelSession(sessionId, at, event, guard) {
      const result = await changeScheduled(
        sessionId,
        { set: '#s = :cancelled, cancelledAt = :at', remove: 'gsi2pk, gsi2sk', values: { ':cancelled': 'cancelled', ':at': at } },
        event,
        guard,
      );
      return result === 'changed' ? 'cancelled' : result === 'forbidden' ? 'forbidden' : 'already';
    },

    async recordAttendance(sessionId, present, guard) {
      const update = {
        TableName: tableName,
        Key: sessionKey(sessionId),
        UpdateExpression: 'SET attendance = :present',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':present': present },
      };
      if (!guard) {
        await client.send(new UpdateCommand(update));
        return 'recorded';
      }
      const result = await transact(guarded(guard, [{ Update: update }]));
      if (result === 0) return 'forbidden';
      if (result !== true) throw new NotFoundError('No session has this id.');
      return 'recorded';
    },

    async listMemberBookings(memberId) {
      const items = await queryAll({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `MEMBER#${memberId}#BOOKINGS` },
      });
      return items.map((i) => strip<Booking>(i));
    },

    async addGroupMember(groupId, memberId, at) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `GROUP#${groupId}`, sk: `MEMBER#${memberId}` },
          UpdateExpression: 'SET entity = :e, memberId = :m, gsi1pk = :g, gsi1sk = :gid, joinedAt = if_not_exists(joinedAt, :at)',
          ExpressionAttributeValues: {
            ':e': 'group-member',
            ':m': memberId,
            ':g': `MEMBER#${memberId}#GROUPS`,
            ':gid': groupId,
            ':at': at,
          },
        }),
      );
    },

    async listGroupMembers(groupId) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':p': `GROUP#${groupId}`, ':m': 'MEMBER#' },
      });
      return items.map((i) => i.memberId as string);
    },

    async groupStanding(groupId, memberId) {
      const memberItem = { pk: `GROUP#${groupId}`, sk: `MEMBER#${memberId}` };
      const requestItem = { pk: `GROUP#${groupId}`, sk: `REQUEST#${memberId}` };
      const items = await batchGetAll(table, [groupKey(groupId), memberItem, requestItem], BUSY);
      const group = findItem(items, groupKey(groupId));
      return {
        ...(group ? { group: strip<Group>(group) } : {}),
        member: findItem(items, memberItem) !== undefined,
        requested: findItem(items, requestItem) !== undefined,
      };
    },

    async addJoinRequest(groupId, memberId, at) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `GROUP#${groupId}`, sk: `REQUEST#${memberId}` },
          UpdateExpression:
            'SET entity = :e, memberId = :m, gsi1pk = :g, gsi1sk = :gsk, requestedAt = if_not_exists(requestedAt, :at)',
          ExpressionAttributeValues: {
            ':e': 'group-join-request',
            ':m': memberId,
            ':g': `MEMBER#${memberId}#GROUPS`,
            ':gsk': `${groupId}#request`,
            ':at': at,
          },
        }),
      );
    },

    async listJoinRequests(groupId) {
      const items = await queryAll({
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
        ExpressionAttributeValues: { ':p': `GROUP#${groupId}`, ':r': 'REQUEST#' },
        ConsistentRead: true,
      });
      return items.map((i) => ({ memberId: i.memberId as string, requestedAt: i.requestedAt as string }));
    },

    async approveJoinRequest(groupId, memberId, at, event, guard) {
      const result = await transact(
        guarded(guard, [
          {
            Delete: {
              TableName: tableName,
              Key: { pk: `GROUP#${groupId}`, sk: `REQUEST#${memberId}` },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: {
                pk: `GROUP#${groupId}`,
                sk: `MEMBER#${memberId}`,
                entity: 'group-member',
                memberId,
                gsi1pk: `MEMBER#${memberId}#GROUPS`,
                gsi1sk: groupId,
                joinedAt: at,
              },
            },
          },
          outboxPut(tableName, event),
        ]),
      );
      if (result === true) return 'approved';
      return guard && result === 0 ? 'forbidden' : 'no-request';
    },

    async eraseMemberBookings(memberId) {
      const freed: string[] = [];
      const memberships = await queryAll({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `MEMBER#${memberId}#GROUPS` },
      });
      for (const item of memberships) {
        await client.send(
          new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: tableName, Key: { pk: item.pk, sk: item.sk } } }] }),
        );
      }
      const bookings = await queryAll({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `MEMBER#${memberId}#BOOKINGS` },
      });
      for (const item of bookings) {
        const sessionId = item.sessionId as string;
        for (let round = 0; round < 3; round++) {
          const current = await get<Booking>(bookingKey(sessionId, memberId));
          if (!current) break;
          const result = await transact([
            {
              Delete: {
                TableName: tableName,
                Key: bookingKey(sessionId, memberId),
                ConditionExpression: '#s = :was',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':was': current.status },
              },
            },
            ...release(sessionId, current.status),
          ]);
          if (result === true) {
            if (current.status === 'booked' || current.status === 'offered') freed.push(sessionId);
            break;
          }
        }
      }
      return freed;
    },
  };
}
