import { randomBytes } from 'node:crypto';
import { jsonFile } from '../shared/adapters/local/json-file.ts';

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
  const { tokenKeys, webhookSecret } = store.read() as LocalSecrets;
  return { tokenKeys: [...tokenKeys], webhookSecret };
}
