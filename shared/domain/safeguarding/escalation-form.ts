import { randomBytes } from 'node:crypto';
import type { Deps } from '../../ports/index.ts';
import { html, type RenderedPage, renderPage } from '../../runtime/html.ts';
import * as z from '../../zod.ts';
import { ExpiredTokenError, InvalidTokenError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import type { OrgConfig } from '../org/org-config.ts';
import { escalationCategories, escalationUrgencies } from './escalation.ts';
import { raiseEscalation } from './raise-escalation.ts';

/** The hosted form's personal link: a token for this purpose names the facilitator. */
export const ESCALATION_FORM_PURPOSE = 'escalation-form';
const FORM_LINK_DAYS = 180;

/** A facilitator's personal link to the hosted escalation form (`GET /forms/escalation?f=…`). */
export async function escalationFormLink(deps: Pick<Deps, 'tokens' | 'links'>, facilitatorId: string): Promise<string> {
  const f = await deps.tokens.sign({
    purpose: ESCALATION_FORM_PURPOSE,
    subject: facilitatorId,
    ttlSeconds: FORM_LINK_DAYS * 86400,
  });
  return deps.links.url('/forms/escalation', { f });
}

/** The facilitator a form link names; a revoked facilitator's link no longer works. */
export async function facilitatorFromFormLink(deps: Pick<Deps, 'tokens' | 'facilitators'>, token: string): Promise<Facilitator> {
  const claims = await deps.tokens.verify(token, ESCALATION_FORM_PURPOSE);
  const facilitator = await deps.facilitators.get(claims.subject);
  if (!facilitator || facilitator.revokedAt) throw new InvalidTokenError('This form link is no longer valid.');
  return facilitator;
}

const ticked = (value: string | undefined) => ['yes', 'on', 'true'].includes((value ?? '').toLowerCase());

/** Form fields → the escalation record (the facilitator's email comes from their link, not the form). */
export function escalationFromForm(fields: Record<string, string>, facilitatorEmail: string): unknown {
  const optional = (name: string) => (fields[name]?.trim() ? { [name]: fields[name] } : {});
  return {
    facilitatorEmail,
    category: fields.category,
    urgency: fields.urgency,
    summary: fields.summary ?? '',
    ...optional('facts'),
    ...optional('opinion'),
    ...optional('memberRef'),
    ...optional('actionsTaken'),
    emergencyServicesContacted: ticked(fields.emergencyServicesContacted),
    personAware: ticked(fields.personAware),
  };
}

export const FormSubmission = z.object({
  f: z.string().check(z.minLength(1), z.maxLength(2048)),
  submissionId: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
});

/**
 * Raises an escalation from the hosted form. A double-submitted form (the same hidden
 * `submissionId`) raises it once.
 */
export async function raiseFromForm(
  deps: Pick<Deps, 'escalations' | 'ids' | 'clock'>,
  facilitator: Facilitator,
  submissionId: string,
  record: unknown,
) {
  return raiseEscalation(deps, record as never, { kind: 'form', facilitatorId: facilitator.facilitatorId, submissionId });
}

const categoryLabels: Record<(typeof escalationCategories)[number], string> = {
  suicide_risk: 'Risk of suicide',
  self_harm: 'Self-harm',
  harm_to_others: 'Risk of harm to others',
  abuse_or_neglect: 'Abuse or neglect',
  other_concern: 'Another safeguarding concern',
};
const urgencyLabels: Record<(typeof escalationUrgencies)[number], string> = {
  immediate: 'Immediate: someone may be at risk today',
  same_day: 'Same day',
  routine: 'Routine: within a few days',
};

function dangerFirst(org: OrgConfig) {
  const lines = org.crisisLines;
  return html`<div class="error" role="alert"><p><strong>If someone is in immediate danger, call 999 first.</strong> Then fill in this form.</p>
<ul>${lines.map((l) => html`<li>${l.name}${l.phone ? html`: ${l.phone}` : ''}${l.hours ? html` (${l.hours})` : ''}</li>`)}</ul></div>`;
}

export function escalationFormPage(
  org: OrgConfig,
  token: string,
  values: Record<string, string> = {},
  errors: Record<string, string> = {},
): RenderedPage {
  const submissionId = values.submissionId || randomBytes(18).toString('base64url');
  const error = (field: string) =>
    errors[field] ? html`<p class="error" id="${field}-error" role="alert">${errors[field]}</p>` : '';
  const textarea = (name: string, label: string, hint: string) => html`<p><label for="${name}">${label}</label><br>
<span class="muted">${hint}</span><br>
<textarea id="${name}" name="${name}" rows="4">${values[name] ?? ''}</textarea></p>${error(name)}`;
  return renderPage({
    title: 'Raise a safeguarding concern',
    orgName: org.name,
    body: html`<h1>Raise a safeguarding concern</h1>
${dangerFirst(org)}
${Object.keys(errors).length ? html`<div class="error" role="alert"><p>Some fields need attention: see the messages below.</p></div>` : ''}
<form method="post" action="escalation">
<input type="hidden" name="f" value="${token}">
<input type="hidden" name="submissionId" value="${submissionId}">
<fieldset><legend>What is the concern?</legend>
${escalationCategories.map(
  (c) =>
    html`<p><input type="radio" id="category-${c}" name="category" value="${c}"${values.category === c ? html` checked` : ''}> <label for="category-${c}">${categoryLabels[c]}</label></p>`,
)}</fieldset>${error('category')}
<fieldset><legend>How urgent is it?</legend>
${escalationUrgencies.map(
  (u) =>
    html`<p><input type="radio" id="urgency-${u}" name="urgency" value="${u}"${values.urgency === u ? html` checked` : ''}> <label for="urgency-${u}">${urgencyLabels[u]}</label></p>`,
)}</fieldset>${error('urgency')}
${textarea('summary', 'Summary of the concern', 'A few sentences. Required.')}
${textarea('facts', 'What you saw or heard (facts)', 'Words actually said, what happened, when.')}
${textarea('opinion', 'Your view (opinion)', 'What you think and why; kept apart from the facts.')}
<p><label for="memberRef">The person (initials or pseudonym, not their full name)</label><br>
<input type="text" id="memberRef" name="memberRef" maxlength="100" value="${values.memberRef ?? ''}"></p>${error('memberRef')}
${textarea('actionsTaken', 'What has been done so far', 'For example: stayed with them, gave a crisis line number.')}
<p><input type="checkbox" id="emergencyServicesContacted" name="emergencyServicesContacted" value="yes"${ticked(values.emergencyServicesContacted) ? html` checked` : ''}> <label for="emergencyServicesContacted">Emergency services have been called</label></p>
<p><input type="checkbox" id="personAware" name="personAware" value="yes"${ticked(values.personAware) ? html` checked` : ''}> <label for="personAware">The person knows this is being shared</label></p>
<button type="submit">Send to the safeguarding lead</button>
</form>`,
  });
}

export function escalationSentPage(org: OrgConfig): RenderedPage {
  return renderPage({
    title: 'Concern sent',
    orgName: org.name,
    body: html`<h1>Your concern has been sent</h1>
<div class="notice" role="status"><p>The safeguarding lead is being alerted now, and others will be if they do not respond.
You will get an email about a debrief.</p></div>
<p>If someone is in immediate danger, call 999.</p>`,
  });
}

/** Shown whenever sending failed: never a claim that it was sent. */
export function escalationNotSentPage(org: OrgConfig): RenderedPage {
  return renderPage({
    title: 'Not sent: phone now',
    orgName: org.name,
    body: html`<h1>Your concern has NOT been sent</h1>
<div class="error" role="alert"><p>Something went wrong and the safeguarding lead has not been alerted.
Phone ${org.phone} now. If someone is in immediate danger, call 999.</p></div>
<p>You can also go back and try sending the form again.</p>`,
  });
}

export function formLinkProblem(error: unknown): boolean {
  return error instanceof InvalidTokenError || error instanceof ExpiredTokenError;
}
