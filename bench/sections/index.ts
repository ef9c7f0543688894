import type { BenchSection } from '../section.ts';
import { cost } from './cost.ts';
import { dbWork } from './db-work.ts';
import { escalation } from './escalation.ts';
import { fanout } from './fanout.ts';
import { latency } from './latency.ts';
// ▼ merge of feat/bundles: its two imports go here (bundles.ts exports `bundles`, init.ts exports `init`).

/**
 * Every section of `npm run bench`, in the order they run. A later section may read the results of
 * an earlier one (`ctx.previous`): cost reads db-work's counted operations, so cost comes last.
 */
export const sections: readonly BenchSection[] = [
  // ▼ merge of feat/bundles: `bundles, init,` go first, on this line.
  latency,
  dbWork,
  fanout,
  escalation,
  cost,
];
