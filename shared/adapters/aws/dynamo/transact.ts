import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '../../../domain/errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface TransactOptions {
  /** How many times a conflict with a concurrent transaction on the same items is retried. */
  retries: number;
  /** The wait before retry `attempt` (before jitter of 0.5–1.5×). */
  backoffMs: (attempt: number) => number;
  /** The 503 message when conflicts outlast the retries. */
  busyMessage: string;
}

/**
 * Writes one transaction. Resolves `true` when written, or the index of the item whose condition
 * failed (the caller knows what each item means). Conflicts with a concurrent transaction on the
 * same items are retried with jittered backoff, then reported as UnavailableError (503: retry).
 */
export async function transactWrite(
  client: DynamoDBDocumentClient,
  items: TransactItem[],
  options: TransactOptions,
): Promise<true | number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const codes = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code);
      const failed = codes.indexOf('ConditionalCheckFailed');
      if (failed >= 0) return failed;
      if (codes.includes('TransactionConflict') && attempt < options.retries) {
        await sleep(options.backoffMs(attempt) * (0.5 + Math.random()));
        continue;
      }
      throw new UnavailableError(options.busyMessage);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
