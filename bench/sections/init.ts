import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envNames } from '../../shared/runtime/env.ts';
import { type FunctionBundle, readFunctionBundles } from '../function-bundles.ts';
import type { BenchSection } from '../section.ts';
import { coldImports, lambdaNode, median, PARALLELISM, round } from '../support/cold-import.ts';

const boundEnv = new Set<string>(Object.values(envNames));

/** Issue 7: init ≤ 35 ms over an empty module's, on these machines. */
const INIT_TARGET_MS = 35;

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
      const bySubject = await coldImports(
        node,
        subjects.map((subject) => subject.file),
        samples,
        nodeOptions,
      );
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
