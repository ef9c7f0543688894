import type { DomainEvent } from '../domain/events.ts';
import type { Escalation, TimelineEntry } from '../domain/safeguarding/escalation.ts';

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
}

/** Secrets that verify something (current first, then the previous one during a rotation). */
export interface SecretKeys {
  keys(): Promise<string[]>;
}
