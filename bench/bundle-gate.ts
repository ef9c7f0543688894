/**
 * CI gate on the deterministic bench figures: the bytes of every function bundle as synthesized.
 * `npm run bench:gate` (after `npm run synth`) prints one row per function and exits 1 when any
 * bundle misses its target (API ≤ 250 KB, workers ≤ 300 KB, none over 500 KB; 1 KB = 1,000 bytes).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTargets, judgeBundles, kb, readFunctionBundles } from './function-bundles.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const cdkOut = process.argv[2] ?? join(root, 'cdk.out');
const bundles = readFunctionBundles(cdkOut);
const limitOf = (kind: string) => (kind === 'api' ? bundleTargets.api : bundleTargets.worker);

const width = Math.max(...bundles.map((b) => b.entry.length));
console.log(`${'function'.padEnd(width)}  kind    ${'bytes'.padStart(9)}  ${'gzip'.padStart(8)}  target`);
for (const b of bundles) {
  const ok = b.bytes <= limitOf(b.kind) && b.bytes <= bundleTargets.cap;
  console.log(
    `${b.entry.padEnd(width)}  ${b.kind.padEnd(6)}  ${String(b.bytes).padStart(9)}  ${String(b.gzipBytes).padStart(8)}  ≤ ${kb(limitOf(b.kind))}${ok ? '' : '  OVER'}`,
  );
}
const verdicts = judgeBundles(bundles);
console.log('');
for (const v of verdicts) console.log(`${v.met ? 'met   ' : 'MISSED'} ${v.name}: ${v.actual} (target ${v.limit})`);
if (verdicts.some((v) => !v.met)) {
  console.error(`\nbundle gate: ${verdicts.filter((v) => !v.met).length} target(s) missed`);
  process.exit(1);
}
