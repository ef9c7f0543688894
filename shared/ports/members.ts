import type { DomainEvent } from '../domain/events.ts';
import type { Member } from '../domain/members/member.ts';

export interface MemberRepository {
  get(memberId: string): Promise<Member | undefined>;
  findByEmail(email: string): Promise<Member | undefined>;
  /**
   * Writes the member, the email-uniqueness record and the outbox event in one transaction.
   * Returns `exists` (and writes nothing) when the address is already taken.
   */
  create(member: Member, event: DomainEvent): Promise<'created' | 'exists'>;
  /**
   * Counts a sign-up email against the member's 24 h window and writes the outbox event, in one
   * transaction; `limited` (nothing written) when the window is full.
   */
  recordSignupEmail(
    memberId: string,
    window: { windowStart: string; count: number },
    previous: Member['signupEmails'],
    event: DomainEvent,
  ): Promise<'recorded' | 'limited'>;
  /** pending → active with the event; `already` when the member was not pending. */
  confirm(memberId: string, at: string, event: DomainEvent): Promise<'confirmed' | 'already'>;
  updatePreferences(memberId: string, prefs: Partial<Pick<Member, 'checkinEmails' | 'emailOptOut'>>): Promise<void>;
  /** Removes personal data and the uniqueness record; keeps a tombstone with the id and time. */
  erase(memberId: string, at: string): Promise<void>;
}
