import { randomBytes } from 'node:crypto';

/**
 * Standard Webhooks secrets: `whsec_` followed by the base64 of the signing key. Secrets Manager
 * generates the first secret of a deployed stack as bare base64 (it cannot add a prefix), so both
 * forms are accepted and shown with the prefix.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The secret as a sender is given it (always `whsec_…`). */
export function formatWebhookSecret(secret: string): string {
  return secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret : WEBHOOK_SECRET_PREFIX + secret;
}

/** The HMAC key bytes of a secret, with or without its prefix. */
export function webhookSigningKey(secret: string): Buffer {
  const key = Buffer.from(formatWebhookSecret(secret).slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  if (key.length < 24) throw new Error('The webhook secret is too short: rotate it');
  return key;
}

/** The stored shape (shared/adapters/aws/secrets.ts reads it): the newest first, the one it replaced kept. */
export interface RotatingSecret {
  current: string;
  previous?: string;
}

/** After a rotation: the new secret is current, the old one still verifies until the next rotation. */
export function rotate(stored: RotatingSecret, next: string): RotatingSecret {
  return { current: next, previous: stored.current };
}
