import type { Clock, Ids, SmsSender } from '../../ports/index.ts';
import { jsonFile } from './json-file.ts';

/** One text message as `GET /_dev/sms` shows it. */
export interface SmsMessage {
  to: string;
  body: string;
  sentAt: string;
}

export interface SmsOutbox extends SmsSender {
  list(): SmsMessage[];
  clear(): number;
}

/** SNS SMS stand-in: every text is kept, in order, in a JSON file under the local data folder. */
export function createSmsOutbox(options: { file: string; clock: Clock; ids: Ids }): SmsOutbox {
  const store = jsonFile<{ messages: (SmsMessage & { id: string })[] }>(options.file, () => ({ messages: [] }));
  return {
    async send(to, body) {
      const id = options.ids.newId();
      store.update((s) => s.messages.push({ id, to, body, sentAt: options.clock.now().toISOString() }));
      return { messageId: id };
    },
    list: () => store.read().messages.map(({ to, body, sentAt }) => ({ to, body, sentAt })),
    clear: () =>
      store.update((s) => {
        const count = s.messages.length;
        s.messages = [];
        return count;
      }),
  };
}
