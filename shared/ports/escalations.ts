import type { DomainEvent } from '../domain/events.ts';
import type { Escalation, EscalationResolution, TimelineEntry } from '../domain/safeguarding/escalation.ts';

export interface RaiseEscalationWrite {
  escalation: Escalation;
  /** Idempotency: the `webhook-id` of the delivery that raised it (dedupe record kept until `dedupeExpiresAt`). */
  dedupe?: { key: string; expiresAt: number };
  timeline: TimelineEntry;
  event: DomainEvent;
}

export interface EscalationRepository {
  /**
   * Writes the dedupe record, the escalation, its first timeline entry and its outbox event in ONE
   * transaction. A dedupe key seen before writes nothing and returns the first escalation's id.
   */
  raise(write: RaiseEscalationWrite): Promise<{ escalationId: string; created: boolean }>;
  get(escalationId: string): Promise<Escalation | undefined>;
  /** The immutable timeline, oldest first. */
  timeline(escalationId: string): Promise<TimelineEntry[]>;
  /** Appends an entry (never updates or deletes one). */
  appendTimeline(escalationId: string, entry: TimelineEntry): Promise<void>;
  /**
   * Marks it acknowledged (conditional on not being acknowledged or resolved) with its timeline
   * entry, in one transaction. `already` when someone else acknowledged first.
   */
  acknowledge(escalationId: string, by: { name: string; at: string }): Promise<'acknowledged' | 'already'>;
  /**
   * Marks an acknowledged escalation resolved with its timeline entry, removing it from the open
   * index, in one transaction (with its outbox event, when given); `stale` when it is not (or no
   * longer) acknowledged.
   */
  resolve(escalationId: string, resolution: EscalationResolution, event?: DomainEvent): Promise<'resolved' | 'stale'>;
  /** Counts a wrong acknowledgement code; returns the new count. */
  recordWrongCode(escalationId: string): Promise<number>;
  /**
   * Moves an open escalation from (level, round) to the next step, conditional on it still being
   * open at exactly that level and round, with its timeline entry and outbox event; `stale` when it
   * was acknowledged or has moved already (a late or duplicate timer).
   */
  moveUp(
    escalationId: string,
    from: { level: number; round: number },
    to: { level: number; round: number },
    entry: TimelineEntry,
    event: DomainEvent,
  ): Promise<'moved' | 'stale'>;
  /** Marks an open escalation at (level, round) `unacknowledged_after_all_levels`, conditionally. */
  markExhausted(escalationId: string, from: { level: number; round: number }, entry: TimelineEntry): Promise<'marked' | 'stale'>;
}

/** Secrets that verify something (current first, then the previous one during a rotation). */
export interface SecretKeys {
  keys(): Promise<string[]>;
}
