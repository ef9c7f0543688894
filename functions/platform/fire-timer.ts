import { fireTimer, type TimerDeps } from '../../shared/domain/timers/fire-timer.ts';
import { HEARTBEAT_KIND } from '../../shared/domain/timers/heartbeat.ts';
import { parseTimerMessage } from '../../shared/domain/timers/timer-message.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids, links, org } from '../../shared/runtime/aws/core.ts';
import { checkins, deliveries, escalations, heartbeats, members, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { mail } from '../../shared/runtime/aws/mail.ts';
import { scheduler } from '../../shared/runtime/aws/scheduler.ts';
import { tokens } from '../../shared/runtime/aws/secrets.ts';
import { sqsHandler } from '../../shared/runtime/batch.ts';
import { emitMetric, metricNames } from '../../shared/runtime/metrics.ts';

/**
 * The timer worker: consumes the timers queue that EventBridge Scheduler's one-time schedules (or,
 * locally, the local scheduler) deliver to. Each body is `{ name, kind, ...payload, dueAt }`;
 * the kind picks the handler. Unknown kinds and malformed bodies throw, so they end in the DLQ.
 */
export const makeHandler = (deps: TimerDeps & Pick<Deps, 'org'>) =>
  sqsHandler('fire-timer', async (body, _record, invocation) => {
    const timer = parseTimerMessage(body);
    await fireTimer(deps, timer, invocation);
    // After the heartbeat is recorded: the operator alarm fires when this metric stops (infra/constructs/alarms.ts).
    if (timer.kind === HEARTBEAT_KIND) emitMetric(deps.org.slug, metricNames.timerHeartbeat);
  });

export const handler = makeHandler(
  composeDeps({
    org,
    clock,
    ids,
    links,
    members,
    sessions,
    checkins,
    deliveries,
    escalations,
    heartbeats,
    tokens,
    mail,
    scheduler,
  }),
);
