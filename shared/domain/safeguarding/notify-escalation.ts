import { type Deps, URGENT } from '../../ports/index.ts';
import { createLogger } from '../../runtime/logger.ts';
import * as z from '../../zod.ts';
import type { Escalation } from './escalation.ts';
import { type AlertContent, debriefEmail, escalationAlertEmail, escalationAlertSms } from './escalation-alerts.ts';

/** The part of an escalation event the notifiers read (the queue body is the whole DomainEvent). */
export const EscalationAlertEvent = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  type: z.enum(['EscalationRaised', 'EscalationMovedUp']),
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.object({
    escalationId: z.string().check(z.minLength(1), z.maxLength(128)),
    level: z.number().check(z.int(), z.gte(0)),
    round: z.number().check(z.int(), z.gte(0)),
  }),
});
export type EscalationAlertEvent = z.infer<typeof EscalationAlertEvent>;

export function parseEscalationAlertEvent(body: string): EscalationAlertEvent {
  return EscalationAlertEvent.parse(JSON.parse(body));
}

export type AlertChannel = 'email' | 'sms';
export const ESCALATION_TIMEOUT_KIND = 'escalation-timeout';

type NotifyDeps = Pick<Deps, 'org' | 'escalations' | 'mail' | 'sms' | 'deliveries' | 'links' | 'clock' | 'scheduler'>;

const logger = createLogger('escalation-alerts');

/** Deterministic per escalation, level and round: re-scheduling (a redelivered event) replaces it. */
export function escalationTimerName(escalationId: string, level: number, round: number): string {
  return `escalation-timeout-${escalationId}-${level}-${round}`;
}

/** The exactly-once key of one alert: escalation, level, round, channel, contact. */
export function alertDeliveryKey(escalationId: string, level: number, round: number, channel: AlertChannel, to: string): string {
  return `escalation#${escalationId}#${level}#${round}#${channel}#${to}`;
}

export type NotifyOutcome = { status: 'stale' } | { status: 'notified'; sent: number; duplicates: number };

/**
 * One channel's alerts for one level of an escalation (the `escalation-email` and
 * `escalation-sms` queues). A stale event (the escalation was acknowledged, resolved, or has moved
 * on to another level or round) sends nothing. Each contact of the level is alerted at most once
 * per channel, level and round (`deps.deliveries`); each alert is recorded on the timeline.
 *
 * Email also schedules the level's acknowledgement timeout (so it exists whatever the urgency),
 * and checks the SES suppression list first: a suppressed contact is alerted by SMS instead (when
 * they have a phone), and an ALARM line is logged either way. A failed send releases its claim and
 * fails the message after trying every contact, so the queue retries it (then its DLQ alarms).
 */
export async function notifyEscalation(
  deps: NotifyDeps,
  event: EscalationAlertEvent,
  channel: AlertChannel,
): Promise<NotifyOutcome> {
  const { escalationId, level, round } = event.data;
  const escalation = await deps.escalations.get(escalationId);
  if (!escalation) throw new Error('The escalation of an alert event is missing');
  if (escalation.status !== 'open' || escalation.level !== level || escalation.round !== round) return { status: 'stale' };
  const config = deps.org.safeguarding.levels[level];
  if (!config) throw new Error('An alert event names a level the org config does not have');
  const ackWithinMinutes = config.ackTimeoutMinutes[escalation.record.urgency];

  if (channel === 'email') {
    await deps.scheduler.schedule({
      name: escalationTimerName(escalationId, level, round),
      at: new Date(Date.parse(event.occurredAt) + ackWithinMinutes * 60_000),
      payload: { kind: ESCALATION_TIMEOUT_KIND, escalationId, level, round },
    });
  }

  const content: AlertContent = {
    escalation,
    groupLabel: groupLabel(escalation),
    ackUrl: deps.links.url(`/escalations/${escalationId}/acknowledge`),
    ackWithinMinutes,
  };
  let sent = 0;
  let duplicates = 0;
  const failures: unknown[] = [];
  for (const contact of config.contacts) {
    try {
      if (channel === 'email') {
        if (await deps.mail.isSuppressed(contact.email)) {
          // Recorded and alarmed once per level and round, however often the message is redelivered.
          const key = `${alertDeliveryKey(escalationId, level, round, 'email', contact.email)}#suppressed`;
          if (await deps.deliveries.begin(key)) {
            logger.error('ALARM escalation contact suppressed', {
              kind: 'escalation-contact-suppressed',
              id_escalation: escalationId,
            });
            await deps.escalations.appendTimeline(escalationId, {
              type: 'notification_failed',
              at: deps.clock.now().toISOString(),
              level,
              round,
              channel: 'email',
              contact: contact.name,
              reason: 'suppressed',
            });
            await deps.deliveries.complete(key, 'suppressed');
          }
          if (!contact.phone) {
            logger.error('ALARM escalation contact unreachable', {
              kind: 'escalation-contact-unreachable',
              id_escalation: escalationId,
            });
            continue;
          }
          const result = await recordOnce(deps, escalation, 'sms', contact.phone, () =>
            deps.sms.send(contact.phone as string, escalationAlertSms(deps.org, content)),
          );
          if (result === 'sent') {
            sent++;
            await note(deps, escalation, 'sms', contact.name);
          } else duplicates++;
          continue;
        }
        const result = await recordOnce(deps, escalation, 'email', contact.email, () =>
          deps.mail.send(escalationAlertEmail(deps.org, contact.email, content), URGENT),
        );
        if (result === 'sent') {
          sent++;
          await note(deps, escalation, 'email', contact.name);
        } else duplicates++;
      } else {
        if (!contact.phone) continue;
        const result = await recordOnce(deps, escalation, 'sms', contact.phone, () =>
          deps.sms.send(contact.phone as string, escalationAlertSms(deps.org, content)),
        );
        if (result === 'sent') {
          sent++;
          await note(deps, escalation, 'sms', contact.name);
        } else duplicates++;
      }
    } catch (error) {
      failures.push(error);
    }
  }
  // The facilitator's debrief task, once, after the alerts (a failure retries; alerts are not resent).
  if (channel === 'email' && event.type === 'EscalationRaised' && !escalation.drill) {
    try {
      await recordOnce(deps, escalation, 'email', `debrief:${escalation.record.facilitatorEmail}`, () =>
        deps.mail.send(debriefEmail(deps.org, escalation.record.facilitatorEmail, escalation.reference)),
      );
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
  return { status: 'notified', sent, duplicates };
}

async function recordOnce(
  deps: NotifyDeps,
  escalation: Escalation,
  channel: AlertChannel,
  to: string,
  send: () => Promise<{ messageId: string }>,
): Promise<'sent' | 'duplicate'> {
  const key = alertDeliveryKey(escalation.escalationId, escalation.level, escalation.round, channel, to);
  if (!(await deps.deliveries.begin(key))) return 'duplicate';
  let result: { messageId: string };
  try {
    result = await send();
  } catch (error) {
    await deps.deliveries.release(key);
    throw error;
  }
  await deps.deliveries.complete(key, result.messageId);
  return 'sent';
}

/** The timeline names the contact (staff, from the org config), never a recipient's address. */
async function note(deps: NotifyDeps, escalation: Escalation, channel: AlertChannel, contact: string) {
  await deps.escalations.appendTimeline(escalation.escalationId, {
    type: 'notified',
    at: deps.clock.now().toISOString(),
    level: escalation.level,
    round: escalation.round,
    channel,
    contact,
  });
}

function groupLabel(escalation: Escalation): string {
  return escalation.record.groupId ? `group ${escalation.record.groupId}` : 'not given';
}
