import type { DomainEvent } from '../domain/events.ts';

/**
 * What the operator CLI (bin/kith.ts) needs beyond the use cases' ports. Not part of `Deps`: no
 * deployed function uses these.
 */

/** A secret in the `{ "current": …, "previous"?: … }` shape (shared/adapters/aws/secrets.ts reads it). */
export interface RotatingSecretStore {
  read(): Promise<{ current: string; previous?: string }>;
  write(value: { current: string; previous?: string }): Promise<void>;
}

/** An escalation as listed for an operator (ids, enums and times only). */
export interface EscalationSummary {
  escalationId: string;
  status?: string;
  level?: number;
  category?: string;
  urgency?: string;
  raisedAt?: string;
}

/** Operator-only reads of the table. */
export interface OperatorStore {
  /**
   * Every item about one member: their partition (`MEMBER#<id>`) and every item any feature
   * indexed under `gsi1pk` or `gsi2pk` = `MEMBER#<id>` (the convention for member-linked data).
   */
  memberItems(memberId: string): Promise<Record<string, unknown>[]>;
  /** Escalations indexed under gsi1 `ESCALATIONS#OPEN` (sorted by `gsi1sk`, the raised time). */
  openEscalations(): Promise<EscalationSummary[]>;
}

/** The outbox as the operator's `outbox republish` sees it (bin/outbox-store.ts: no function uses it). */
export interface OutboxStore {
  /**
   * The events of outbox items written between `from` and `to` (ISO times, inclusive): the event's
   * `occurredAt`, or when it was last republished.
   */
  eventsBetween(from: string, to: string): Promise<DomainEvent[]>;
  /** Writes the event as a new outbox item, so the relay publishes it again. */
  republish(event: DomainEvent, at: string): Promise<void>;
}

/**
 * A message about stream records the outbox relay gave up on: in AWS, the event source mapping's
 * on-failure queue (the records' positions and arrival times, never their content); locally, the
 * stream poller's dead letters in the same shape.
 */
export interface RelayFailure {
  id: string;
  body: string;
}

export interface RelayFailureQueue {
  /** Every message in the queue now (in AWS each is hidden from other readers until removed or released). */
  list(): Promise<RelayFailure[]>;
  /** Deletes messages that have been dealt with. */
  remove(ids: readonly string[]): Promise<void>;
  /** Makes messages listed but not removed visible again at once. */
  release(ids: readonly string[]): Promise<void>;
}

/** A deployed stack's CloudFormation outputs, by output name. */
export interface StackOutputsReader {
  read(stackName: string, region: string): Promise<Record<string, string>>;
}
