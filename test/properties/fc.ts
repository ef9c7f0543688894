import fc from 'fast-check';
import { vi } from 'vitest';

/**
 * One seed and one run budget for every property of a test file, printed so any run can be
 * replayed: `FC_SEED=<seed> npx vitest run test/properties`. `FC_RUNS` raises the budget for a
 * deep local run (`FC_RUNS=2000 npx vitest run test/properties`); CI keeps the defaults, sized so
 * the whole property suite stays well under a minute on two cores. fast-check itself prints the
 * seed, the path and the shrunk counterexample of a failing property.
 */
export function propertyConfig(file: string): { seed: number; runs: (ciDefault: number) => number } {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() ^ (Math.random() * 0x100000000);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${process.env.FC_SEED}`);
  const scale = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : undefined;
  if (scale !== undefined && !(scale > 0)) throw new Error(`FC_RUNS must be a positive number, got ${process.env.FC_RUNS}`);
  fc.configureGlobal({ seed });
  // A deep run takes as long as it takes; CI's defaults stay within the normal test timeout.
  if (scale) vi.setConfig({ testTimeout: 3_600_000 });
  // Printed on every run (not only on failure), so a flaky CI run can be replayed from its log.
  console.info(`[fast-check] ${file}: seed ${seed}${scale ? `, FC_RUNS ${scale}` : ''} (replay: FC_SEED=${seed})`);
  return { seed, runs: (ciDefault) => scale ?? ciDefault };
}
