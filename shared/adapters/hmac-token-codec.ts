import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ExpiredTokenError, InvalidTokenError } from '../domain/errors.ts';
import type { Clock, TokenClaims, TokenCodec } from '../ports/index.ts';

/**
 * Signed link tokens: base64url(JSON claims) "." base64url(HMAC-SHA256). The purpose, subject,
 * expiry and a random nonce are inside the MAC. Verification accepts any of the given keys (the
 * first signs), so a rotation keeps old links working during the overlap.
 */
export function createHmacTokenCodec(deps: { clock: Clock; keys: () => Promise<readonly string[]> }): TokenCodec {
  const mac = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    async sign({ purpose, subject, data, ttlSeconds }) {
      const [key] = await deps.keys();
      if (!key) throw new Error('No token signing key');
      const claims: TokenClaims = {
        purpose,
        subject,
        nonce: randomBytes(12).toString('base64url'),
        expiresAt: Math.floor(deps.clock.now().getTime() / 1000) + ttlSeconds,
        ...(data ? { data } : {}),
      };
      const payload = Buffer.from(JSON.stringify(compact(claims))).toString('base64url');
      return `${payload}.${mac(key, payload).toString('base64url')}`;
    },
    async verify(token, purpose) {
      const parts = typeof token === 'string' ? token.split('.') : [];
      if (parts.length !== 2 || !parts[0] || !parts[1] || token.length > 2048) {
        throw new InvalidTokenError('This link is not valid.');
      }
      const [payload, signature] = parts as [string, string];
      const given = Buffer.from(signature, 'base64url');
      const keys = await deps.keys();
      // Fixed-length digests on both sides, so timingSafeEqual cannot throw on length.
      const valid = given.length === 32 && keys.some((key) => timingSafeEqual(mac(key, payload), given));
      if (!valid || Buffer.from(given).toString('base64url') !== signature)
        throw new InvalidTokenError('This link is not valid.');
      let claims: TokenClaims;
      try {
        claims = expand(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      } catch {
        throw new InvalidTokenError('This link is not valid.');
      }
      if (claims.purpose !== purpose) throw new InvalidTokenError('This link is not valid here.');
      if (claims.expiresAt * 1000 <= deps.clock.now().getTime()) throw new ExpiredTokenError('This link has expired.');
      return claims;
    },
  };
}

interface Compact {
  p: string;
  s: string;
  n: string;
  x: number;
  d?: Record<string, string>;
}

function compact(c: TokenClaims): Compact {
  return { p: c.purpose, s: c.subject, n: c.nonce, x: c.expiresAt, ...(c.data ? { d: c.data } : {}) };
}

function expand(c: unknown): TokenClaims {
  const v = c as Compact;
  if (typeof v?.p !== 'string' || typeof v.s !== 'string' || typeof v.n !== 'string' || typeof v.x !== 'number') {
    throw new Error('bad claims');
  }
  return { purpose: v.p, subject: v.s, nonce: v.n, expiresAt: v.x, ...(v.d ? { data: v.d } : {}) };
}
