import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  signWebhook,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookVerificationError,
} from '../../shared/runtime/standard-webhooks.ts';
import { propertyConfig } from './fc.ts';

const { runs } = propertyConfig('standard-webhooks');

/** `whsec_` + base64 of 16–64 random bytes, as senders generate them. */
const secretArb = fc.uint8Array({ minLength: 16, maxLength: 64 }).map((b) => `whsec_${Buffer.from(b).toString('base64')}`);
/** Webhook ids: printable ASCII without spaces, 1–256 characters. */
const idArb = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 256,
});
/** Any body: JSON, but also arbitrary Unicode (the signature is over the raw text). */
const bodyArb = fc.oneof(fc.json(), fc.string({ unit: 'binary', maxLength: 2000 }));
const nowMsArb = fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 });
/** Seconds between the sender's stamp and our clock, inside the ±5 minute tolerance. */
const skewArb = fc.integer({ min: -WEBHOOK_TOLERANCE_SECONDS, max: WEBHOOK_TOLERANCE_SECONDS });

interface Signed {
  secret: string;
  id: string;
  body: string;
  nowMs: number;
  headers: Record<string, string>;
}

const signedArb = fc
  .record({ secret: secretArb, id: idArb, body: bodyArb, nowMs: nowMsArb, skew: skewArb })
  .map(({ secret, id, body, nowMs, skew }): Signed => {
    const ts = Math.floor(nowMs / 1000) + skew;
    return {
      secret,
      id,
      body,
      nowMs,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, id, ts, body) },
    };
  });

function rejects(headers: Record<string, string>, body: string, secrets: string[], nowMs: number): boolean {
  try {
    verifyWebhook(headers, body, secrets, nowMs);
    return false;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return true;
    throw error; // anything else (a TypeError, a RangeError) is a bug: it would be a 500
  }
}

/** Every string that differs from `s` in exactly one byte (UTF-8), decoded leniently as a sender's bytes would be. */
function byteMutations(s: string, positions: readonly number[], replacement: (original: number) => number): string[] {
  const bytes = Buffer.from(s, 'utf8');
  return positions.map((i) => {
    const copy = Buffer.from(bytes);
    copy[i] = replacement(copy[i] ?? 0);
    return copy.toString('latin1') === bytes.toString('latin1') ? s : decode(copy);
  });
}
/** Bytes as text the way the HTTP layer sees them: UTF-8 when valid, otherwise latin1 (distinct for distinct bytes). */
function decode(bytes: Buffer): string {
  const utf8 = bytes.toString('utf8');
  return Buffer.from(utf8, 'utf8').equals(bytes) ? utf8 : bytes.toString('latin1');
}

/** All positions for small inputs, a sample of 64 for large ones (the sample moves with the seed). */
const positionsArb = (length: number) =>
  length <= 128
    ? fc.constant([...Array(length).keys()])
    : fc.uniqueArray(fc.integer({ min: 0, max: length - 1 }), { minLength: 64, maxLength: 64 });

const byteChange = fc.integer({ min: 1, max: 255 });

describe('Standard Webhooks verifier (properties)', () => {
  it('accepts what a sender signs: any secret, id, body and timestamp within the tolerance', () => {
    fc.assert(
      fc.property(signedArb, ({ secret, id, body, nowMs, headers }) => {
        const verified = verifyWebhook(headers, body, [secret], nowMs);
        expect(verified.id).toBe(id);
        expect(verified.timestamp).toBe(Number(headers['webhook-timestamp']));
      }),
      { numRuns: runs(200) },
    );
  });

  it('accepts the previous secret during a rotation, in either order, and refuses an unknown one', () => {
    fc.assert(
      fc.property(signedArb, secretArb, ({ secret, body, nowMs, headers }, other) => {
        fc.pre(other !== secret);
        expect(rejects(headers, body, [other, secret], nowMs)).toBe(false);
        expect(rejects(headers, body, [secret, other], nowMs)).toBe(false);
        expect(rejects(headers, body, [other], nowMs)).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });

  it('rejects every single-byte change of the body', () => {
    fc.assert(
      fc.property(
        signedArb.chain((s) => fc.tuple(fc.constant(s), positionsArb(Buffer.byteLength(s.body)), byteChange)),
        ([{ secret, body, nowMs, headers }, positions, delta]) => {
          for (const mutated of byteMutations(body, positions, (b) => (b + delta) & 0xff)) {
            if (mutated === body) continue;
            expect(rejects(headers, mutated, [secret], nowMs)).toBe(true);
          }
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it('rejects every single-byte change of the id, the timestamp and the signature header', () => {
    fc.assert(
      fc.property(
        signedArb.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature'),
            fc.integer({ min: 0, max: 255 }),
          ),
        ),
        ([{ secret, body, nowMs, headers }, header, replacement]) => {
          const value = headers[header] ?? '';
          // Every position of the header (ids up to 256 bytes, signatures 47): the whole enumeration.
          const positions = [...Array(Buffer.byteLength(value)).keys()];
          for (const mutated of byteMutations(value, positions, () => replacement)) {
            if (mutated === value) continue;
            expect(rejects({ ...headers, [header]: mutated }, body, [secret], nowMs)).toBe(true);
          }
        },
      ),
      { numRuns: runs(150) },
    );
  });

  it('rejects every change of any single signature character to any other base64 character', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
    fc.assert(
      fc.property(signedArb, ({ secret, body, nowMs, headers }) => {
        const signature = headers['webhook-signature'] ?? '';
        for (let i = 3; i < signature.length; i++) {
          for (const c of alphabet) {
            if (c === signature[i]) continue;
            const mutated = signature.slice(0, i) + c + signature.slice(i + 1);
            expect(rejects({ ...headers, 'webhook-signature': mutated }, body, [secret], nowMs)).toBe(true);
          }
        }
      }),
      { numRuns: runs(8) },
    );
  });

  it('rejects timestamps outside the tolerance, however well signed', () => {
    fc.assert(
      fc.property(
        secretArb,
        idArb,
        bodyArb,
        nowMsArb,
        fc.oneof(
          fc.integer({ min: WEBHOOK_TOLERANCE_SECONDS + 1, max: 10 * 365 * 86_400 }),
          fc.integer({ min: -10 * 365 * 86_400, max: -WEBHOOK_TOLERANCE_SECONDS - 1 }),
        ),
        (secret, id, body, nowMs, skew) => {
          // The sender's stamp is whole seconds; our clock is not: the skew is measured on whole seconds.
          const ts = Math.floor(nowMs / 1000) + skew;
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': String(ts),
            'webhook-signature': signWebhook(secret, id, ts, body),
          };
          expect(rejects(headers, body, [secret], nowMs)).toBe(true);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it('never throws anything but a verification error on arbitrary headers', () => {
    const headerValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.record({ 'webhook-id': headerValue, 'webhook-timestamp': headerValue, 'webhook-signature': headerValue }),
        bodyArb,
        secretArb,
        (headers, body, secret) => {
          expect(rejects(headers as Record<string, string>, body, [secret], Date.now())).toBe(true);
        },
      ),
      { numRuns: runs(300) },
    );
  });
});
