import type { Scheduler, TimerRequest } from '../../ports/index.ts';
import { jsonFile } from './json-file.ts';

/** A timer as the local store keeps it (one per name, like a named one-time schedule). */
export interface StoredTimer {
  name: string;
  /** ISO 8601, UTC. */
  at: string;
  payload: TimerRequest['payload'];
  /** Bumped on every `schedule`, so firing an old version never removes its replacement. */
  revision: number;
}

export interface LocalScheduler extends Scheduler {
  /** Timers due at `now` on the application clock, earliest first. */
  due(now: Date): StoredTimer[];
  /** Forgets a timer once it has been handed to the timer queue (unless it was re-scheduled since). */
  fired(timer: StoredTimer): void;
  list(): StoredTimer[];
}

/**
 * EventBridge Scheduler stand-in: named one-time timers kept in a JSON file under the local data
 * folder. `schedule` replaces a timer of the same name; `cancel` is idempotent. The local stack's
 * pump hands due timers to the timer worker's queue, as a schedule's target would.
 */
export function createLocalScheduler(file: string): LocalScheduler {
  const store = jsonFile<{ revision: number; timers: Record<string, StoredTimer> }>(file, () => ({ revision: 0, timers: {} }));
  return {
    async schedule(timer) {
      if (!timer.name) throw new Error('A timer needs a name');
      if (!(timer.at instanceof Date) || Number.isNaN(timer.at.getTime()))
        throw new Error(`Timer ${timer.name} has no valid time`);
      if (typeof timer.payload?.kind !== 'string' || !timer.payload.kind) throw new Error(`Timer ${timer.name} has no kind`);
      store.update((s) => {
        s.revision += 1;
        s.timers[timer.name] = {
          name: timer.name,
          at: timer.at.toISOString(),
          payload: structuredClone(timer.payload),
          revision: s.revision,
        };
      });
    },
    async cancel(name) {
      if (!Object.hasOwn(store.read().timers, name)) return;
      store.update((s) => {
        delete s.timers[name];
      });
    },
    due(now) {
      const limit = now.getTime();
      return Object.values(store.read().timers)
        .filter((t) => Date.parse(t.at) <= limit)
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.revision - b.revision)
        .map((t) => structuredClone(t));
    },
    fired(timer) {
      if (store.read().timers[timer.name]?.revision !== timer.revision) return;
      store.update((s) => {
        delete s.timers[timer.name];
      });
    },
    list: () =>
      Object.values(store.read().timers)
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
        .map((t) => structuredClone(t)),
  };
}
