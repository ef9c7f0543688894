import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeWebhookSecret,
  normaliseWebhookSecret,
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
} from '../../shared/runtime/standard-webhooks.ts';

/**
 * Vectors computed independently of the module under test, straight from the Standard Webhooks
 * spec: base64(HMAC-SHA256(base64decode(secret without "whsec_"), `${id}.${timestamp}.${body}`)).
 * (standard-webhooks-reference.test.ts checks both directions against the `standardwebhooks` package.)
 */
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = `whsec_${Buffer.from('another-secret-of-24-byte').toString('base64')}`;
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const NOW_MS = 1_700_000_000_000;
const TS = String(NOW_MS / 1000);
const BODY = '{"test": 2432232314}';

function specSignature(secret: string, id: string, ts: string, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
}

const headers = (over: Record<string, string | undefined> = {}) => ({
  'webhook-id': ID,
  'webhook-timestamp': TS,
  'webhook-signature': specSignature(SECRET, ID, TS, BODY),
  ...over,
});

function rejection(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('verifyWebhook', () => {
  it('accepts a signature made per the spec and returns the id and timestamp', () => {
    expect(verifyWebhook(headers(), BODY, [SECRET], NOW_MS)).toEqual({ id: ID, timestamp: NOW_MS / 1000 });
  });

  it('signs exactly as the spec does', () => {
    expect(signWebhook(SECRET, ID, NOW_MS / 1000, BODY)).toBe(specSignature(SECRET, ID, TS, BODY));
  });

  it('accepts a list of several signatures when one of them is valid, in any position', () => {
    const wrong = specSignature(OTHER_SECRET, ID, TS, BODY);
    const right = specSignature(SECRET, ID, TS, BODY);
    for (const list of [`${wrong} ${right}`, `${right} ${wrong}`, `v2,abc ${right}`]) {
      expect(verifyWebhook(headers({ 'webhook-signature': list }), BODY, [SECRET], NOW_MS).id).toBe(ID);
    }
  });

  it('accepts the previous secret during a rotation', () => {
    const signedWithOld = headers({ 'webhook-signature': specSignature(OTHER_SECRET, ID, TS, BODY) });
    expect(verifyWebhook(signedWithOld, BODY, [SECRET, OTHER_SECRET], NOW_MS).id).toBe(ID);
    expect(rejection(() => verifyWebhook(signedWithOld, BODY, [SECRET], NOW_MS))).toBe('no_matching_signature');
  });

  it('refuses a tampered body, id or timestamp', () => {
    expect(rejection(() => verifyWebhook(headers(), `${BODY} `, [SECRET], NOW_MS))).toBe('no_matching_signature');
    expect(rejection(() => verifyWebhook(headers({ 'webhook-id': `${ID}x` }), BODY, [SECRET], NOW_MS))).toBe(
      'no_matching_signature',
    );
    const ts = String(NOW_MS / 1000 + 1);
    expect(rejection(() => verifyWebhook(headers({ 'webhook-timestamp': ts }), BODY, [SECRET], NOW_MS))).toBe(
      'no_matching_signature',
    );
  });

  it('refuses a non-canonical spelling of a valid signature (the unused low bits of the last character)', () => {
    // Regression, found by test/properties: 'v1,…8ps=' with its last character 'p' → 'q' decodes to the same 32 bytes.
    const secret = 'whsec_AAAAAAAAAAAAAAAAAAAAAA==';
    const ts = String(NOW_MS / 1000);
    const valid = specSignature(secret, '!', ts, 'null');
    const last = valid.at(-2) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    const mutated = `${valid.slice(0, -2)}${sibling}=`;
    expect(Buffer.from(mutated.slice(3), 'base64')).toEqual(Buffer.from(valid.slice(3), 'base64'));
    const h = { 'webhook-id': '!', 'webhook-timestamp': ts };
    expect(verifyWebhook({ ...h, 'webhook-signature': valid }, 'null', [secret], NOW_MS).id).toBe('!');
    expect(rejection(() => verifyWebhook({ ...h, 'webhook-signature': mutated }, 'null', [secret], NOW_MS))).toBe(
      'no_matching_signature',
    );
  });

  it('refuses a signature made with the wrong secret', () => {
    const signed = headers({ 'webhook-signature': specSignature(OTHER_SECRET, ID, TS, BODY) });
    expect(rejection(() => verifyWebhook(signed, BODY, [SECRET], NOW_MS))).toBe('no_matching_signature');
  });

  it('refuses timestamps more than five minutes old or ahead, and accepts the edges', () => {
    const at = (offsetSeconds: number) => {
      const ts = String(NOW_MS / 1000 + offsetSeconds);
      return () =>
        verifyWebhook(
          headers({ 'webhook-timestamp': ts, 'webhook-signature': specSignature(SECRET, ID, ts, BODY) }),
          BODY,
          [SECRET],
          NOW_MS,
        );
    };
    expect(rejection(at(-301))).toBe('timestamp_too_old');
    expect(rejection(at(301))).toBe('timestamp_too_new');
    expect(rejection(at(-300))).toBeUndefined();
    expect(rejection(at(300))).toBeUndefined();
  });

  it('refuses missing headers', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(
        rejection(() => verifyWebhook(headers({ [name]: undefined }), BODY, [SECRET], NOW_MS)),
        name,
      ).toBe('missing_headers');
    }
  });

  it('validates header formats strictly before any cryptography', () => {
    const sig = specSignature(SECRET, ID, TS, BODY);
    const cases: [Record<string, string>, string][] = [
      [{ 'webhook-timestamp': `${TS}abc` }, 'malformed_timestamp'], // parseInt would accept this
      [{ 'webhook-timestamp': ` ${TS}` }, 'malformed_timestamp'],
      [{ 'webhook-timestamp': `-${TS}` }, 'malformed_timestamp'],
      [{ 'webhook-timestamp': `${TS}.5` }, 'malformed_timestamp'],
      [{ 'webhook-timestamp': '' }, 'malformed_timestamp'],
      [{ 'webhook-id': '' }, 'malformed_id'],
      [{ 'webhook-id': 'has space' }, 'malformed_id'],
      [{ 'webhook-id': 'x'.repeat(257) }, 'malformed_id'],
      [{ 'webhook-signature': '' }, 'malformed_signature'],
      [{ 'webhook-signature': sig.slice(3) }, 'malformed_signature'], // no version
      [{ 'webhook-signature': `${sig}  ${sig}` }, 'malformed_signature'], // double space
      [{ 'webhook-signature': `v1,${'A'.repeat(40)}` }, 'malformed_signature'], // not 32 bytes
      [{ 'webhook-signature': `${sig}\t` }, 'malformed_signature'],
    ];
    for (const [over, reason] of cases) {
      expect(
        rejection(() => verifyWebhook(headers(over), BODY, [SECRET], NOW_MS)),
        JSON.stringify(over),
      ).toBe(reason);
    }
  });

  it('refuses a header with only other signature versions', () => {
    expect(rejection(() => verifyWebhook(headers({ 'webhook-signature': 'v1a,abc v2,def' }), BODY, [SECRET], NOW_MS))).toBe(
      'no_matching_signature',
    );
  });

  it('refuses everything when no secret is configured', () => {
    expect(rejection(() => verifyWebhook(headers(), BODY, [], NOW_MS))).toBe('no_secret');
  });
});

describe('webhook secrets', () => {
  it('decodes whsec_ secrets and refuses other shapes', () => {
    expect(decodeWebhookSecret(SECRET)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
    expect(() => decodeWebhookSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow(/whsec_/);
    expect(() => decodeWebhookSecret('whsec_!!!')).toThrow(/whsec_/);
    expect(() => decodeWebhookSecret('whsec_c2hvcnQ=')).toThrow(/16 bytes/);
  });

  it('adds the prefix to a bare generated secret (Secrets Manager cannot)', () => {
    expect(normaliseWebhookSecret('abcDEF123')).toBe('whsec_abcDEF123');
    expect(normaliseWebhookSecret(SECRET)).toBe(SECRET);
  });
});
