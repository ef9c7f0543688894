import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { lambdaBuildOptions } from '../../infra/bundling.ts';
import type { BenchSection, Cell } from '../section.ts';
import { coldImports, lambdaNode, median, round } from '../support/cold-import.ts';
import { literalTraitKeys } from '../support/literal-trait-keys.ts';

/** One API function and one worker, the largest of each kind's usual shape. */
const subjects = [
  { name: 'checkins/answer-checkin', kind: 'api' },
  { name: 'platform/fire-timer', kind: 'worker' },
] as const;

interface Lever {
  id: string;
  /** What the variant changes, against the build as deployed. */
  change: string;
  options?: (base: BuildOptions) => BuildOptions;
  /** A generated entry instead of the function module (the function module's path is given). */
  entry?: (functionModule: string, root: string) => string;
}

const without = (alias: Record<string, string> | undefined, name: string) =>
  Object.fromEntries(Object.entries(alias ?? {}).filter(([from]) => from !== name));

const levers: Lever[] = [
  { id: 'as deployed', change: '-' },
  {
    id: 'SDK credential chain',
    change: 'without the env-only credentials alias: the SDK default chain (SSO, ini files, IMDS, STS)',
    options: (base) => ({ ...base, alias: without(base.alias, '@aws-sdk/credential-provider-node') }),
  },
  {
    id: 'SDK event-stream code',
    change: "without the event-streams alias: the SDK's event-stream support, which no kith call uses",
    options: (base) => ({ ...base, alias: without(base.alias, '@smithy/core/event-streams') }),
  },
  {
    id: 'SDK endpoint cache',
    change: "without the endpoint-cache alias: the DynamoDB client's endpoint cache on mnemonist's LRU",
    options: (base) => ({ ...base, alias: without(base.alias, '@aws-sdk/endpoint-cache') }),
  },
  {
    id: 'one composition root',
    change: 'every port through shared/runtime/aws-deps.ts instead of the function’s own providers',
    entry: (functionModule, root) =>
      `import { makeHandler } from ${JSON.stringify(functionModule)};\nimport { awsDeps } from ${JSON.stringify(join(root, 'shared/runtime/aws-deps.ts'))};\nexport const handler = makeHandler(awsDeps());\n`,
  },
  {
    id: 'mainFields default',
    change: "esbuild's default for Node (main before module): the SDK's CommonJS builds",
    options: (base) => ({ ...base, mainFields: ['main', 'module'] }),
  },
  { id: 'not minified', change: 'minify off', options: (base) => ({ ...base, minify: false }) },
  {
    id: 'SDK not bundled',
    change: "@aws-sdk/* left to the runtime's copy (loaded from node_modules here)",
    options: (base) => ({ ...base, external: ['@aws-sdk/*'] }),
  },
  {
    id: 'SDK schemas tree-shaken',
    change:
      "the SDK's generated schemas with literal trait keys, as the proposed upstream fix writes them (smithy-typescript#1889; not deployed: it waits for the SDK)",
    options: (base) => ({ ...base, plugins: [...(base.plugins ?? []), literalTraitKeys] }),
  },
  {
    id: 'zod classic',
    change: "'zod/mini' resolved to classic 'zod' (same call sites: classic exports every mini function)",
    options: (base) => ({ ...base, alias: { ...base.alias, 'zod/mini': 'zod' } }),
  },
];

/**
 * What each bundling lever buys: the two representative functions built with esbuild exactly as
 * AppFunction builds them (infra/bundling.ts), then once per lever with that one thing changed;
 * bytes, gzip and cold-import init over an empty module, measured in the same run.
 */
export const leversSection: BenchSection = {
  id: 'levers',
  title: 'Levers: one bundling choice changed at a time (esbuild, as AppFunction builds)',
  async run(ctx) {
    // Under node_modules so a bundle that leaves the SDK out resolves it, as Lambda's runtime would.
    const outDir = join(ctx.root, 'node_modules', '.cache', 'kith-bench-levers');
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    try {
      const org = readFileSync(join(ctx.root, 'config', 'orgs', 'example.json'), 'utf8');
      const base = lambdaBuildOptions(JSON.parse(org));
      const built: { subject: (typeof subjects)[number]; lever: Lever; file: string; bytes: number; gzip: number }[] = [];
      for (const subject of subjects) {
        const functionModule = join(ctx.root, 'functions', `${subject.name}.ts`);
        for (const lever of levers) {
          const slug = `${subject.name.replace('/', '-')}--${lever.id.replace(/[^a-z0-9]+/gi, '-')}`;
          let entry = functionModule;
          if (lever.entry) {
            entry = join(outDir, `${slug}.entry.ts`);
            writeFileSync(entry, lever.entry(functionModule, ctx.root));
          }
          const file = join(outDir, `${slug}.mjs`);
          const options = lever.options ? lever.options(base) : base;
          await build({ ...options, entryPoints: [entry], outfile: file });
          const code = readFileSync(file);
          built.push({ subject, lever, file, bytes: statSync(file).size, gzip: gzipSync(code, { level: 9 }).length });
        }
      }
      const empty = join(outDir, 'empty.mjs');
      writeFileSync(empty, 'export {};\n');
      const samples = ctx.quick ? 5 : 20;
      const [floor, ...measured] = await coldImports(lambdaNode(ctx.root), [empty, ...built.map((b) => b.file)], samples);
      const floorMs = median(floor!.map((s) => s.importMs));
      const floorCpu = median(floor!.map((s) => s.cpuMs));
      const failures: string[] = [];
      const initOf = new Map<string, { ms: number; cpu: number }>();
      built.forEach((b, i) => {
        const runs = measured[i]!;
        const error = runs.find((s) => s.error)?.error;
        if (error) failures.push(`${b.subject.name} (${b.lever.id}) throws at import: ${error.split('\n')[0]}`);
        initOf.set(b.file, {
          ms: median(runs.map((s) => s.importMs)) - floorMs,
          cpu: median(runs.map((s) => s.cpuMs)) - floorCpu,
        });
      });
      const rows: Record<string, Cell>[] = built.map((b) => {
        const deployed = built.find((d) => d.subject === b.subject && d.lever.id === 'as deployed')!;
        const init = initOf.get(b.file);
        const deployedInit = initOf.get(deployed.file)!;
        return {
          function: b.subject.name,
          lever: b.lever.id,
          change: b.lever.change,
          bytes: b.bytes,
          'Δ bytes': b.bytes - deployed.bytes,
          gzip: b.gzip,
          'init over floor ms': init ? round(init.ms) : null,
          'Δ init ms': init ? round(init.ms - deployedInit.ms) : null,
          'Δ CPU ms': init ? round(init.cpu - deployedInit.cpu) : null,
        };
      });
      return {
        title: this.title,
        columns: ['function', 'lever', 'bytes', 'Δ bytes', 'gzip', 'init over floor ms', 'Δ init ms', 'Δ CPU ms'],
        rows,
        targets: [],
        notes: [
          ...levers.slice(1).map((l) => `${l.id}: ${l.change}.`),
          `Δ against "as deployed" of the same function; init is the median of ${samples} cold imports each (Node 24, interleaved with an empty module's, floor ${round(floorMs)} ms). "SDK not bundled" loads the SDK from node_modules, as Lambda loads its own copy from /var/runtime.`,
        ],
        data: rows,
        ...(failures.length ? { failures } : {}),
      };
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  },
};
