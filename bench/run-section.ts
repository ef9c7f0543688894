/**
 * Runs one bench section on its own and prints its table: `node --import tsx bench/run-section.ts levers [--quick]`, for
 * the sections that need no earlier one (not cost).
 * (`npm run bench`, bench/run.ts, runs them all in one run and writes the JSON.)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSection, SectionResult } from './section.ts';
import { sections as all } from './sections/index.ts';

const sections: Record<string, BenchSection> = Object.fromEntries(all.map((section) => [section.id, section]));

export function printSection(result: SectionResult): void {
  console.log(`\n${result.title}`);
  console.table(result.rows, result.columns);
  for (const target of result.targets) {
    console.log(`${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${target.actual} (target ${target.limit})`);
  }
  for (const note of result.notes ?? []) console.log(`  ${note}`);
  for (const failure of result.failures ?? []) console.log(`FAILURE ${failure}`);
}

const [id, ...flags] = process.argv.slice(2);
const section = id ? sections[id] : undefined;
if (!section) {
  console.error(`usage: bench/run-section.ts <${Object.keys(sections).join('|')}> [--quick]`);
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const result = await section.run({ root, cdkOut: join(root, 'cdk.out'), quick: flags.includes('--quick'), previous: new Map() });
printSection(result);
// A section may leave DynamoDB Local or sockets behind (bench/run.ts exits the same way).
process.exit(result.failures?.length ? 1 : 0);
