import { createHash } from 'node:crypto';

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
  /** As typed (trimmed); `emailKey` is what uniqueness is held on. Absent once erased. */
  email?: string;
  displayName?: string;
  consent?: Consent;
  /** The member chose to receive post-session wellbeing check-in emails. */
  checkinEmails: boolean;
  /** The member unsubscribed from all email (only transactional mail they ask for is sent). */
  emailOptOut: boolean;
  /** The group they signed up from, if any. */
  groupId?: string;
  createdAt: string;
  confirmedAt?: string;
  erasedAt?: string;
  /** Rolling count of sign-up emails triggered in the current 24 h window (abuse limit). */
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
