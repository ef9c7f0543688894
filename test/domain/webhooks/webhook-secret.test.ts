import { describe, expect, it } from 'vitest';
import {
  formatWebhookSecret,
  newWebhookSecret,
  rotate,
  webhookSigningKey,
} from '../../../shared/domain/webhooks/webhook-secret.ts';

describe('webhook secrets', () => {
  it('makes whsec_ + base64 of 32 random bytes, different every time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSigningKey(a)).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('accepts the bare 44-character value Secrets Manager generates at deploy, and shows it with the prefix', () => {
    const generated = 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k';
    expect(generated).toHaveLength(44);
    expect(formatWebhookSecret(generated)).toBe(`whsec_${generated}`);
    expect(webhookSigningKey(generated)).toEqual(webhookSigningKey(`whsec_${generated}`));
    expect(webhookSigningKey(generated)).toHaveLength(33);
  });

  it('refuses a key too short to be a secret', () => {
    expect(() => webhookSigningKey('whsec_c2hvcnQ=')).toThrow(/too short/);
  });

  it('a rotation keeps the replaced secret as previous and drops the older one', () => {
    expect(rotate({ current: 'b', previous: 'a' }, 'c')).toEqual({ current: 'c', previous: 'b' });
  });
});
