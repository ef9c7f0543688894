import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { eventFromOutboxItem } from '../../shared/adapters/aws/dynamo/outbox.ts';
import type { DomainEvent } from '../../shared/domain/events.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { events } from '../../shared/runtime/aws/sns.ts';
import { streamHandler } from '../../shared/runtime/batch.ts';
import { OUTBOX_KIND } from '../../shared/table-definition.ts';
import * as z from '../../shared/zod.ts';
import { topicNames } from '../routes.ts';

/**
 * The outbox relay: the table's stream consumer. Every INSERT of an outbox item is published to its
 * topic; everything else on the stream (other items, updates, TTL removals) is ignored. A failure
 * stops the batch at that record, so the stream retries from it and nothing is skipped. The same
 * handler runs in Lambda and, over DynamoDB Local's Streams API, in the local stack.
 */
const PublishableEvent = z.object({
  id: z.string().check(z.minLength(1)),
  type: z.string().check(z.minLength(1)),
  topic: z.enum(topicNames),
  occurredAt: z.string().check(z.minLength(1)),
  attributes: z.optional(z.record(z.string(), z.string())),
  data: z.record(z.string(), z.unknown()),
});

export class MalformedOutboxItemError extends Error {
  override name = 'MalformedOutboxItemError';
}

export const makeHandler = (deps: Pick<Deps, 'events'>) =>
  streamHandler('outbox-relay', async (record) => {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image || image.kind?.S !== OUTBOX_KIND) return;
    const event = eventFromOutboxItem(unmarshall(image as Record<string, AttributeValue>));
    const parsed = PublishableEvent.safeParse(event);
    // A malformed outbox item is a bug: fail loudly (the record is retried, then parked), never drop it.
    if (!parsed.success) throw new MalformedOutboxItemError('The outbox item does not hold a publishable event');
    await deps.events.publish(parsed.data as DomainEvent);
  });

export const handler = makeHandler(composeDeps({ events }));
