import type { EventPublisher } from '../../ports/index.ts';
import type { LocalQueue } from './local-queue.ts';

export interface LocalSubscription {
  topic: string;
  /** SNS subscription filter policy on message attributes (exact string matches). */
  filterPolicy?: Record<string, readonly string[]>;
  queue: LocalQueue;
}

/**
 * SNS stand-in: `publish` fans an event out to the queue of every subscription on its topic whose
 * filter policy matches, with raw message delivery (body = the event's JSON, message attributes =
 * `eventType` plus the event's attributes), exactly like the SNS publisher and subscriptions the
 * stack deploys. A topic nobody subscribes to drops the event, as SNS does.
 */
export function createLocalTopics(topics: readonly string[], subscriptions: readonly LocalSubscription[]): EventPublisher {
  return {
    async publish(event) {
      if (!topics.includes(event.topic)) throw new Error(`Unknown topic "${event.topic}"`);
      const attributes: Record<string, string> = { eventType: event.type, ...(event.attributes ?? {}) };
      const body = JSON.stringify(event);
      for (const subscription of subscriptions) {
        if (subscription.topic === event.topic && matchesFilterPolicy(subscription.filterPolicy, attributes)) {
          subscription.queue.send(body, attributes);
        }
      }
    },
  };
}

/** SNS attribute filter: every key of the policy must be present with one of its listed values. */
export function matchesFilterPolicy(
  policy: Record<string, readonly string[]> | undefined,
  attributes: Record<string, string>,
): boolean {
  if (!policy) return true;
  return Object.entries(policy).every(
    ([key, allowed]) => Object.hasOwn(attributes, key) && allowed.includes(attributes[key] ?? ''),
  );
}
