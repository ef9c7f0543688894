import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RotatingSecretStore } from '../../ports/operators.ts';
import { parseSecretKeys } from './secrets.ts';

/** A Secrets Manager secret holding `{ "current": …, "previous"?: … }` (operator CLI only). */
export function createSecretsManagerStore(client: SecretsManagerClient, secretId: string): RotatingSecretStore {
  return {
    async read() {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      const [current, previous] = parseSecretKeys(out.SecretString ?? '');
      if (!current) throw new Error('The secret is empty');
      return previous ? { current, previous } : { current };
    },
    async write(value) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }));
    },
  };
}
