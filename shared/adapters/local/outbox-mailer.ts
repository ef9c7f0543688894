import type { Clock, Ids, Mailer } from '../../ports/index.ts';
import { jsonFile } from './json-file.ts';

/** One message as `GET /_dev/outbox` shows it. */
export interface OutboxMessage {
  id: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  sentAt: string;
}

export interface OutboxMailer extends Mailer {
  list(): OutboxMessage[];
  /** Empties the outbox; returns how many messages it held. */
  clear(): number;
}

/** SES stand-in: every message is kept, in order, in a JSON file under the local data folder. */
export function createOutboxMailer(options: { file: string; from: string; clock: Clock; ids: Ids }): OutboxMailer {
  const store = jsonFile<{ messages: OutboxMessage[] }>(options.file, () => ({ messages: [] }));
  return {
    async send(message) {
      const stored: OutboxMessage = {
        id: options.ids.newId(),
        to: message.to,
        from: options.from,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: { ...(message.headers ?? {}) },
        sentAt: options.clock.now().toISOString(),
      };
      store.update((s) => s.messages.push(stored));
      return { messageId: stored.id };
    },
    // The local stand-in has no suppression list: every address is deliverable.
    isSuppressed: async () => false,
    list: () => structuredClone(store.read().messages),
    clear: () =>
      store.update((s) => {
        const count = s.messages.length;
        s.messages = [];
        return count;
      }),
  };
}
