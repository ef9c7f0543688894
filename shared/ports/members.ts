import type { DomainEvent } from '../domain/events.ts';
import type { Member } from '../domain/members/member.ts';

/** The 24 h sign-up email limit, evaluated atomically by the repository. */
export interface SignupEmailLimit {
  /** Now (ISO): the start of a new window if the current one is over. */
  at: string;
  /** A window that started at or before this time (ISO) is over. */
  windowStartAfter: string;
  /** Emails allowed per window (the first sign-up email counts). */
  max: number;
}

/**
 * Members and their email-uniqueness records. Every multi-item change is one conditional
 * transaction with its outbox event: nothing is half-written, and no event exists without its state.
 */
export interface MemberRepository {
  /** Strongly consistent; erased members come back as tombstones (`status: 'erased'`). */
  get(memberId: string): Promise<Member | undefined>;
  /** Several members in one strongly consistent read per 100 ids (a roster); unknown ids are absent. */
  getMany(memberIds: readonly string[]): Promise<Map<string, Member>>;
  /** Case- and whitespace-insensitive; an erased member's address finds nothing. */
  findByEmail(email: string): Promise<Member | undefined>;
  /**
   * Writes the member, the email-uniqueness record and the outbox event in one transaction.
   * Returns `exists` (and writes nothing) when the address is already taken.
   */
  create(member: Member, event: DomainEvent): Promise<'created' | 'exists'>;
  /**
   * Counts one sign-up email against the member's 24 h window and writes the outbox event, in one
   * transaction, if the member still has `status`; `limited` (nothing written) when the window is
   * full or the status changed.
   */
  recordSignupEmail(
    memberId: string,
    status: 'pending' | 'active',
    limit: SignupEmailLimit,
    event: DomainEvent,
  ): Promise<'recorded' | 'limited'>;
  /** pending → active with the event; `already` (nothing written) when the member was not pending. */
  confirm(memberId: string, at: string, event: DomainEvent): Promise<'confirmed' | 'already'>;
  /** The member as updated; `gone` (nothing written) unless the member is pending or active. */
  updatePreferences(memberId: string, prefs: Partial<Pick<Member, 'checkinEmails' | 'emailOptOut'>>): Promise<Member | 'gone'>;
  /** Stops all mail to a hard-bouncing address (keeps the first time); `gone` unless pending or active. */
  markEmailBounced(memberId: string, at: string): Promise<'updated' | 'gone'>;
  /**
   * Replaces the member with a tombstone (id, `erased`, `erasedAt`, consent versions and time),
   * deletes the uniqueness record and writes the event, in one transaction; `already` when the
   * member is already erased or unknown. `known`: the caller's fresh read of the member, which saves
   * a read (a stale one costs a retry, never a wrong write: the Put is conditional on its status).
   */
  erase(memberId: string, at: string, event: DomainEvent, known?: Member): Promise<'erased' | 'already'>;
}
