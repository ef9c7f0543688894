import type { EmailMessage } from '../../ports/index.ts';
import { emailDocument, html } from '../../runtime/html.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { Escalation } from './escalation.ts';

/**
 * Alerts to safeguarding staff: THIN by design. They carry the reference, the urgency, the group,
 * the acknowledgement link and the acknowledgement code, and nothing of the record: never the
 * category, the summary, the facts or opinion, or anything that names the member. A forwarded,
 * shoulder-read or lock-screen alert therefore says only "someone needs a lead, now".
 * Staff alerts go on the `staff` stream and never carry List-Unsubscribe.
 */

export interface AlertContent {
  escalation: Pick<Escalation, 'reference' | 'ackCode' | 'record' | 'level' | 'round' | 'drill'>;
  groupLabel: string;
  ackUrl: string;
  /** Minutes before the next level is alerted. */
  ackWithinMinutes: number;
}

const urgencyWords = { immediate: 'IMMEDIATE', same_day: 'same day', routine: 'routine' } as const;

/** Opens the subject and body of every alert of a drill. */
export const DRILL_MARK = 'DRILL — TEST ALERT, no action needed beyond acknowledging';

export function escalationAlertEmail(org: OrgConfig, to: string, alert: AlertContent): EmailMessage {
  const { escalation } = alert;
  const urgency = urgencyWords[escalation.record.urgency];
  const repeat = escalation.round > 0 ? ' (repeated: nobody has acknowledged yet)' : '';
  const drill = escalation.drill ? `${DRILL_MARK}: ` : '';
  const subject = `${drill}Safeguarding alert ${escalation.reference} (${urgency}): please acknowledge${repeat}`;
  const text = [
    ...(escalation.drill ? [DRILL_MARK, ''] : []),
    `A facilitator at ${org.name} has raised a safeguarding concern that needs a safeguarding lead${repeat}.`,
    '',
    `Reference: ${escalation.reference}`,
    `Urgency: ${urgency}`,
    `Group: ${alert.groupLabel}`,
    `Acknowledgement code: ${escalation.ackCode}`,
    '',
    'Open this page, enter the code above and your name, and press "Acknowledge":',
    alert.ackUrl,
    '',
    `If nobody acknowledges within ${alert.ackWithinMinutes} minutes, the next contacts are alerted.`,
    'The details of the concern are kept in kith, not in this email.',
    '',
    org.name,
    `Phone: ${org.phone}`,
  ].join('\n');
  const body = emailDocument(
    subject,
    html`${escalation.drill ? html`<p><strong>${DRILL_MARK}</strong></p>` : ''}
<h1>Safeguarding alert ${escalation.reference}</h1>
<p>A facilitator at ${org.name} has raised a safeguarding concern that needs a safeguarding lead${repeat}.</p>
<dl>
<dt>Reference</dt><dd>${escalation.reference}</dd>
<dt>Urgency</dt><dd>${urgency}</dd>
<dt>Group</dt><dd>${alert.groupLabel}</dd>
<dt>Acknowledgement code</dt><dd><strong>${escalation.ackCode}</strong></dd>
</dl>
<p><a href="${alert.ackUrl}">Open the acknowledgement page for ${escalation.reference}</a>, enter the code above and your name, and press "Acknowledge".</p>
<p>If nobody acknowledges within ${alert.ackWithinMinutes} minutes, the next contacts are alerted. The details of the concern are kept in kith, not in this email.</p>
<p>${org.name}<br>Phone: ${org.phone}</p>`,
  );
  return { to, subject, text, html: body.value, stream: 'staff' };
}

export function escalationAlertSms(org: OrgConfig, alert: AlertContent): string {
  const { escalation } = alert;
  return [
    ...(escalation.drill ? [`${DRILL_MARK}.`] : []),
    `${org.name}: safeguarding alert ${escalation.reference}, ${urgencyWords[escalation.record.urgency]}.`,
    `Code ${escalation.ackCode}.`,
    `Acknowledge: ${alert.ackUrl}`,
  ].join(' ');
}

/**
 * The debrief task for the facilitator who raised it: who to talk to, and nothing of the record
 * beyond its reference (the facilitator knows what they reported).
 */
export function debriefEmail(org: OrgConfig, to: string, reference: string): EmailMessage {
  const contact = org.safeguarding.debriefContact;
  const subject = `Debrief after safeguarding concern ${reference}`;
  const reach = [`Email: ${contact.email}`, ...(contact.phone ? [`Phone: ${contact.phone}`] : [])];
  const text = [
    'Hello,',
    '',
    `Thank you for raising safeguarding concern ${reference}. The safeguarding lead has been alerted.`,
    'Raising a concern can be hard. Please arrange a debrief in the next few days, even if you feel fine:',
    '',
    contact.name,
    ...reach,
    '',
    org.name,
  ].join('\n');
  const body = emailDocument(
    subject,
    html`<h1>Debrief after safeguarding concern ${reference}</h1>
<p>Thank you for raising safeguarding concern ${reference}. The safeguarding lead has been alerted.</p>
<p>Raising a concern can be hard. Please arrange a debrief in the next few days, even if you feel fine:</p>
<p>${contact.name}<br>${reach.map((line, i) => html`${i ? html`<br>` : ''}${line}`)}</p>
<p>${org.name}</p>`,
  );
  return { to, subject, text, html: body.value, stream: 'staff' };
}
