import { randomUUID } from 'node:crypto';
import { jsonFile } from './json-file.ts';

/** A message on a local queue (real-time milliseconds: queue mechanics never follow the app clock). */
export interface QueuedMessage {
  messageId: string;
  body: string;
  /** SQS message attributes (string values: what SNS raw delivery carries over). */
  attributes: Record<string, string>;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Not before this time (in flight, or backing off after a failure). */
  visibleAt: number;
}

/** A message moved to the queue's dead-letter queue after too many receives. */
export interface DeadLetter {
  queue: string;
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  receiveCount: number;
  sentAt: string;
  movedAt: string;
}

export interface LocalQueueOptions {
  /** Receives before a failing message moves to the DLQ (the stack's redrive policy). Default 5. */
  maxReceiveCount?: number;
  /** How long a received message stays invisible if its consumer never answers. Default 30 s. */
  visibilityTimeoutMs?: number;
  /** Backoff before the next receive after the n-th failed receive. Default 100 ms · 2^(n-1), at most 5 s. */
  backoffMs?: (receiveCount: number) => number;
  now?: () => number;
}

export interface LocalQueue {
  readonly name: string;
  readonly maxReceiveCount: number;
  send(body: string, attributes?: Record<string, string>): string;
  /** Up to `max` visible messages, oldest first; each becomes invisible and counts a receive. */
  receive(max: number): QueuedMessage[];
  /** The consumer handled it. */
  delete(messageId: string): void;
  /** The consumer failed it: back off, or move it to the DLQ when its receives are used up. */
  fail(messageId: string): 'retrying' | 'dead-lettered';
  /** Messages waiting (visible or not); `nextVisibleAt` is when the earliest invisible one returns. */
  depth(): { messages: number; visible: number; nextVisibleAt?: number };
  deadLetters(): DeadLetter[];
  clearDeadLetters(): number;
}

/**
 * An SQS-like queue with its DLQ, kept in a JSON file under the local data folder, so messages
 * survive a restart. At-least-once, like SQS: a message received but never answered returns after
 * the visibility timeout.
 */
export function createLocalQueue(name: string, file: string, options: LocalQueueOptions = {}): LocalQueue {
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  const backoffMs = options.backoffMs ?? ((n: number) => Math.min(100 * 2 ** (n - 1), 5_000));
  const now = options.now ?? Date.now;
  const store = jsonFile<{ messages: QueuedMessage[]; deadLetters: DeadLetter[] }>(file, () => ({
    messages: [],
    deadLetters: [],
  }));

  return {
    name,
    maxReceiveCount,
    send(body, attributes = {}) {
      const messageId = randomUUID();
      const at = now();
      store.update((s) =>
        s.messages.push({ messageId, body, attributes: { ...attributes }, sentAt: at, receiveCount: 0, visibleAt: at }),
      );
      return messageId;
    },
    receive(max) {
      const at = now();
      const ready = store.read().messages.filter((m) => m.visibleAt <= at);
      if (!ready.length) return [];
      return store.update(() =>
        ready.slice(0, max).map((m) => {
          m.receiveCount += 1;
          m.firstReceivedAt ??= at;
          m.visibleAt = at + visibilityTimeoutMs;
          return structuredClone(m);
        }),
      );
    },
    delete(messageId) {
      store.update((s) => {
        s.messages = s.messages.filter((m) => m.messageId !== messageId);
      });
    },
    fail(messageId) {
      return store.update((s) => {
        const message = s.messages.find((m) => m.messageId === messageId);
        if (!message) return 'retrying';
        if (message.receiveCount < maxReceiveCount) {
          message.visibleAt = now() + backoffMs(message.receiveCount);
          return 'retrying';
        }
        s.messages = s.messages.filter((m) => m.messageId !== messageId);
        s.deadLetters.push({
          queue: name,
          messageId: message.messageId,
          body: message.body,
          attributes: message.attributes,
          receiveCount: message.receiveCount,
          sentAt: new Date(message.sentAt).toISOString(),
          movedAt: new Date(now()).toISOString(),
        });
        return 'dead-lettered';
      });
    },
    depth() {
      const at = now();
      const messages = store.read().messages;
      const waiting = messages.filter((m) => m.visibleAt > at).map((m) => m.visibleAt);
      return {
        messages: messages.length,
        visible: messages.length - waiting.length,
        ...(waiting.length ? { nextVisibleAt: Math.min(...waiting) } : {}),
      };
    },
    deadLetters: () => structuredClone(store.read().deadLetters),
    clearDeadLetters: () =>
      store.update((s) => {
        const count = s.deadLetters.length;
        s.deadLetters = [];
        return count;
      }),
  };
}
