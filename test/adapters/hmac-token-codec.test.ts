import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHmacTokenCodec } from '../../shared/adapters/hmac-token-codec.ts';
import { ExpiredTokenError, InvalidTokenError } from '../../shared/domain/errors.ts';

const at = (iso: string) => ({ now: () => new Date(iso) });

describe('HMAC token codec', () => {
  const keys = async () => ['key-current-0123456789abcdef'];

  it('round-trips purpose, subject and data', async () => {
    const codec = createHmacTokenCodec({ clock: at('2026-11-22T10:00:00Z'), keys });
    const token = await codec.sign({ purpose: 'confirm-email', subject: 'M1', data: { g: 'G1' }, ttlSeconds: 3600 });
    const claims = await codec.verify(token, 'confirm-email');
    expect(claims).toMatchObject({ purpose: 'confirm-email', subject: 'M1', data: { g: 'G1' } });
    expect(claims.expiresAt).toBe(Date.parse('2026-11-22T11:00:00Z') / 1000);
  });

  it('refuses a token made for another purpose', async () => {
    const codec = createHmacTokenCodec({ clock: at('2026-11-22T10:00:00Z'), keys });
    const token = await codec.sign({ purpose: 'confirm-email', subject: 'M1', ttlSeconds: 3600 });
    await expect(codec.verify(token, 'manage')).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an expired token as expired, not as forged', async () => {
    const clock = { now: () => new Date('2026-11-22T10:00:00Z') };
    const codec = createHmacTokenCodec({ clock, keys });
    const token = await codec.sign({ purpose: 'p', subject: 's', ttlSeconds: 60 });
    clock.now = () => new Date('2026-11-22T10:01:00Z');
    await expect(codec.verify(token, 'p')).rejects.toBeInstanceOf(ExpiredTokenError);
  });

  it('verifies with the previous key during a rotation and signs with the current one', async () => {
    const old = createHmacTokenCodec({ clock: at('2026-11-22T10:00:00Z'), keys: async () => ['old-key'] });
    const rotated = createHmacTokenCodec({ clock: at('2026-11-22T10:00:00Z'), keys: async () => ['new-key', 'old-key'] });
    const afterOverlap = createHmacTokenCodec({ clock: at('2026-11-22T10:00:00Z'), keys: async () => ['new-key'] });
    const oldToken = await old.sign({ purpose: 'p', subject: 's', ttlSeconds: 60 });
    await expect(rotated.verify(oldToken, 'p')).resolves.toMatchObject({ subject: 's' });
    await expect(afterOverlap.verify(oldToken, 'p')).rejects.toBeInstanceOf(InvalidTokenError);
    const newToken = await rotated.sign({ purpose: 'p', subject: 's', ttlSeconds: 60 });
    await expect(afterOverlap.verify(newToken, 'p')).resolves.toMatchObject({ subject: 's' });
  });

  it('rejects every single-character change of a token (property, seeded)', async () => {
    const codec = createHmacTokenCodec({ clock: at('2026-11-22T10:00:00Z'), keys });
    const token = await codec.sign({ purpose: 'p', subject: 'member-1', ttlSeconds: 3600 });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(fc.nat(token.length - 1), fc.constantFrom(...alphabet), async (index, replacement) => {
        fc.pre(token[index] !== replacement);
        const mutated = token.slice(0, index) + replacement + token.slice(index + 1);
        await expect(codec.verify(mutated, 'p')).rejects.toBeInstanceOf(InvalidTokenError);
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });

  it('rejects junk without throwing anything but InvalidTokenError', async () => {
    const codec = createHmacTokenCodec({ clock: at('2026-11-22T10:00:00Z'), keys });
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (junk) => {
        await expect(codec.verify(junk, 'p')).rejects.toBeInstanceOf(InvalidTokenError);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
