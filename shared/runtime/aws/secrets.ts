import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretKeys } from '../../adapters/aws/secrets.ts';
import { createHmacTokenCodec } from '../../adapters/hmac-token-codec.ts';
import { systemClock } from '../../adapters/ids.ts';
import type { Deps } from '../../ports/index.ts';
import { envNames, requireEnv } from '../env.ts';
import { normaliseWebhookSecret } from '../standard-webhooks.ts';
import { once } from './compose.ts';

/** Providers backed by Secrets Manager: the link-signing key and the escalation webhook's secret. */

const secretsClient = /* @__PURE__ */ once(() => new SecretsManagerClient({}));

export const tokens = (): Deps['tokens'] =>
  createHmacTokenCodec({
    clock: systemClock,
    keys: createSecretKeys(secretsClient(), requireEnv(envNames.tokenSecretArn)),
  });

export const webhookSecrets = (): Deps['webhookSecrets'] => {
  const keys = createSecretKeys(secretsClient(), requireEnv(envNames.webhookSecretArn));
  return { keys: async () => (await keys()).map(normaliseWebhookSecret) };
};
