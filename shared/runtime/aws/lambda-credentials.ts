/**
 * The AWS SDK's default credential provider, as deployed functions need it: Lambda puts the
 * function role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN,
 * which is the first link of the SDK's own chain (`fromEnv`). The rest of that chain (SSO, ini
 * files, web identity, container and instance metadata, and the STS/SSO clients behind them) can
 * never be reached in Lambda, yet is about 90 KB of every bundle.
 *
 * Used ONLY in the Lambda build: infra/constructs/app-function.ts aliases
 * `@aws-sdk/credential-provider-node` to this module for esbuild. Tests, the local stack and the
 * CLI run from source with the real chain (profiles, SSO).
 */

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Same signature as `@aws-sdk/credential-provider-node`'s `defaultProvider` (the clients pass their config). */
export const defaultProvider = (_init?: unknown) => async (): Promise<Credentials> => {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): Lambda always sets them');
  }
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  const expiration = process.env.AWS_CREDENTIAL_EXPIRATION;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
};

export const credentialsWillNeedRefresh = (credentials?: Credentials) => credentials?.expiration !== undefined;

export const credentialsTreatedAsExpired = (credentials?: Credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
