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

/** A deployed stack's CloudFormation outputs, by output name. */
export interface StackOutputsReader {
  read(stackName: string, region: string): Promise<Record<string, string>>;
}
