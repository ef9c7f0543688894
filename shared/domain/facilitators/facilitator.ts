import { createHash, randomBytes } from 'node:crypto';

export type FacilitatorRole = 'facilitator' | 'safeguarding_lead' | 'admin';

export interface Facilitator {
  facilitatorId: string;
  email: string;
  displayName: string;
  role: FacilitatorRole;
  createdAt: string;
  revokedAt?: string;
  /** Browser sessions begun before this (ISO) are over (sign-out ends them on every device). */
  sessionsValidFrom?: string;
}

/** A bearer token: 32 random bytes, shown once; only its SHA-256 is stored. */
export function newBearerToken(): string {
  return `kith_${randomBytes(32).toString('base64url')}`;
}

export function hashBearerToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
