import type { BenchSection } from '../section.ts';
import { bundles } from './bundles.ts';
import { cost } from './cost.ts';
import { dbWork } from './db-work.ts';
import { escalation } from './escalation.ts';
import { fanout } from './fanout.ts';
import { init } from './init.ts';
import { latency } from './latency.ts';
import { leversSection } from './levers.ts';

/**
 * Every section of `npm run bench`, in the order they run. A later section may read the results of
 * an earlier one (`ctx.previous`): cost reads db-work's counted operations, so cost comes last.
 */
export const sections: readonly BenchSection[] = [bundles, init, leversSection, latency, dbWork, fanout, escalation, cost];
