import { type Deps, type EmailMessage, URGENT } from '../../ports/index.ts';
import { emailDocument, html } from '../../runtime/html.ts';
import * as z from '../../zod.ts';
import type { DomainEvent } from '../events.ts';
import type { OrgConfig } from '../org/org-config.ts';

export const WELLBEING_ALERTS_TOPIC = 'wellbeing-alerts' as const;

/** Thin: ids only. No score, no comment: the consumer and the admin view read what they may. */
export type WellbeingAlertEvent = DomainEvent<'WellbeingAlert', { sessionId: string; memberId: string }>;

export function wellbeingAlertEvent(
  deps: Pick<Deps, 'ids'>,
  sessionId: string,
  memberId: string,
  at: string,
): WellbeingAlertEvent {
  return {
    id: deps.ids.newId(),
    type: 'WellbeingAlert',
    topic: WELLBEING_ALERTS_TOPIC,
    occurredAt: at,
    data: { sessionId, memberId },
  };
}

export const WellbeingAlertMessage = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  type: z.literal('WellbeingAlert'),
  data: z.object({
    sessionId: z.string().check(z.minLength(1), z.maxLength(128)),
    memberId: z.string().check(z.minLength(1), z.maxLength(128)),
  }),
});

/** "Sam Taylor" → "S. T."; nothing usable → "A member". */
export function initials(displayName: string | undefined): string {
  const letters = (displayName ?? '')
    .split(/\s+/)
    .map((w) => w.match(/\p{L}/u)?.[0]?.toUpperCase())
    .filter((c): c is string => Boolean(c))
    .slice(0, 3);
  return letters.length ? letters.map((c) => `${c}.`).join(' ') : 'A member';
}

/**
 * The staff alert: who (initials only), which group and session date, and a link to the admin
 * view. No score in the subject, no comment anywhere, no name or address.
 */
export function wellbeingAlertEmail(
  org: OrgConfig,
  to: string,
  who: string,
  groupName: string,
  sessionDate: string,
  adminUrl: string,
): EmailMessage {
  const subject = `Check-in follow-up needed: ${groupName}`;
  const line = `${who}, who attended ${groupName} on ${sessionDate}, answered the check-in in a way that needs a follow-up.`;
  const text = [
    'Hello,',
    '',
    line,
    'Open the dashboard to see what they asked for and follow your check-in procedure:',
    adminUrl,
    '',
    org.name,
  ].join('\n');
  const body = emailDocument(
    subject,
    html`<h1>Check-in follow-up needed</h1>
<p>${line}</p>
<p><a href="${adminUrl}">Open the check-ins of this session</a></p>
<p>${org.name}</p>`,
  );
  return { to, subject, text: `${text}\n`, html: body.value, stream: 'staff' };
}

/**
 * The `wellbeing-alert` consumer: one thin email to each facilitator of the session's group, at
 * most once per event and facilitator. Nothing when staff alerts are off for the org.
 */
export async function sendWellbeingAlert(
  deps: Pick<Deps, 'org' | 'sessions' | 'members' | 'facilitators' | 'mail' | 'deliveries' | 'links'>,
  body: string,
): Promise<number> {
  const event = WellbeingAlertMessage.parse(JSON.parse(body));
  if (!deps.org.checkins.staffAlerts) return 0;
  const session = await deps.sessions.getSession(event.data.sessionId);
  const group = session && (await deps.sessions.getGroup(session.groupId));
  if (!session || !group) return 0;
  const member = await deps.members.get(event.data.memberId);
  const who = member?.status === 'active' ? initials(member.displayName) : 'A member';
  const sessionDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: group.timezone }).format(
    new Date(session.startsAt),
  );
  // The dashboard page (browser sign-in), not the bearer-token JSON a browser cannot open.
  const adminUrl = deps.links.url(`/dashboard/sessions/${session.sessionId}`);
  let sent = 0;
  let unreachable = 0;
  // One facilitator's failure must not keep the others from the alert: all are tried, then the
  // message fails (and is retried; those already alerted are not alerted again) if any failed.
  const failures: unknown[] = [];
  for (const facilitatorId of group.facilitatorIds) {
    try {
      const facilitator = await deps.facilitators.get(facilitatorId);
      if (!facilitator?.email) continue;
      const key = `${event.id}#wellbeing-alert#${facilitatorId}`;
      // An address on the account suppression list once bounced or complained. Staff mail ignores the
      // list (infra/constructs/email.ts), so it is still tried; but the alert may well not arrive, so
      // the message then fails and ends in the DLQ, whose alarm tells the operator who to fix.
      if (await deps.mail.isSuppressed(facilitator.email)) unreachable++;
      if (!(await deps.deliveries.begin(key))) continue;
      let result: { messageId: string };
      try {
        result = await deps.mail.send(
          wellbeingAlertEmail(deps.org, facilitator.email, who, group.name, sessionDate, adminUrl),
          URGENT,
        );
      } catch (error) {
        await deps.deliveries.release(key);
        throw error;
      }
      await deps.deliveries.complete(key, result.messageId);
      sent++;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
  if (unreachable) throw new FacilitatorUnreachableError(unreachable);
  return sent;
}

/** A facilitator's address is on the SES suppression list: the alert could not reach them. */
export class FacilitatorUnreachableError extends Error {
  override name = 'FacilitatorUnreachableError';
  constructor(count: number) {
    super(`${count} facilitator address(es) are on the SES suppression list`);
  }
}
