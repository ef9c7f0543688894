import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatWebhookSecret } from '../domain/webhooks/webhook-secret.ts';

/**
 * Standard Webhooks verification (https://www.standardwebhooks.com), written here rather than taken
 * from the `standardwebhooks` package because that package parses the timestamp leniently
 * (`parseInt`) and we want every header format checked strictly before any cryptography.
 *
 * - `webhook-id`: 1–256 printable ASCII characters, no spaces (it is signed, and it is also the
 *   idempotency key).
 * - `webhook-timestamp`: integer seconds since the epoch, digits only, within ±tolerance of REAL time
 *   (the sender's clock, never the application's controllable clock).
 * - `webhook-signature`: a space-separated list of `v1,<base64 of 32 bytes>`; other versions are
 *   ignored; one valid `v1` signature under any accepted secret is enough.
 * - secrets: `whsec_<base64>`; during rotation both the current and the previous one are accepted.
 *
 * The signed content is `${id}.${timestamp}.${rawBody}` with HMAC-SHA256; digests are compared in
 * constant time at a fixed length of 32 bytes.
 */

export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export type WebhookRejection =
  | 'missing_headers'
  | 'malformed_id'
  | 'malformed_timestamp'
  | 'malformed_signature'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature'
  | 'no_secret';

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  constructor(readonly reason: WebhookRejection) {
    super(`Webhook verification failed: ${reason}`);
  }
}

const ID = /^[\x21-\x7e]{1,256}$/;
const TIMESTAMP = /^\d{1,12}$/;
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;
const SIGNATURE_ENTRY = /^v[0-9a-z]+,[^\s]+$/;
const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** Decodes `whsec_<base64>` to the HMAC key bytes; throws on any other shape. */
export function decodeWebhookSecret(secret: string): Buffer {
  const match = SECRET.exec(secret.trim());
  if (!match?.[1]) throw new Error('A webhook secret must look like whsec_<base64>');
  const key = Buffer.from(match[1], 'base64');
  if (key.length < 16) throw new Error('A webhook secret must hold at least 16 bytes');
  return key;
}

/**
 * Secrets Manager generates the deployed secret as bare base64 characters (it cannot add a prefix):
 * a value without `whsec_` is taken as the base64 body. The form tool is given `whsec_<value>`.
 */
export function normaliseWebhookSecret(secret: string): string {
  return formatWebhookSecret(secret.trim());
}

/** `v1,<base64>` for the content, as a sender computes it (tests and the local tools use it). */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', decodeWebhookSecret(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${digest}`;
}

export interface VerifiedWebhook {
  id: string;
  timestamp: number;
}

/**
 * Verifies headers (lower-cased names) and the raw body against the accepted secrets.
 * Throws {@link WebhookVerificationError}; returns the id and timestamp when one signature matches.
 */
export function verifyWebhook(
  headers: Record<string, string | undefined>,
  rawBody: string,
  secrets: readonly string[],
  nowMs: number = Date.now(),
  toleranceSeconds: number = WEBHOOK_TOLERANCE_SECONDS,
): VerifiedWebhook {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    throw new WebhookVerificationError('missing_headers');
  }
  if (!ID.test(id)) throw new WebhookVerificationError('malformed_id');
  if (!TIMESTAMP.test(timestamp)) throw new WebhookVerificationError('malformed_timestamp');
  const entries = signatures.split(' ');
  if (entries.length === 0 || entries.length > 16 || entries.some((entry) => !SIGNATURE_ENTRY.test(entry))) {
    throw new WebhookVerificationError('malformed_signature');
  }
  const v1 = entries.filter((entry) => entry.startsWith('v1,')).map((entry) => entry.slice(3));
  if (v1.some((sig) => !BASE64_32_BYTES.test(sig))) throw new WebhookVerificationError('malformed_signature');

  const seconds = Number(timestamp);
  const nowSeconds = Math.floor(nowMs / 1000);
  if (seconds < nowSeconds - toleranceSeconds) throw new WebhookVerificationError('timestamp_too_old');
  if (seconds > nowSeconds + toleranceSeconds) throw new WebhookVerificationError('timestamp_too_new');

  if (secrets.length === 0) throw new WebhookVerificationError('no_secret');
  const content = `${id}.${timestamp}.${rawBody}`;
  const expected = secrets.map((secret) => createHmac('sha256', decodeWebhookSecret(secret)).update(content).digest());
  let matched = false;
  // Compare every candidate against every key, without an early exit: the time taken does not say which matched.
  for (const sig of v1) {
    const given = Buffer.from(sig, 'base64');
    // Only the canonical encoding: the last character carries 2 unused bits, and a decoder that
    // ignores them would accept four spellings of one signature (found by the property tests).
    if (given.length !== 32 || given.toString('base64') !== sig) continue;
    for (const digest of expected) if (timingSafeEqual(given, digest)) matched = true;
  }
  if (!matched) throw new WebhookVerificationError('no_matching_signature');
  return { id, timestamp: seconds };
}
