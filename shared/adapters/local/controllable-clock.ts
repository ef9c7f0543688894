import type { Clock } from '../../ports/index.ts';
import { jsonFile } from './json-file.ts';

/**
 * The local application clock: real time plus an offset kept in the data folder. Moving it
 * (`advance`, `set`) shifts the offset; from there it runs on at real speed. It drives timers,
 * token expiry and schedules; transport checks (webhook timestamps, queue backoff) use real time.
 */
export interface ControllableClock extends Clock {
  advance(minutes: number): Date;
  set(now: Date): Date;
  offsetMs(): number;
}

export function createControllableClock(file: string, realNow: () => number = Date.now): ControllableClock {
  const store = jsonFile(file, () => ({ offsetMs: 0 }));
  const now = () => new Date(realNow() + store.read().offsetMs);
  return {
    now,
    advance(minutes) {
      if (!Number.isFinite(minutes)) throw new RangeError('minutes must be a finite number');
      store.update((s) => {
        s.offsetMs += Math.round(minutes * 60_000);
      });
      return now();
    },
    set(target) {
      if (Number.isNaN(target.getTime())) throw new RangeError('not a valid time');
      store.update((s) => {
        s.offsetMs = target.getTime() - realNow();
      });
      return now();
    },
    offsetMs: () => store.read().offsetMs,
  };
}
