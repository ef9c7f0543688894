import { html, type RenderedPage, renderPage } from '../../runtime/html.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { Escalation } from './escalation.ts';

/**
 * The acknowledgement pages. They show the reference only (the details of the concern are not
 * on a page anyone holding the link can open); acknowledging needs the code from the alert body.
 */

export function acknowledgePage(
  org: OrgConfig,
  escalation: Pick<Escalation, 'reference'>,
  values: { name?: string } = {},
  errors: Record<string, string> = {},
): RenderedPage {
  const error = (field: string) =>
    errors[field] ? html`<p class="error" id="${field}-error" role="alert">${errors[field]}</p>` : '';
  const described = (field: string) => (errors[field] ? html` aria-describedby="${field}-error" aria-invalid="true"` : '');
  return renderPage({
    title: `Acknowledge safeguarding alert ${escalation.reference}`,
    orgName: org.name,
    body: html`<h1>Acknowledge safeguarding alert ${escalation.reference}</h1>
<p>Acknowledging tells ${org.name} that you are dealing with this concern, and stops the alert moving on to other contacts.
Opening this page does not acknowledge anything.</p>
<form method="post" action="acknowledge">
<p><label for="code">Acknowledgement code (6 digits, from the alert email or text)</label><br>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required${described('code')}></p>
${error('code')}
<p><label for="name">Your name</label><br>
<input id="name" name="name" autocomplete="name" maxlength="80" required value="${values.name ?? ''}"${described('name')}></p>
${error('name')}
<button type="submit">Acknowledge</button>
</form>
<p>If you cannot acknowledge here, phone ${org.phone}.</p>`,
  });
}

export function acknowledgedPage(
  org: OrgConfig,
  escalation: Pick<Escalation, 'reference'>,
  by: { name: string; at: string },
  already: boolean,
): RenderedPage {
  return renderPage({
    title: already ? `Already acknowledged: ${escalation.reference}` : `Acknowledged: ${escalation.reference}`,
    orgName: org.name,
    body: already
      ? html`<h1>Alert ${escalation.reference} was already acknowledged</h1>
<div class="notice" role="status"><p>${by.name} acknowledged it at ${by.at}. Nothing more is needed from this page.</p></div>`
      : html`<h1>You have acknowledged alert ${escalation.reference}</h1>
<div class="notice" role="status"><p>Thank you, ${by.name}. Acknowledged at ${by.at}. No further contacts will be alerted.</p></div>`,
  });
}

export function lockedPage(org: OrgConfig, escalation: Pick<Escalation, 'reference'>): RenderedPage {
  return renderPage({
    title: 'Too many wrong codes',
    orgName: org.name,
    body: html`<h1>Too many wrong codes for alert ${escalation.reference}</h1>
<div class="error" role="alert"><p>This page no longer accepts codes. Phone ${org.phone} and give the reference ${escalation.reference}.</p></div>`,
  });
}
