/**
 * Cold imports of ES modules, each in a fresh Node process, timed inside it: what Lambda's INIT
 * does with a bundle (module loading and top-level evaluation). Used by the init and levers sections.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Two cores, shared: never more children at once. */
export const PARALLELISM = 2;

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

export interface Sample {
  importMs: number;
  /** CPU time of the process during the import (all threads): much less sensitive to machine load. */
  cpuMs: number;
  wallMs: number;
  envRead: string[];
  error?: string;
}

/** The Node that runs the functions (nodejs24.x): this one if it is 24, else the repository's `node` package. */
export function lambdaNode(root: string): string {
  if (process.versions.node.startsWith('24.')) return process.execPath;
  const local = join(root, 'node_modules', '.bin', 'node');
  if (existsSync(local)) return local;
  throw new Error(`Node 24 not found (this is ${process.version}; npm ci installs it under node_modules/.bin)`);
}

export function importOnce(node: string, file: string, nodeOptions: string): Promise<Sample> {
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

export async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
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

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
export const round = (ms: number) => Math.round(ms * 10) / 10;

export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * N cold imports of each file, interleaved in random order so machine load hits all alike, after two
 * uncounted warm-up imports of the first file (disk cache, the Node binary). Returns the samples of
 * each file, in the order given.
 */
export async function coldImports(node: string, files: string[], samples: number, nodeOptions = ''): Promise<Sample[][]> {
  await pool(
    [0, 1].map(() => () => importOnce(node, files[0]!, nodeOptions)),
    PARALLELISM,
  );
  const jobs: { subject: number; run: () => Promise<Sample> }[] = [];
  for (let round = 0; round < samples; round++) {
    for (const subject of shuffle(files.map((_, i) => i))) {
      jobs.push({ subject, run: () => importOnce(node, files[subject]!, nodeOptions) });
    }
  }
  const results = await pool(
    jobs.map((job) => job.run),
    PARALLELISM,
  );
  return files.map((_, i) => results.filter((_, j) => jobs[j]!.subject === i));
}
