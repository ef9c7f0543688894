import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '../../../domain/errors.ts';
import type { TableRef } from './document-client.ts';

export type ItemKey = { pk: string; sk: string };

/** BatchGetItem takes at most 100 keys a call. */
const MAX_KEYS = 100;
const ATTEMPTS = 5;

/**
 * Reads these items consistently with as few BatchGetItem calls as DynamoDB allows (one for up to
 * 100 keys). Keys DynamoDB leaves unprocessed (throttling, the 16 MB response cap) are asked again
 * with backoff; when some are still unread after 5 tries, UnavailableError (503: retry) with
 * `busyMessage`, never a partial answer. Missing items are simply absent from the result.
 */
export async function batchGetAll(table: TableRef, keys: ItemKey[], busyMessage: string): Promise<Record<string, unknown>[]> {
  const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < unique.length; i += MAX_KEYS) {
    let pending: Record<string, unknown>[] = unique.slice(i, i + MAX_KEYS);
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt === ATTEMPTS) throw new UnavailableError(busyMessage);
      if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const out = await table.client.send(
        new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...(out.Responses?.[table.tableName] ?? []));
      pending = out.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
    }
  }
  return items;
}

/** The item with this key among `items`, if read. */
export const findItem = (items: Record<string, unknown>[], key: ItemKey) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
