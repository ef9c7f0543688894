import { type Deps, type EmailMessage, URGENT } from '../../ports/index.ts';
import { emailDocument, html } from '../../runtime/html.ts';
import * as z from '../../zod.ts';
import type { OrgConfig } from '../org/org-config.ts';

/** The part of `EscalationSeriousHarmReported` the trustee mailer reads. */
export const SeriousHarmEvent = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  type: z.literal('EscalationSeriousHarmReported'),
  data: z.object({ escalationId: z.string().check(z.minLength(1), z.maxLength(128)) }),
});
export type SeriousHarmEvent = z.infer<typeof SeriousHarmEvent>;

export function parseSeriousHarmEvent(body: string): SeriousHarmEvent {
  return SeriousHarmEvent.parse(JSON.parse(body));
}

/** The exactly-once key of the trustees' email for one escalation. */
export const trusteeDeliveryKey = (escalationId: string) => `escalation#${escalationId}#trustees`;

/**
 * The `trustee-mail` queue: an escalation resolved with serious harm → one email to
 * org.trustees.email asking for the serious-incident report (exactly once, `deps.deliveries`).
 * The email is THIN: the reference and a link to the admin view, never the record or a name.
 * A failed send releases its claim and fails the message, so the queue retries it (then its DLQ alarms).
 */
export async function notifyTrustees(
  deps: Pick<Deps, 'org' | 'escalations' | 'mail' | 'deliveries' | 'links'>,
  event: SeriousHarmEvent,
): Promise<'sent' | 'duplicate' | 'not_serious'> {
  const { escalationId } = event.data;
  const escalation = await deps.escalations.get(escalationId);
  if (!escalation) throw new Error('The escalation of a serious-harm event is missing');
  if (!escalation.resolution?.seriousHarm || escalation.drill) return 'not_serious';
  const key = trusteeDeliveryKey(escalationId);
  if (!(await deps.deliveries.begin(key))) return 'duplicate';
  let messageId: string;
  try {
    ({ messageId } = await deps.mail.send(
      trusteesEmail(deps.org, escalation.reference, deps.links.url(`/admin/escalations/${escalationId}`)),
      URGENT,
    ));
  } catch (error) {
    await deps.deliveries.release(key);
    throw error;
  }
  await deps.deliveries.complete(key, messageId);
  return 'sent';
}

export function trusteesEmail(org: OrgConfig, reference: string, adminUrl: string): EmailMessage {
  const subject = `Serious incident report needed: safeguarding concern ${reference}`;
  const text = [
    `Dear ${org.trustees.name},`,
    '',
    `Safeguarding concern ${reference} at ${org.name} has been resolved by a safeguarding lead, who recorded that serious harm occurred or was alleged.`,
    'The trustees may need to report a serious incident to the charity regulator promptly. Please ask the safeguarding lead for the details.',
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
    html`<h1>Serious incident report needed: ${reference}</h1>
<p>Dear ${org.trustees.name},</p>
<p>Safeguarding concern ${reference} at ${org.name} has been resolved by a safeguarding lead, who recorded that serious harm occurred or was alleged.</p>
<p>The trustees may need to report a serious incident to the charity regulator promptly. Please ask the safeguarding lead for the details.</p>
<p><a href="${adminUrl}">The record of ${reference}</a> (safeguarding leads and admins sign in).</p>
<p>The details of the concern are kept in kith, not in this email.</p>
<p>${org.name}</p>`,
  );
  return { to: org.trustees.email, subject, text, html: body.value, stream: 'staff' };
}
