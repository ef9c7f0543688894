/**
 * `npm run bench [-- --quick] [-- --only latency,db-work]`: synthesizes the app when cdk.out is
 * missing or older than the sources, runs the sections in order (bench/sections/index.ts), prints
 * one table per section and a summary of targets met and missed, and writes
 * bench/results/latest.json. Exits non-zero when a section reports a hard failure (e.g. a Scan on a
 * request path) or throws; a missed target is reported, not a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, Cell, SectionResult } from './section.ts';
import { sections } from './sections/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Args {
  quick: boolean;
  only?: string[];
  noSynth: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, noSynth: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-synth') args.noSynth = true;
    else if (arg === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg?.startsWith('--only=')) args.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg} (use --quick, --only <ids>, --no-synth)`);
  }
  return args;
}

/** Newest modification time under the folders the synthesized app is built from. */
function newestSource(paths: string[]): number {
  let newest = 0;
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') walk(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const p of paths) walk(join(root, p));
  return newest;
}

function ensureSynth(cdkOut: string): void {
  const manifest = join(cdkOut, 'manifest.json');
  const sources = newestSource(['infra', 'functions', 'shared', 'config', 'cdk.json', 'package-lock.json']);
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= sources) return;
  console.log(existsSync(manifest) ? 'cdk.out is older than the sources: npm run synth' : 'no cdk.out: npm run synth');
  const result = spawnSync('npm', ['run', 'synth'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run synth failed (${result.status})`);
}

const format = (cell: Cell): string => {
  if (cell === null) return '–';
  if (typeof cell === 'number') {
    if (Number.isInteger(cell)) return cell.toLocaleString('en-GB');
    return Math.abs(cell) >= 100 ? cell.toFixed(0) : Math.abs(cell) >= 10 ? cell.toFixed(1) : cell.toFixed(2);
  }
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return cell;
};

export function renderTable(columns: string[], rows: Record<string, Cell>[]): string {
  const cells = rows.map((row) => columns.map((c) => format(row[c] ?? null)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const numeric = columns.map((c) => rows.every((row) => row[c] === null || row[c] === undefined || typeof row[c] === 'number'));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  return [
    line(columns),
    `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const selected = args.only ? sections.filter((s) => args.only?.includes(s.id)) : sections;
  const unknown = (args.only ?? []).filter((id) => !sections.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${sections.map((s) => s.id).join(', ')}`);

  const cdkOut = join(root, 'cdk.out');
  if (!args.noSynth) ensureSynth(cdkOut);

  const started = new Date();
  const previous = new Map<string, SectionResult>();
  const results: Record<string, SectionResult & { seconds: number }> = {};
  const errors: string[] = [];
  for (const section of selected) {
    const ctx: BenchContext = { root, cdkOut, quick: args.quick, previous };
    console.log(`\n## ${section.title} (${section.id})${args.quick ? ' — quick' : ''}`);
    const t0 = performance.now();
    try {
      const result = await section.run(ctx);
      const seconds = (performance.now() - t0) / 1000;
      previous.set(section.id, result);
      results[section.id] = { ...result, seconds };
      console.log(renderTable(result.columns, result.rows));
      for (const note of result.notes ?? []) console.log(`  · ${note}`);
      for (const t of result.targets) console.log(`  ${t.met ? 'MET   ' : 'MISSED'} ${t.name}: ${t.actual} (target ${t.limit})`);
      for (const f of result.failures ?? []) console.log(`  FAILURE ${f}`);
      console.log(`  (${seconds.toFixed(1)} s)`);
    } catch (error) {
      errors.push(`${section.id}: ${(error as Error).stack ?? error}`);
      console.log(`  ERROR ${(error as Error).stack ?? error}`);
    }
  }

  const targets = Object.entries(results).flatMap(([id, r]) => r.targets.map((t) => ({ section: id, ...t })));
  const failures = Object.entries(results).flatMap(([id, r]) => (r.failures ?? []).map((f) => `${id}: ${f}`));
  console.log('\n## Summary');
  console.log(
    renderTable(
      ['section', 'target', 'limit', 'actual', 'met'],
      targets.map((t) => ({ section: t.section, target: t.name, limit: t.limit, actual: t.actual, met: t.met })),
    ),
  );
  const met = targets.filter((t) => t.met).length;
  console.log(`targets met: ${met} of ${targets.length}; failures: ${failures.length}; errors: ${errors.length}`);
  for (const f of [...failures, ...errors]) console.log(`  ✗ ${f.split('\n')[0]}`);

  const out = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: args.quick,
    only: args.only ?? null,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadavg: loadavg(), node: process.version },
    summary: { targetsMet: met, targets: targets.length, failures, errors: errors.map((e) => e.split('\n')[0]) },
    sections: results,
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const file = join(root, 'bench', 'results', args.quick || args.only ? 'last-partial.json' : 'latest.json');
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${file.slice(root.length + 1)}`);
  return failures.length || errors.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(2);
    },
  );
}
