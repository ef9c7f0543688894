import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { RelayFailure, RelayFailureQueue } from '../../ports/operators.ts';

/** How long listed messages stay hidden from other readers while the operator's command works. */
export const LIST_VISIBILITY_SECONDS = 600;

/**
 * The outbox relay's on-failure queue in a deployed stack (the operator CLI's credentials). Listing
 * receives until the queue answers empty, keeping each message's receipt handle for removal or
 * release; a message received twice in one listing (SQS's at-least-once) is listed once.
 */
export function createSqsRelayFailureQueue(sqs: SQSClient, queueUrl: string): RelayFailureQueue {
  const receipts = new Map<string, string>();
  const inBatches = async (ids: readonly string[], send: (entries: { Id: string; ReceiptHandle: string }[]) => Promise<void>) => {
    const entries = ids.flatMap((id, i) => {
      const handle = receipts.get(id);
      return handle ? [{ Id: String(i), ReceiptHandle: handle }] : [];
    });
    for (let i = 0; i < entries.length; i += 10) await send(entries.slice(i, i + 10));
  };
  const failedEntries = (out: { Failed?: { Id?: string; Message?: string }[] }, what: string) => {
    if (out.Failed?.length)
      throw new Error(`SQS could not ${what} ${out.Failed.length} message(s): ${out.Failed[0]?.Message ?? ''}`);
  };
  return {
    async list() {
      const found: RelayFailure[] = [];
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: LIST_VISIBILITY_SECONDS,
            WaitTimeSeconds: 1,
          }),
        );
        const messages = out.Messages ?? [];
        if (!messages.length) return found;
        for (const m of messages) {
          if (!m.MessageId || !m.ReceiptHandle) continue;
          if (!receipts.has(m.MessageId)) found.push({ id: m.MessageId, body: m.Body ?? '' });
          receipts.set(m.MessageId, m.ReceiptHandle);
        }
      }
    },
    async remove(ids) {
      await inBatches(ids, async (Entries) =>
        failedEntries(await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries })), 'delete'),
      );
    },
    async release(ids) {
      await inBatches(ids, async (entries) =>
        failedEntries(
          await sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: entries.map((e) => ({ ...e, VisibilityTimeout: 0 })),
            }),
          ),
          'release',
        ),
      );
    },
  };
}
