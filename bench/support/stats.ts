/** The q-quantile (0..1) of samples, nearest-rank on a sorted copy. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const median = (samples: readonly number[]) => quantile(samples, 0.5);

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export const ms = (value: number) => `${round(value, 2)} ms`;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
