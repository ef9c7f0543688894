import type { Deps } from '../../ports/index.ts';
import type { TimerMessage } from './timer-message.ts';

/**
 * The `heartbeat` timer: records when it fired, so an operator alarm on the heartbeat's age proves
 * that schedules still reach the timer worker (Scheduler → timers queue → worker → table).
 */
export const HEARTBEAT_KIND = 'heartbeat';

export async function recordHeartbeat(deps: Pick<Deps, 'heartbeats' | 'clock'>, timer: TimerMessage): Promise<void> {
  await deps.heartbeats.record({ at: deps.clock.now().toISOString(), ...(timer.dueAt ? { dueAt: timer.dueAt } : {}) });
}
