/**
 * What every Lambda bundle is built with beyond NodejsFunction's defaults (infra/constructs/app-function.ts),
 * kept apart from aws-cdk-lib so the bench's levers section (bench/sections/levers.ts) builds the same way.
 */
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { repoRoot } from './load-org.ts';

/** The createRequire shim ESM bundles need for the CommonJS modules esbuild inlines. */
export const esmRequireBanner =
  "import { createRequire as __kithCreateRequire } from 'node:module'; const require = __kithCreateRequire(import.meta.url);";

/** The env-only credential provider that replaces the SDK's default chain in Lambda bundles. */
export const lambdaCredentialsModule = join(repoRoot, 'shared', 'runtime', 'aws', 'lambda-credentials.ts');

/** The stand-in for the SDK's event-stream code, which none of kith's calls use. */
export const noEventStreamsModule = join(repoRoot, 'shared', 'runtime', 'aws', 'no-event-streams.ts');

/** The SDK's endpoint cache on a plain Map instead of the `mnemonist` LRU (same answers, property-tested). */
export const endpointCacheModule = join(repoRoot, 'shared', 'runtime', 'aws', 'endpoint-cache.ts');

/**
 * Modules swapped for smaller ones in Lambda bundles only (esbuild `alias`), each measured by the
 * bench's levers section and exercised by test/runtime/lambda-bundle.test.ts (a bundle making its
 * real DynamoDB calls): the SDK's default credential chain for the environment-only link Lambda
 * uses; the SDK's event-stream support for a stand-in that refuses (no kith call streams); the
 * DynamoDB client's endpoint cache for the same cache on a Map.
 */
export const lambdaAliases: Record<string, string> = {
  '@aws-sdk/credential-provider-node': lambdaCredentialsModule,
  '@smithy/core/event-streams': noEventStreamsModule,
  '@aws-sdk/endpoint-cache': endpointCacheModule,
};

/**
 * The esbuild options AppFunction's bundling props amount to (ESM for Node 24, minified, the SDK's
 * ES modules, the org config defined in, the Lambda-only aliases), for building a function outside
 * CDK exactly as it deploys: the bench's levers and the bundled-function test.
 */
export function lambdaBuildOptions(org: unknown): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: esmRequireBanner },
    define: { 'process.env.KITH_ORG_JSON': JSON.stringify(JSON.stringify(org)) },
    alias: lambdaAliases,
    logLevel: 'silent',
  };
}
