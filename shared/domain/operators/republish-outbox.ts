import type { Clock } from '../../ports/index.ts';
import type { OutboxStore, RelayFailure, RelayFailureQueue } from '../../ports/operators.ts';
import * as z from '../../zod.ts';
import type { DomainEvent } from '../events.ts';

/**
 * After the outbox relay gave up on stream records (SNS or its key unreachable for an hour, or a
 * bug): publishes their events again. The relay's failure messages hold where the records were in
 * the stream and when they arrived, never the events; the outbox items are still in the table (a
 * week). Every outbox event written in a failure's time window (with a margin) is written again as
 * a new outbox item, so the relay publishes it through the same topics and filters. An event the
 * consumers already handled is handled once: they deduplicate by event id (delivery records last
 * 30 days, longer than outbox items), so a window wider than the failed records costs nothing.
 */

/** The body the event source mapping sends to its on-failure queue (AWS Lambda's documented shape). */
const FailureBody = z.object({
  DDBStreamBatchInfo: z.object({
    shardId: z.string(),
    startSequenceNumber: z.string(),
    endSequenceNumber: z.string(),
    approximateArrivalOfFirstRecord: z.string(),
    approximateArrivalOfLastRecord: z.string(),
    batchSize: z.number(),
  }),
});

/**
 * Outbox items are written with the event's time just before the transaction commits; arrival times
 * are rounded down (DynamoDB Streams: to the second; DynamoDB Local: to the minute).
 */
export const WINDOW_BEFORE_MS = 2 * 60_000;
export const WINDOW_AFTER_MS = 2 * 60_000;

export interface FailureWindow {
  from: string;
  to: string;
  records: number;
}

/** The time window of a failure message's records, or undefined when the body is not one. */
export function failureWindow(body: string): FailureWindow | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = FailureBody.safeParse(json);
  if (!parsed.success) return undefined;
  const info = parsed.data.DDBStreamBatchInfo;
  const first = Date.parse(info.approximateArrivalOfFirstRecord);
  const last = Date.parse(info.approximateArrivalOfLastRecord);
  if (Number.isNaN(first) || Number.isNaN(last) || last < first) return undefined;
  return {
    from: new Date(first - WINDOW_BEFORE_MS).toISOString(),
    to: new Date(last + WINDOW_AFTER_MS).toISOString(),
    records: info.batchSize,
  };
}

/** Overlapping windows as one, in time order. */
export function mergeWindows(windows: readonly FailureWindow[]): FailureWindow[] {
  const merged: FailureWindow[] = [];
  for (const w of [...windows].sort((a, b) => a.from.localeCompare(b.from))) {
    const last = merged.at(-1);
    if (last && w.from <= last.to) {
      if (w.to > last.to) last.to = w.to;
      last.records += w.records;
    } else merged.push({ ...w });
  }
  return merged;
}

export interface RepublishReport {
  /** Failure messages read. */
  failures: number;
  /** Messages that were not a relay failure (left in the queue, named by id). */
  unreadable: string[];
  /** Failure messages with no outbox event in their window (past the week outbox items are kept): left in the queue. */
  unmatched: string[];
  windows: (FailureWindow & { events: number })[];
  /** The events found in the windows (ids, types and times only: no personal data). */
  events: { id: string; type: string; occurredAt: string }[];
  /** Events written again (0 on a dry run). */
  republished: number;
  /** Failure messages deleted (those whose events were written again; 0 on a dry run). */
  removed: number;
}

export async function republishRelayFailures(
  deps: { outbox: OutboxStore; relayFailures: RelayFailureQueue; clock: Clock },
  options: { dryRun?: boolean } = {},
): Promise<RepublishReport> {
  const messages: RelayFailure[] = await deps.relayFailures.list();
  const readable: { id: string; window: FailureWindow }[] = [];
  const unreadable: string[] = [];
  for (const message of messages) {
    const window = failureWindow(message.body);
    if (window) readable.push({ id: message.id, window });
    else unreadable.push(message.id);
  }
  const report: RepublishReport = {
    failures: messages.length,
    unreadable,
    unmatched: [],
    windows: [],
    events: [],
    republished: 0,
    removed: 0,
  };
  let removed: readonly string[] = [];
  try {
    const byId = new Map<string, DomainEvent>();
    const matched: string[] = [];
    for (const w of mergeWindows(readable.map((r) => r.window))) {
      const found = await deps.outbox.eventsBetween(w.from, w.to);
      report.windows.push({ ...w, events: new Set(found.map((e) => e.id)).size });
      for (const event of found) byId.set(event.id, event);
      const letters = readable.filter((r) => r.window.from >= w.from && r.window.to <= w.to).map((r) => r.id);
      (found.length ? matched : report.unmatched).push(...letters);
    }
    const events = [...byId.values()].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
    report.events = events.map((e) => ({ id: e.id, type: e.type, occurredAt: e.occurredAt }));
    if (options.dryRun) return report;
    for (const event of events) {
      await deps.outbox.republish(event, deps.clock.now().toISOString());
      report.republished++;
    }
    await deps.relayFailures.remove(matched);
    removed = matched;
    report.removed = matched.length;
    return report;
  } finally {
    // Whatever was not removed (a dry run, an unreadable or unmatched message, a failure half way)
    // stays in the queue for another look.
    await deps.relayFailures.release(messages.map((m) => m.id).filter((id) => !removed.includes(id)));
  }
}
