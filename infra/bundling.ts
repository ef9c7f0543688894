/**
 * What every Lambda bundle is built with beyond NodejsFunction's defaults (infra/constructs/app-function.ts),
 * kept apart from aws-cdk-lib so the bench's levers section (bench/sections/levers.ts) builds the same way.
 */
import { join } from 'node:path';
import { repoRoot } from './load-org.ts';

/** The createRequire shim ESM bundles need for the CommonJS modules esbuild inlines. */
export const esmRequireBanner =
  "import { createRequire as __kithCreateRequire } from 'node:module'; const require = __kithCreateRequire(import.meta.url);";

/** The env-only credential provider that replaces the SDK's default chain in Lambda bundles. */
export const lambdaCredentialsModule = join(repoRoot, 'shared', 'runtime', 'aws', 'lambda-credentials.ts');
