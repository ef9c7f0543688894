import { createHash } from 'node:crypto';
import type { Deps } from '../../ports/index.ts';
import { InvalidTokenError } from '../errors.ts';
import type { DomainEvent, MemberEvent } from '../events.ts';

/** Days an unconfirmed sign-up (and its address) is kept after its last confirmation email. */
export const UNCONFIRMED_RETENTION_DAYS = 7;

export type MemberStatus = 'pending' | 'active' | 'erased';

export interface Consent {
  groupAgreementVersion: string;
  privacyNoticeVersion: string;
  confidentialityVersion: string;
  acceptedAt: string;
}

export interface Member {
  memberId: string;
  status: MemberStatus;
  /** As typed (trimmed); uniqueness is held on `emailKey(email)`. Absent once erased. */
  email?: string;
  displayName?: string;
  /** Which texts the member accepted, and when. Kept after erasure (versions and time only). */
  consent?: Consent;
  /** The member chose to receive post-session wellbeing check-in emails. */
  checkinEmails: boolean;
  /** The member unsubscribed from all email (only transactional mail they ask for is sent). */
  emailOptOut: boolean;
  /**
   * SES reported a permanent bounce for the address: no email of any kind goes to it (set by the
   * ses-feedback consumer, shared/domain/members/record-email-feedback.ts).
   */
  emailBouncedAt?: string;
  /** When the member last changed these preferences (evidence of an unsubscribe). */
  preferencesUpdatedAt?: string;
  /** The group they signed up from, if any. */
  groupId?: string;
  /** Absent once erased (the tombstone keeps only the id, `erasedAt` and `consent`). */
  createdAt?: string;
  confirmedAt?: string;
  erasedAt?: string;
  /**
   * Sign-up emails (confirmation, "you already have an account") sent to this address in the
   * current 24 h window, which starts at the first of them (abuse limit).
   */
  signupEmails?: { windowStart: string; count: number };
}

/** Case- and whitespace-insensitive form used for uniqueness. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Uniqueness is held on a hash, so the key itself carries no address. */
export function emailKey(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex');
}

/** Every member event goes to this topic (the SNS adapter adds an `eventType` attribute for filters). */
export const MEMBER_TOPIC = 'member-notifications' as const;

export type MemberEventType = MemberEvent['type'];

/** A thin member event (ids only) for the outbox; `ids` adds others (the group of a join). */
export function memberEvent<T extends MemberEventType, I extends Record<string, string> = Record<never, string>>(
  deps: Pick<Deps, 'ids'>,
  type: T,
  memberId: string,
  occurredAt: string,
  ids?: I,
): DomainEvent<T, { memberId: string } & I> {
  return { id: deps.ids.newId(), type, topic: MEMBER_TOPIC, occurredAt, data: { memberId, ...ids } as { memberId: string } & I };
}

/** Link-token purposes: a token made for one is refused by the other. */
export const TOKEN_PURPOSE = { confirm: 'confirm-email', manage: 'manage' } as const;

/** The claim of a manage link that offers a group to join (the member signed up from its page). */
export const JOIN_CLAIM = 'join';

/** The member a link token names, with the token's claims; unknown subjects are treated as a forged link. */
async function linkToken(
  deps: Pick<Deps, 'tokens' | 'members'>,
  token: string,
  purpose: (typeof TOKEN_PURPOSE)[keyof typeof TOKEN_PURPOSE],
): Promise<{ member: Member; data?: Record<string, string> }> {
  const claims = await deps.tokens.verify(token, purpose);
  const member = await deps.members.get(claims.subject);
  if (!member) throw new InvalidTokenError('This link is not valid.');
  return { member, ...(claims.data ? { data: claims.data } : {}) };
}

/** The member a link token names; unknown subjects are treated as a forged link. */
export async function memberFromToken(
  deps: Pick<Deps, 'tokens' | 'members'>,
  token: string,
  purpose: (typeof TOKEN_PURPOSE)[keyof typeof TOKEN_PURPOSE],
): Promise<Member> {
  return (await linkToken(deps, token, purpose)).member;
}

/** The member of a manage link, and the group it offers to join (signed into the link), if any. */
export async function manageLinkClaims(
  deps: Pick<Deps, 'tokens' | 'members'>,
  token: string,
): Promise<{ member: Member; joinGroupId?: string }> {
  const { member, data } = await linkToken(deps, token, TOKEN_PURPOSE.manage);
  const joinGroupId = data?.[JOIN_CLAIM];
  return { member, ...(joinGroupId ? { joinGroupId } : {}) };
}

/** What is left of a member after erasure: the id, `erasedAt` and the consent versions and time. */
export function erasedMember(member: Pick<Member, 'memberId' | 'consent'>, at: string): Member {
  return {
    memberId: member.memberId,
    status: 'erased',
    erasedAt: at,
    ...(member.consent ? { consent: member.consent } : {}),
    checkinEmails: false,
    emailOptOut: true,
  };
}
