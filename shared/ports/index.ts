/**
 * Ports: everything a use case may touch. Use cases take `Pick<Deps, …>`, so each signature says
 * what it uses. Adapters live in shared/adapters/{aws,local}; composition roots in shared/runtime.
 * Nothing here imports an adapter, the AWS SDK or middy.
 */
import type { DomainEvent } from '../domain/events.ts';
import type { OrgConfig } from '../domain/org/org-config.ts';
import type { CheckinRepository } from './checkins.ts';
import type { DeliveryLog } from './deliveries.ts';
import type { EscalationRepository, SecretKeys } from './escalations.ts';
import type { FacilitatorRepository } from './facilitators.ts';
import type { MemberRepository } from './members.ts';
import type { SessionRepository } from './sessions.ts';

export type { CheckinRecord, CheckinRepository } from './checkins.ts';
export type { DeliveryLog } from './deliveries.ts';
export type { EscalationRepository, SecretKeys } from './escalations.ts';
export type { FacilitatorRepository } from './facilitators.ts';
export type { MemberRepository } from './members.ts';
export type { BookingHint, BookOutcome, GroupGuard, SessionRepository } from './sessions.ts';

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** Sortable, unguessable id (ULID: 26 Crockford base32 characters). */
  newId(): string;
}

export interface TokenClaims {
  /** Purpose: a token made for one purpose is refused for any other. */
  purpose: string;
  /** Subject, e.g. a member id. */
  subject: string;
  /** Random nonce (single-use tokens record it). */
  nonce: string;
  /** Expiry, epoch seconds. */
  expiresAt: number;
  /** Small extra claims (e.g. a session id). */
  data?: Record<string, string>;
}

export interface TokenCodec {
  sign(claims: Omit<TokenClaims, 'nonce' | 'expiresAt'> & { ttlSeconds: number }): Promise<string>;
  /** Throws `InvalidTokenError` (bad MAC, wrong purpose, malformed) or `ExpiredTokenError`. */
  verify(token: string, purpose: string): Promise<TokenClaims>;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers such as List-Unsubscribe (member mail only, never staff alerts). */
  headers?: Record<string, string>;
  /** `member` mail or `staff` alerts: each has its own SES configuration set. */
  stream: 'member' | 'staff';
  attachments?: { filename: string; contentType: string; content: string }[];
}

export interface SendOptions {
  /**
   * The longest this send may wait for its turn under the account's rate (a paced mailer): a caller
   * with a deadline (a worker before its timeout) says how long it can give; past it the send fails
   * unsent (SendTimeBudgetError), rather than running past the function's timeout.
   */
  maxWaitMs?: number;
  /**
   * An email someone must act on now (a safeguarding alert to a lead or a trustee, the facilitator
   * of a worrying check-in) or is waiting for (a sign-in link). A paced mailer sends it at once rather than in its turn behind a bulk send, and when
   * SES throttles it (the account's rate taken by a bulk send, perhaps on another instance) tries
   * again within a fraction of a second, without slowing its own pace for it.
   */
  urgent?: boolean;
}

/** The send options of a safeguarding alert (see `SendOptions.urgent`). */
export const URGENT: SendOptions = { urgent: true };

export interface Mailer {
  send(message: EmailMessage, options?: SendOptions): Promise<{ messageId: string }>;
  /** On the account's suppression list (bounced or complained): SES would silently drop mail to it. */
  isSuppressed(address: string): Promise<boolean>;
}

export interface SmsSender {
  send(to: string, body: string): Promise<{ messageId: string }>;
}

/** Publishes events to topics (the outbox relay is its only caller). */
export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
}

export interface TimerRequest {
  /** Unique, deterministic name, e.g. `reminder-<sessionId>-<memberId>-1440`; re-scheduling replaces. */
  name: string;
  at: Date;
  payload: { kind: string } & Record<string, unknown>;
}

export interface Scheduler {
  schedule(timer: TimerRequest): Promise<void>;
  /** Idempotent: cancelling a timer that fired or never existed is fine. */
  cancel(name: string): Promise<void>;
}

/**
 * Proof that timers fire: the timer worker records each heartbeat (pk `HEARTBEAT`), so an
 * operator alarm can tell from its age that scheduled timers stopped arriving.
 */
export interface HeartbeatStore {
  /** Records a heartbeat; a late or duplicate one never moves the recorded time back. */
  record(beat: { at: string; dueAt?: string }): Promise<void>;
  last(): Promise<{ at: string; dueAt?: string } | undefined>;
}

/** Where emailed links point: the public base URL of this organisation's stack. */
export interface Links {
  url(path: string, query?: Record<string, string>): string;
}

export interface Deps {
  org: OrgConfig;
  clock: Clock;
  ids: Ids;
  tokens: TokenCodec;
  links: Links;
  members: MemberRepository;
  facilitators: FacilitatorRepository;
  sessions: SessionRepository;
  checkins: CheckinRepository;
  deliveries: DeliveryLog;
  escalations: EscalationRepository;
  /** The escalation webhook's Standard Webhooks secrets (`whsec_…`): current, then previous. */
  webhookSecrets: SecretKeys;
  mail: Mailer;
  sms: SmsSender;
  events: EventPublisher;
  scheduler: Scheduler;
  heartbeats: HeartbeatStore;
}
