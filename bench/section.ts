/**
 * The contract between `npm run bench` (bench/run.ts) and its sections (bench/sections/*.ts).
 * Each section measures one thing, in the same run as the others, and says which targets it met.
 */

export interface BenchContext {
  /** The repository root. */
  root: string;
  /** The synthesized cloud assembly (`npm run synth` writes it): real function bundles and template. */
  cdkOut: string;
  /** `--quick`: fewer samples, for a smoke run; figures are then indicative only. */
  quick: boolean;
  /** Results of the sections that ran before this one in the same run (by section id). */
  previous: ReadonlyMap<string, SectionResult>;
}

export type Cell = string | number | boolean | null;

export interface Target {
  name: string;
  /** The target as written in the issue, e.g. "≤ 250 KB". */
  limit: string;
  /** The measured figure, formatted. */
  actual: string;
  met: boolean;
}

export interface SectionResult {
  title: string;
  columns: string[];
  rows: Record<string, Cell>[];
  targets: Target[];
  notes?: string[];
  /** Raw figures for bench/results/latest.json and for later sections (e.g. cost reads counted operations). */
  data?: unknown;
  /** A hard failure of the bench (e.g. a Scan on a request path), not just a missed target. */
  failures?: string[];
}

export interface BenchSection {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}
