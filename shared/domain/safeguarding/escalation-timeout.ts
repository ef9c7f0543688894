import { type Deps, URGENT } from '../../ports/index.ts';
import { createLogger } from '../../runtime/logger.ts';
import * as z from '../../zod.ts';
import type { TimerMessage } from '../timers/timer-message.ts';
import { escalationEvent } from './escalation.ts';

const logger = createLogger('escalation-timeout');

const EscalationTimeout = z.object({
  escalationId: z.string().check(z.minLength(1), z.maxLength(128)),
  level: z.number().check(z.int(), z.gte(0)),
  round: z.number().check(z.int(), z.gte(0)),
});

export type EscalationTimeoutOutcome = 'stale' | 'moved_up' | 'repeated' | 'exhausted';

/**
 * An `escalation-timeout` timer fired: nobody acknowledged level `level` of round `round` in time.
 * If the escalation is still open at exactly that level and round, it moves to the next level (or,
 * after the last one, back to the first for another round, up to org.safeguarding.repeatCount):
 * one conditional transaction with its timeline entry and an `EscalationMovedUp` event, which
 * alerts that level. After the last round it is marked `unacknowledged_after_all_levels`, the
 * operator is emailed and an ALARM line is logged. Late and duplicate firings find the escalation
 * acknowledged or moved on and do nothing.
 */
export async function escalationTimedOut(
  deps: Pick<Deps, 'escalations' | 'org' | 'ids' | 'clock' | 'mail' | 'deliveries'>,
  timer: TimerMessage,
): Promise<EscalationTimeoutOutcome> {
  const { escalationId, level, round } = EscalationTimeout.parse(timer);
  const escalation = await deps.escalations.get(escalationId);
  if (escalation?.status !== 'open' || escalation.level !== level || escalation.round !== round) return 'stale';
  const at = deps.clock.now().toISOString();
  const levels = deps.org.safeguarding.levels.length;
  const next =
    level + 1 < levels
      ? { level: level + 1, round }
      : round < deps.org.safeguarding.repeatCount
        ? { level: 0, round: round + 1 }
        : undefined;
  if (next) {
    const event = escalationEvent(deps, 'EscalationMovedUp', { ...escalation, ...next }, at);
    const moved = await deps.escalations.moveUp(escalationId, { level, round }, next, { type: 'moved_up', at, ...next }, event);
    if (moved === 'stale') return 'stale';
    return next.round === round ? 'moved_up' : 'repeated';
  }

  // Email the operator first (at most once), then mark: a failure before marking retries both.
  const key = `escalation#${escalationId}#exhausted#operator`;
  if (await deps.deliveries.begin(key)) {
    try {
      const sent = await deps.mail.send(
        {
          to: deps.org.operator.alarmEmail,
          stream: 'staff',
          subject: `ALARM: safeguarding alert ${escalation.reference} was not acknowledged by anyone`,
          text: [
            `Safeguarding alert ${escalation.reference} (${escalation.record.urgency}) went through every level ${round + 1} time(s) and nobody acknowledged it.`,
            '',
            'Phone the safeguarding leads now, and check their contact details in the org config.',
            `Acknowledgement page: the alert emails' link (reference ${escalation.reference}).`,
          ].join('\n'),
          html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unacknowledged safeguarding alert</title></head><body><h1>Safeguarding alert ${escalation.reference} was not acknowledged</h1><p>It went through every level ${round + 1} time(s) and nobody acknowledged it. Phone the safeguarding leads now, and check their contact details in the org config.</p></body></html>`,
        },
        URGENT,
      );
      await deps.deliveries.complete(key, sent.messageId);
    } catch (error) {
      await deps.deliveries.release(key);
      throw error;
    }
  }
  const marked = await deps.escalations.markExhausted(
    escalationId,
    { level, round },
    { type: 'unacknowledged_after_all_levels', at },
  );
  if (marked === 'marked') {
    logger.error('ALARM escalation unacknowledged after all levels', {
      kind: 'escalation-unacknowledged-after-all-levels',
      count: 1,
      id_escalation: escalationId,
    });
  }
  return marked === 'marked' ? 'exhausted' : 'stale';
}
