import type { Deps, EmailMessage } from '../../ports/index.ts';
import { emailDocument, html } from '../../runtime/html.ts';
import * as z from '../../zod.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { TimerMessage } from '../timers/timer-message.ts';
import type { Escalation } from './escalation.ts';

export const RESOLVE_REMINDER_KIND = 'escalation-resolve-reminder';

/** One per escalation: re-scheduling (a retried acknowledgement) replaces it with the same time. */
export const resolveReminderTimerName = (escalationId: string) => `escalation-resolve-${escalationId}`;

/**
 * Schedules the reminder for an acknowledged escalation at acknowledgement +
 * org.safeguarding.resolveWithinHours. The time derives from the acknowledgement, so scheduling
 * again (a retry after a failure) is harmless.
 */
export async function scheduleResolveReminder(
  deps: Pick<Deps, 'scheduler' | 'org'>,
  escalationId: string,
  acknowledgedAt: string,
): Promise<void> {
  await deps.scheduler.schedule({
    name: resolveReminderTimerName(escalationId),
    at: new Date(Date.parse(acknowledgedAt) + deps.org.safeguarding.resolveWithinHours * 3_600_000),
    payload: { kind: RESOLVE_REMINDER_KIND, escalationId },
  });
}

const ResolveReminderTimer = z.object({
  name: z.string().check(z.minLength(1)),
  escalationId: z.string().check(z.minLength(1), z.maxLength(128)),
});

/**
 * The reminder timer fired: if the escalation is still acknowledged and unresolved, the contacts of
 * the level that acknowledged it (level 0 if the config no longer has it) get a thin reminder, each
 * at most once per timer (`deps.deliveries`), and the reminder is recorded on the timeline. Late or
 * duplicate firing finds it resolved (nothing) or the deliveries claimed (nothing sent again).
 * A failed send releases its claim and throws, so the timer message is retried (then its DLQ alarms).
 */
export async function remindToResolve(
  deps: Pick<Deps, 'org' | 'escalations' | 'mail' | 'deliveries' | 'links' | 'clock'>,
  timer: TimerMessage,
): Promise<'stale' | { sent: number }> {
  const { name, escalationId } = ResolveReminderTimer.parse(timer);
  const escalation = await deps.escalations.get(escalationId);
  if (escalation?.status !== 'acknowledged' || escalation.resolution) return 'stale';
  const levels = deps.org.safeguarding.levels;
  const level = levels[escalation.level] ? escalation.level : 0;
  const adminUrl = deps.links.url(`/admin/escalations/${escalationId}`);
  let sent = 0;
  const failures: unknown[] = [];
  for (const contact of levels[level]?.contacts ?? []) {
    const key = `escalation#${escalationId}#resolve-reminder#${name}#${contact.email}`;
    if (!(await deps.deliveries.begin(key))) continue;
    try {
      const { messageId } = await deps.mail.send(resolveReminderEmail(deps.org, contact.email, escalation, adminUrl));
      await deps.deliveries.complete(key, messageId);
      sent++;
    } catch (error) {
      await deps.deliveries.release(key);
      failures.push(error);
    }
  }
  if (sent > 0)
    await deps.escalations.appendTimeline(escalationId, { type: 'resolve_reminder', at: deps.clock.now().toISOString(), level });
  if (failures.length) throw failures[0];
  return { sent };
}

export function resolveReminderEmail(
  org: OrgConfig,
  to: string,
  escalation: Pick<Escalation, 'reference' | 'acknowledgedBy'>,
  adminUrl: string,
): EmailMessage {
  const { reference } = escalation;
  const by = escalation.acknowledgedBy ? ` by ${escalation.acknowledgedBy.name}` : '';
  const hours = org.safeguarding.resolveWithinHours;
  const subject = `Safeguarding concern ${reference}: acknowledged but not resolved after ${hours} hours`;
  const text = [
    `Safeguarding concern ${reference} at ${org.name} was acknowledged${by} but has not been resolved within ${hours} hours.`,
    'Please check it is being dealt with, and record the outcome when it is resolved.',
    '',
    `Reference: ${reference}`,
    `Record (safeguarding leads and admins sign in): ${adminUrl}`,
    '',
    'The details of the concern are kept in kith, not in this email.',
    '',
    org.name,
  ].join('\n');
  const body = emailDocument(
    subject,
    html`<h1>Safeguarding concern ${reference} is not resolved yet</h1>
<p>Safeguarding concern ${reference} at ${org.name} was acknowledged${by} but has not been resolved within ${hours} hours.</p>
<p>Please check it is being dealt with, and record the outcome when it is resolved.</p>
<p><a href="${adminUrl}">The record of ${reference}</a> (safeguarding leads and admins sign in).</p>
<p>The details of the concern are kept in kith, not in this email.</p>
<p>${org.name}</p>`,
  );
  return { to, subject, text, html: body.value, stream: 'staff' };
}
