import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WebhookVerificationError } from '../../shared/runtime/standard-webhooks.ts';

/**
 * The `standardwebhooks` package (the spec's reference implementation) as the sender, and as the
 * receiver of what we sign: both directions must agree, so a form tool using any conforming
 * library is accepted, and nothing it would reject is accepted by us.
 */
const secret = `whsec_${Buffer.from('kith-reference-secret-32-bytes!!').toString('base64')}`;
const body = JSON.stringify({ facilitatorEmail: 'fi@example.org', category: 'self_harm', urgency: 'immediate', summary: 's' });

function referenceHeaders(id: string, at: Date, payload: string, signingSecret = secret) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(signingSecret).sign(id, at, payload),
  };
}

describe('Standard Webhooks against the reference library', () => {
  it('verifies what the reference sender signs', () => {
    const at = new Date();
    const verified = verifyWebhook(referenceHeaders('msg_ref_1', at, body), body, [secret]);
    expect(verified.id).toBe('msg_ref_1');
  });

  it('signs what the reference receiver verifies', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_ref_2',
      'webhook-timestamp': String(now),
      'webhook-signature': signWebhook(secret, 'msg_ref_2', now, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('rejects a reference-signed delivery whose body was changed by one character', () => {
    const headers = referenceHeaders('msg_ref_3', new Date(), body);
    const tampered = body.replace('self_harm', 'self_harn');
    expect(() => verifyWebhook(headers, tampered, [secret])).toThrow(WebhookVerificationError);
  });

  it('rejects a reference-signed delivery made with another secret, and accepts it with the previous secret kept for rotation', () => {
    const old = `whsec_${Buffer.from('an-older-secret-also-32-bytes!!!').toString('base64')}`;
    const headers = referenceHeaders('msg_ref_4', new Date(), body, old);
    expect(() => verifyWebhook(headers, body, [secret])).toThrow(WebhookVerificationError);
    expect(verifyWebhook(headers, body, [secret, old]).id).toBe('msg_ref_4');
  });

  it('rejects reference-signed deliveries more than five minutes old or ahead', () => {
    for (const offsetMs of [-6 * 60_000, 6 * 60_000]) {
      const headers = referenceHeaders('msg_ref_5', new Date(Date.now() + offsetMs), body);
      expect(() => verifyWebhook(headers, body, [secret])).toThrow(WebhookVerificationError);
    }
  });
});
