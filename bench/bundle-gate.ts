/**
 * CI gate on the deterministic bench figures: the bytes of every function bundle as synthesized.
 * `npm run bench:gate` (after `npm run synth`) prints one row per function and the issue's targets
 * (API ≤ 250 KB, workers ≤ 300 KB, none over 500 KB; 1 KB = 1,000 bytes), and exits 1 when any
 * bundle is over 500 KB or over its kind's committed budget (`bundleBudgets`, a ratchet). With
 * `--strict` it exits 1 on any missed target as well.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBudgets, bundleTargets, judgeBundles, kb, readFunctionBundles } from './function-bundles.ts';

const args = process.argv.slice(2);
const strict = args.includes('--strict');
const root = fileURLToPath(new URL('..', import.meta.url));
const cdkOut = args.find((arg) => !arg.startsWith('--')) ?? join(root, 'cdk.out');
const bundles = readFunctionBundles(cdkOut);
const targetOf = (kind: string) => (kind === 'api' ? bundleTargets.api : bundleTargets.worker);
const budgetOf = (kind: string) => Math.min(kind === 'api' ? bundleBudgets.api : bundleBudgets.worker, bundleTargets.cap);

const width = Math.max(...bundles.map((b) => b.entry.length));
console.log(`${'function'.padEnd(width)}  kind    ${'bytes'.padStart(9)}  ${'gzip'.padStart(8)}  ${'target'.padEnd(10)}  budget`);
const overBudget = [];
for (const b of bundles) {
  const over = b.bytes > budgetOf(b.kind);
  if (over) overBudget.push(b);
  const mark = over ? '  OVER BUDGET' : b.bytes > targetOf(b.kind) ? '  over target' : '';
  console.log(
    `${b.entry.padEnd(width)}  ${b.kind.padEnd(6)}  ${String(b.bytes).padStart(9)}  ${String(b.gzipBytes).padStart(8)}  ${`≤ ${kb(targetOf(b.kind))}`.padEnd(10)}  ≤ ${kb(budgetOf(b.kind))}${mark}`,
  );
}
const verdicts = judgeBundles(bundles);
console.log('');
for (const v of verdicts) console.log(`${v.met ? 'met   ' : 'MISSED'} ${v.name}: ${v.actual} (target ${v.limit})`);
const missed = verdicts.filter((v) => !v.met);
if (overBudget.length) {
  console.error(
    `\nbundle gate: ${overBudget.map((b) => b.entry).join(', ')} over budget (bench/function-bundles.ts bundleBudgets)`,
  );
  process.exit(1);
}
if (strict && missed.length) {
  console.error(`\nbundle gate (--strict): ${missed.length} target(s) missed`);
  process.exit(1);
}
console.log(
  `\nbundle gate: every bundle within its budget${missed.length ? `; ${missed.length} issue target(s) still missed` : ''}`,
);
