import { randomBytes } from 'node:crypto';
import { jsonFile } from '../shared/adapters/local/json-file.ts';
import type { RotatingSecretStore } from '../shared/ports/operators.ts';

/**
 * The local stack's secrets, made once per data folder and kept in `<data>/secrets.json` (mode
 * 0600): the link-token signing key(s) and the escalation webhook's Standard Webhooks secret.
 * Deployed stacks keep theirs in Secrets Manager.
 */
export interface LocalSecrets {
  /** Signing first, then older keys that still verify. */
  tokenKeys: string[];
  /** `whsec_` + base64 of 24 random bytes. */
  webhookSecret: string;
  /** The webhook secret before the last rotation (`npm run kith -- webhook-secret rotate --local`), still valid. */
  previousWebhookSecret?: string;
}

export function loadLocalSecrets(file: string): LocalSecrets {
  const store = jsonFile<Partial<LocalSecrets>>(file, () => ({}));
  const current = store.read();
  if (!current.tokenKeys?.length || !current.webhookSecret) {
    store.update((s) => {
      if (!s.tokenKeys?.length) s.tokenKeys = [randomBytes(32).toString('base64url')];
      s.webhookSecret ??= `whsec_${randomBytes(24).toString('base64')}`;
    });
  }
  const { tokenKeys, webhookSecret, previousWebhookSecret } = store.read() as LocalSecrets;
  return { tokenKeys: [...tokenKeys], webhookSecret, ...(previousWebhookSecret ? { previousWebhookSecret } : {}) };
}

/** The local webhook secret as a rotating secret (operator CLI). A running stack reads it at start. */
export function localWebhookSecretStore(file: string): RotatingSecretStore {
  return {
    async read() {
      const { webhookSecret, previousWebhookSecret } = loadLocalSecrets(file);
      return previousWebhookSecret ? { current: webhookSecret, previous: previousWebhookSecret } : { current: webhookSecret };
    },
    async write({ current, previous }) {
      loadLocalSecrets(file);
      jsonFile<Partial<LocalSecrets>>(file, () => ({})).update((s) => {
        s.webhookSecret = current;
        if (previous) s.previousWebhookSecret = previous;
        else delete s.previousWebhookSecret;
      });
    },
  };
}
