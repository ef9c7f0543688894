import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHmacTokenCodec } from '../../shared/adapters/hmac-token-codec.ts';
import { ExpiredTokenError, InvalidTokenError } from '../../shared/domain/errors.ts';
import type { TokenCodec } from '../../shared/ports/index.ts';
import { propertyConfig } from './fc.ts';

const { runs } = propertyConfig('token-codec');

const START = Date.parse('2026-11-22T10:00:00Z');
const keyArb = fc.string({ minLength: 16, maxLength: 64 });
const purposeArb = fc.constantFrom(
  'confirm-email',
  'manage',
  'checkin',
  'checkin-unsubscribe',
  'book-session',
  'escalation-form',
);
const claimsArb = fc.record({
  purpose: purposeArb,
  subject: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  data: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }), {
    nil: undefined,
  }),
  ttlSeconds: fc.integer({ min: 1, max: 400 * 86_400 }),
});

function codecAt(keys: readonly string[], nowMs = START) {
  const clock = { now: () => new Date(nowMs) };
  return { clock, codec: createHmacTokenCodec({ clock, keys: async () => keys }) };
}

/** The codec's verdict: 'ok', 'invalid' or 'expired'; anything else thrown is a bug (a 500). */
async function verdict(codec: TokenCodec, token: string, purpose: string): Promise<'ok' | 'invalid' | 'expired'> {
  try {
    await codec.verify(token, purpose);
    return 'ok';
  } catch (error) {
    if (error instanceof InvalidTokenError) return 'invalid';
    if (error instanceof ExpiredTokenError) return 'expired';
    throw error;
  }
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/%~ ';

describe('HMAC token codec (properties)', () => {
  it('round-trips purpose, subject and data until it expires', async () => {
    await fc.assert(
      fc.asyncProperty(keyArb, claimsArb, async (key, { purpose, subject, data, ttlSeconds }) => {
        const { clock, codec } = codecAt([key]);
        const token = await codec.sign({ purpose, subject, ttlSeconds, ...(data ? { data } : {}) });
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/); // URL-safe as it is
        const claims = await codec.verify(token, purpose);
        expect(claims).toMatchObject({ purpose, subject, expiresAt: START / 1000 + ttlSeconds });
        expect(claims.data).toEqual(data);
        clock.now = () => new Date(START + ttlSeconds * 1000 - 1);
        expect(await verdict(codec, token, purpose)).toBe('ok');
        clock.now = () => new Date(START + ttlSeconds * 1000);
        expect(await verdict(codec, token, purpose)).toBe('expired');
      }),
      { numRuns: runs(200) },
    );
  });

  it('binds a token to its purpose', async () => {
    await fc.assert(
      fc.asyncProperty(keyArb, claimsArb, purposeArb, async (key, { purpose, subject, ttlSeconds }, other) => {
        fc.pre(other !== purpose);
        const { codec } = codecAt([key]);
        const token = await codec.sign({ purpose, subject, ttlSeconds });
        expect(await verdict(codec, token, other)).toBe('invalid');
      }),
      { numRuns: runs(200) },
    );
  });

  it('rejects every single-character change of a token (all positions, every URL-safe replacement)', async () => {
    await fc.assert(
      fc.asyncProperty(keyArb, claimsArb, async (key, { purpose, subject, data, ttlSeconds }) => {
        const { codec } = codecAt([key]);
        const token = await codec.sign({ purpose, subject, ttlSeconds, ...(data ? { data } : {}) });
        for (let i = 0; i < token.length; i++) {
          for (const c of URL_SAFE) {
            if (c === token[i]) continue;
            const mutated = token.slice(0, i) + c + token.slice(i + 1);
            expect(await verdict(codec, mutated, purpose)).toBe('invalid');
          }
        }
      }),
      { numRuns: runs(3) },
    );
  });

  it('rejects truncations, extensions and arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        keyArb,
        claimsArb,
        fc.string({ unit: 'binary', maxLength: 3000 }),
        fc.nat(),
        async (key, { purpose, subject, ttlSeconds }, junk, cut) => {
          const { codec } = codecAt([key]);
          const token = await codec.sign({ purpose, subject, ttlSeconds });
          const at = cut % token.length;
          expect(await verdict(codec, token.slice(0, at), purpose)).toBe('invalid');
          expect(await verdict(codec, token + (junk.slice(0, 1 + (cut % 5)) || 'A'), purpose)).toBe('invalid');
          expect(await verdict(codec, junk, purpose)).toBe('invalid');
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it('accepts a token from the previous key during a rotation and refuses one from a key it does not hold', async () => {
    await fc.assert(
      fc.asyncProperty(
        keyArb,
        keyArb,
        keyArb,
        claimsArb,
        async (oldKey, newKey, unknownKey, { purpose, subject, ttlSeconds }) => {
          fc.pre(new Set([oldKey, newKey, unknownKey]).size === 3);
          const token = await codecAt([oldKey]).codec.sign({ purpose, subject, ttlSeconds });
          expect(await verdict(codecAt([newKey, oldKey]).codec, token, purpose)).toBe('ok');
          expect(await verdict(codecAt([newKey]).codec, token, purpose)).toBe('invalid');
          const forged = await codecAt([unknownKey]).codec.sign({ purpose, subject, ttlSeconds });
          expect(await verdict(codecAt([newKey, oldKey]).codec, forged, purpose)).toBe('invalid');
          // The current key signs: a new token verifies without the previous key.
          const fresh = await codecAt([newKey, oldKey]).codec.sign({ purpose, subject, ttlSeconds });
          expect(await verdict(codecAt([newKey]).codec, fresh, purpose)).toBe('ok');
        },
      ),
      { numRuns: runs(150) },
    );
  });
});
