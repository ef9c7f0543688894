import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Reads a secret holding `{ "current": "…", "previous"?: "…" }` (or a bare string), cached for
 * five minutes, so a rotation reaches every warm function within minutes while both keys verify.
 */
export function createSecretKeys(client: SecretsManagerClient, secretId: string, ttlMs = 5 * 60_000) {
  let cached: { keys: string[]; at: number } | undefined;
  let inflight: Promise<string[]> | undefined;
  return async (): Promise<string[]> => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.keys;
    inflight ??= client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((out) => {
        const keys = parseSecretKeys(out.SecretString ?? '');
        cached = { keys, at: Date.now() };
        return keys;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
}

export function parseSecretKeys(value: string): string[] {
  try {
    const parsed = JSON.parse(value) as { current?: string; previous?: string };
    const keys = [parsed.current, parsed.previous].filter((k): k is string => typeof k === 'string' && k.length > 0);
    if (keys.length) return keys;
  } catch {
    // a bare string secret
  }
  if (!value) throw new Error('The secret is empty');
  return [value];
}
