import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../../domain/events.ts';
import { OUTBOX_KIND } from '../../../table-definition.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Outbox items live a week (TTL tidies them; the relay acts on the INSERT). */
export const OUTBOX_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The transaction item that records an event in the outbox. Written in the same transaction as
 * the state change; the stream relay publishes it. The condition makes a retried transaction
 * with the same event id fail rather than publish twice.
 */
export function outboxPut(tableName: string, event: DomainEvent): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: `OUTBOX#${event.id}`,
        sk: 'OUTBOX',
        kind: OUTBOX_KIND,
        event,
        expiresAt: Math.floor(Date.parse(event.occurredAt) / 1000) + OUTBOX_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * The outbox item that publishes an event again (the operator's `outbox republish`): a new item in
 * the event's own partition, so the stream carries a new INSERT and the relay publishes the same
 * event (same id: consumers deduplicate by it). `republishedAt` dates it for a later republish.
 */
export function republishedOutboxItem(event: DomainEvent, at: string): Record<string, unknown> {
  return {
    pk: `OUTBOX#${event.id}`,
    sk: `REPUBLISHED#${at}`,
    kind: OUTBOX_KIND,
    event,
    republishedAt: at,
    expiresAt: Math.floor(Date.parse(at) / 1000) + OUTBOX_TTL_SECONDS,
  };
}

/** The event inside an outbox item read from the stream (already unmarshalled). */
export function eventFromOutboxItem(item: Record<string, unknown>): DomainEvent | undefined {
  if (item.kind !== OUTBOX_KIND) return undefined;
  return item.event as DomainEvent;
}
