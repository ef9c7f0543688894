/**
 * The functions as synthesized: every AWS::Lambda::Function of the cloud assembly's template, its
 * bundle (`cdk.out/<aws:asset:path>/index.mjs`), the functions/ entry it was built from and whether
 * it serves HTTP (an entry of `httpRoutes`) or is a worker (queue, stream, timer consumer).
 * Read by the bundles and init sections and by the CI gate (bench/bundle-gate.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { httpRoutes } from '../functions/routes.ts';

export type FunctionKind = 'api' | 'worker' | 'other';

export interface FunctionBundle {
  logicalId: string;
  /** Module under functions/ (from the function's description, `kith <org>: <entry>`), or the logical id. */
  entry: string;
  kind: FunctionKind;
  /** The code Lambda loads (the handler's module). */
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Source maps shipped beside it: not loaded at init, so not part of the size. */
  mapBytes: number;
}

/** Targets of issue 7, in bytes (1 KB = 1,000 bytes). */
export const bundleTargets = { api: 250_000, worker: 300_000, cap: 500_000 } as const;

/**
 * What the CI gate holds the build to today: the largest bundle of each kind as measured when this
 * was last lowered, plus about 2.5% (a ratchet: lower it with every saving, never raise it without
 * a reason in the commit). The API and worker targets above are still missed; `bench:gate --strict`
 * enforces them. The 500 KB cap is enforced.
 */
// Lowered 440 → 388 KB (API) and 480 → 424 KB (workers) when the schemas moved to zod/mini
// (−59 to −64 KB a bundle), then 388 → 360 KB and 424 → 397 KB with the stand-ins for the SDK's
// event-stream code and endpoint cache (−21 to −27 KB a bundle). The largest API bundle is
// dashboard/sign-in, the one API function that sends email itself (the SES v2 client is ~60 KB).
export const bundleBudgets = { api: 360_000, worker: 397_000 } as const;

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties?: { Description?: unknown; Handler?: unknown };
}

/** The stack templates of a cloud assembly (one per org stack). */
export function templates(cdkOut: string): string[] {
  if (!existsSync(cdkOut)) throw new Error(`${cdkOut} does not exist: run \`npm run synth\` first`);
  return readdirSync(cdkOut)
    .filter((name) => name.endsWith('.template.json'))
    .map((name) => join(cdkOut, name));
}

export function readFunctionBundles(cdkOut: string): FunctionBundle[] {
  const apiEntries = new Set(httpRoutes.map((route) => route.entry));
  const bundles: FunctionBundle[] = [];
  const files = templates(cdkOut);
  if (files.length === 0) throw new Error(`No template in ${cdkOut}: run \`npm run synth\` first`);
  for (const templateFile of files) {
    const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { Resources?: Record<string, TemplateResource> };
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string') continue; // inline code: nothing bundled
      const handler = typeof resource.Properties?.Handler === 'string' ? resource.Properties.Handler : 'index.handler';
      const moduleName = handler.slice(0, handler.lastIndexOf('.'));
      const dir = join(cdkOut, assetPath);
      const file = ['.mjs', '.js', '.cjs'].map((ext) => join(dir, moduleName + ext)).find((path) => existsSync(path));
      if (!file) throw new Error(`${logicalId}: no ${moduleName}.mjs/.js in ${dir}`);
      const description = typeof resource.Properties?.Description === 'string' ? resource.Properties.Description : '';
      const entry = /^kith [^:]+: (.+)$/.exec(description)?.[1] ?? logicalId;
      const code = readFileSync(file);
      bundles.push({
        logicalId,
        entry,
        kind: apiEntries.has(entry) ? 'api' : entry === logicalId ? 'other' : 'worker',
        file,
        bytes: code.length,
        gzipBytes: gzipSync(code, { level: 9 }).length,
        mapBytes: readdirSync(dir)
          .filter((name) => name.endsWith('.map'))
          .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0),
      });
    }
  }
  // One row per bundle: two org stacks of the same code would repeat every entry.
  const seen = new Set<string>();
  return bundles
    .filter((bundle) => !seen.has(bundle.entry) && seen.add(bundle.entry))
    .sort((a, b) => a.kind.localeCompare(b.kind) || b.bytes - a.bytes);
}

export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

export interface BundleVerdict {
  name: string;
  limit: string;
  actual: string;
  met: boolean;
  /** The bundles that miss it. */
  over: FunctionBundle[];
}

/** The three bundle-size targets, each with the largest bundle it covers. */
export function judgeBundles(bundles: readonly FunctionBundle[]): BundleVerdict[] {
  const verdict = (name: string, limit: number, covered: readonly FunctionBundle[]): BundleVerdict => {
    const largest = covered.reduce<FunctionBundle | undefined>((max, b) => (max && max.bytes >= b.bytes ? max : b), undefined);
    const over = covered.filter((b) => b.bytes > limit);
    return {
      name,
      limit: `≤ ${kb(limit)}`,
      actual: largest ? `${kb(largest.bytes)} (${largest.entry})` : 'none',
      met: over.length === 0,
      over,
    };
  };
  return [
    verdict(
      'largest API function bundle',
      bundleTargets.api,
      bundles.filter((b) => b.kind === 'api'),
    ),
    verdict(
      'largest worker bundle',
      bundleTargets.worker,
      bundles.filter((b) => b.kind !== 'api'),
    ),
    verdict('largest bundle of any function', bundleTargets.cap, bundles),
  ];
}
