import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { envNames } from '../../shared/runtime/env.ts';
import { type FunctionBundle, readFunctionBundles } from '../function-bundles.ts';
import type { BenchSection } from '../section.ts';

const boundEnv = new Set<string>(Object.values(envNames));

/** Issue 7: init ≤ 35 ms over an empty module's, on these machines. */
const INIT_TARGET_MS = 35;
/** Two cores, shared: never more children at once. */
const PARALLELISM = 2;

/**
 * What the child runs: time the import of one module with performance.now() (module loading and
 * top-level evaluation, as Lambda's INIT does), after recording which environment variables the
 * module reads while it loads. Prints one JSON line.
 */
const CHILD = `
const read = new Set();
const env = process.env;
process.env = new Proxy(env, { get(target, key) { if (typeof key === 'string') read.add(key); return target[key]; } });
const c0 = process.cpuUsage();
const t0 = performance.now();
let error;
try { await import(process.argv[1]); } catch (e) { error = String(e && e.stack || e); }
const importMs = performance.now() - t0;
const cpu = process.cpuUsage(c0);
process.env = env;
process.stdout.write(JSON.stringify({ importMs, cpuMs: (cpu.user + cpu.system) / 1000, envRead: [...read], error }));
`;

interface Sample {
  importMs: number;
  /** CPU time of the process during the import (all threads): much less sensitive to machine load. */
  cpuMs: number;
  wallMs: number;
  envRead: string[];
  error?: string;
}

/** The Node that runs the functions (nodejs24.x): this one if it is 24, else the repository's `node` package. */
function lambdaNode(root: string): string {
  if (process.versions.node.startsWith('24.')) return process.execPath;
  const local = join(root, 'node_modules', '.bin', 'node');
  if (existsSync(local)) return local;
  throw new Error(`Node 24 not found (this is ${process.version}; npm ci installs it under node_modules/.bin)`);
}

function importOnce(node: string, file: string, nodeOptions: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // No function environment at all: importing a bundle must need none (the composition root is lazy).
    const child = spawn(node, ['--input-type=module', '-e', CHILD, pathToFileURL(file).href], {
      env: { PATH: process.env.PATH ?? '', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      try {
        const parsed = JSON.parse(out) as Omit<Sample, 'wallMs'>;
        resolve({ ...parsed, wallMs });
      } catch {
        reject(new Error(`import of ${file} exited ${code}: ${err.slice(0, 500)}`));
      }
    });
  });
}

async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (ms: number) => Math.round(ms * 10) / 10;

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Init of every bundle: the median of N cold imports (each in a fresh Node 24 process, timed inside
 * it) minus the median of an empty module's, measured interleaved in the same run, so machine load
 * hits both alike. Children get no function environment at all.
 */
export const init: BenchSection = {
  id: 'init',
  title: 'Init: cold import() of each bundle over an empty module (Node 24)',
  async run(ctx) {
    const samples = ctx.quick ? 5 : 20;
    const node = lambdaNode(ctx.root);
    const bundles = readFunctionBundles(ctx.cdkOut);
    const scratch = mkdtempSync(join(tmpdir(), 'kith-init-'));
    try {
      const empty = join(scratch, 'empty.mjs');
      writeFileSync(empty, 'export {};\n');
      // As deployed: NODE_OPTIONS from the function's environment (AppFunction sets none).
      const nodeOptions = '';
      const subjects: { name: string; file: string; bundle?: FunctionBundle }[] = [
        { name: 'empty module (floor)', file: empty },
        ...bundles.map((bundle) => ({ name: bundle.entry, file: bundle.file, bundle })),
      ];
      // Two warm-up rounds of the floor (disk cache, the Node binary), not counted.
      await pool(
        [0, 1].map(() => () => importOnce(node, empty, nodeOptions)),
        PARALLELISM,
      );
      const jobs: { subject: number; run: () => Promise<Sample> }[] = [];
      for (let round = 0; round < samples; round++) {
        for (const subject of shuffle(subjects.map((_, i) => i))) {
          jobs.push({ subject, run: () => importOnce(node, subjects[subject]!.file, nodeOptions) });
        }
      }
      const results = await pool(
        jobs.map((job) => job.run),
        PARALLELISM,
      );
      const bySubject = subjects.map((_, i) => results.filter((_, j) => jobs[j]!.subject === i));
      const floor = bySubject[0]!;
      const floorImport = median(floor.map((s) => s.importMs));
      const floorWall = median(floor.map((s) => s.wallMs));
      const floorCpu = median(floor.map((s) => s.cpuMs));
      const failures: string[] = [];
      const rows = subjects.map((subject, i) => {
        const runs = bySubject[i]!;
        const errors = runs.filter((s) => s.error);
        if (errors.length) failures.push(`${subject.name} throws at import: ${errors[0]!.error!.split('\n')[0]}`);
        const importMs = median(runs.map((s) => s.importMs));
        const wallMs = median(runs.map((s) => s.wallMs));
        // The variables the bind helpers set (table, secrets, topics, ...) must not be read at import:
        // the composition root is lazy. Others (LOG_LEVEL, Node's own) are reported, not failed.
        const read = [...new Set(runs.flatMap((s) => s.envRead))].filter((name) => name !== 'WATCH_REPORT_DEPENDENCIES');
        const bound = read.filter((name) => boundEnv.has(name) || name.startsWith(envNames.topicArnPrefix));
        if (bound.length)
          failures.push(`${subject.name} reads ${bound.join(', ')} at import (the composition root must be lazy)`);
        const overFloor = importMs - floorImport;
        return {
          function: subject.name,
          kind: subject.bundle?.kind ?? 'floor',
          'import ms (median)': round(importMs),
          'import ms (min)': round(Math.min(...runs.map((s) => s.importMs))),
          'init over floor ms': round(overFloor),
          '× floor (wall)': Math.round((wallMs / floorWall) * 100) / 100,
          'CPU over floor ms': round(median(runs.map((s) => s.cpuMs)) - floorCpu),
          'wall ms (median)': round(wallMs),
          'env read at import': read.join(' ') || '-',
          met: subject.bundle ? overFloor <= INIT_TARGET_MS : null,
        };
      });
      const measured = rows.slice(1);
      const worst = measured.reduce(
        (max, row) => (row['init over floor ms'] > max['init over floor ms'] ? row : max),
        measured[0]!,
      );
      const apiRows = measured.filter((row) => row.kind === 'api');
      const worstApi = apiRows.reduce(
        (max, row) => (row['init over floor ms'] > max['init over floor ms'] ? row : max),
        apiRows[0]!,
      );
      return {
        title: this.title,
        columns: Object.keys(rows[0]!),
        rows,
        targets: [
          {
            name: 'largest init over the floor, API functions',
            limit: `≤ ${INIT_TARGET_MS} ms`,
            actual: worstApi ? `${worstApi['init over floor ms']} ms (${worstApi.function})` : 'none',
            met: apiRows.every((row) => row.met),
          },
          {
            name: 'largest init over the floor, any function',
            limit: `≤ ${INIT_TARGET_MS} ms`,
            actual: worst ? `${worst['init over floor ms']} ms (${worst.function})` : 'none',
            met: measured.every((row) => row.met),
          },
        ],
        notes: [
          `${samples} cold imports per bundle, each in a fresh ${node === process.execPath ? process.version : 'Node 24'} process, interleaved in random order, ${PARALLELISM} at a time; floor: an empty module, import ${round(floorImport)} ms, process wall ${round(floorWall)} ms (medians).`,
          "init over floor = median import() time (performance.now() inside the child) − the floor's; × floor = median process wall time ÷ the floor's; CPU over floor = the same with the child's CPU time (process.cpuUsage, all threads), the figure to compare across runs on a busy machine.",
          'Children run with no function environment (as deployed, without NODE_OPTIONS). Lambda adds its own runtime start (≈ 130 ms) on top.',
        ],
        data: { samples, floor: { importMs: floorImport, wallMs: floorWall, cpuMs: floorCpu }, rows },
        ...(failures.length ? { failures } : {}),
      };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
