import type { EmailMessage } from '../../ports/index.ts';
import { emailDocument, html, paragraphs, type SafeHtml } from '../../runtime/html.ts';
import type { OrgConfig } from '../org/org-config.ts';
import { UNCONFIRMED_RETENTION_DAYS } from './member.ts';

/**
 * Member emails: plain text and accessible HTML (lang, one heading, link text that says where it
 * goes, no images), on the `member` stream. Subjects never carry health details. These are all
 * transactional (the person asked for them), so none carries List-Unsubscribe.
 *
 * The confirmation goes to an address nobody has proven yet, so it carries nothing the sign-up
 * form let a stranger type (no display name): a sign-up form must not be a way to send someone
 * text of your choosing.
 */

export function confirmationEmail(org: OrgConfig, to: string, confirmUrl: string): EmailMessage {
  const hours = org.members.confirmTokenHours;
  const subject = `Confirm your email address for ${org.name}`;
  const text = [
    'Hello,',
    '',
    `Someone (we hope you) asked to join ${org.name} with this email address.`,
    'To finish joining, open this link and press "Confirm my email address":',
    confirmUrl,
    '',
    `The link works for ${hours} hours. Nothing happens until you press the button on the page.`,
    '',
    `If this was not you, ignore this email: nothing more will happen, and we delete the address within ${UNCONFIRMED_RETENTION_DAYS} days if it is not confirmed.`,
    ...signature(org),
  ].join('\n');
  return message(
    org,
    to,
    subject,
    text,
    html`<h1>Confirm your email address</h1>
<p>Hello,</p>
<p>Someone (we hope you) asked to join ${org.name} with this email address.
To finish joining, open the link below and press "Confirm my email address".</p>
<p><a href="${confirmUrl}">Confirm your email address for ${org.name}</a></p>
<p>The link works for ${hours} hours. Nothing happens until you press the button on the page.</p>
<p>If this was not you, ignore this email: nothing more will happen, and we delete the address within ${UNCONFIRMED_RETENTION_DAYS} days if it is not confirmed.</p>`,
  );
}

export function alreadyMemberEmail(
  org: OrgConfig,
  to: string,
  displayName: string,
  manageUrl: string,
  offersGroup = false,
): EmailMessage {
  const subject = `You already have an account with ${org.name}`;
  const text = [
    `Hello ${displayName},`,
    '',
    `You already have an account with ${org.name}: someone (we hope you) tried to join again with this email address.`,
    ...(offersGroup
      ? ['If you want to join the group you signed up from as well, open your manage page and press its Join button:']
      : ['You do not need to do anything.', '', 'To change your email preferences or delete your data, open your manage page:']),
    manageUrl,
    '',
    'If this was not you, ignore this email: your membership has not changed.',
    ...signature(org),
  ].join('\n');
  return message(
    org,
    to,
    subject,
    text,
    html`<h1>You already have an account</h1>
<p>Hello ${displayName},</p>
<p>You already have an account with ${org.name}: someone (we hope you) tried to join again with this email address.
${offersGroup ? 'If you want to join the group you signed up from as well, open your manage page and press its Join button.' : 'You do not need to do anything.'}</p>
<p><a href="${manageUrl}">${offersGroup ? `Join the group, or manage your ${org.name} membership` : `Manage your ${org.name} membership: email preferences and deleting your data`}</a></p>
<p>If this was not you, ignore this email: your membership has not changed.</p>`,
  );
}

export function welcomeEmail(org: OrgConfig, to: string, displayName: string, manageUrl: string): EmailMessage {
  const subject = `Welcome to ${org.name}`;
  const text = [
    `Hello ${displayName},`,
    '',
    `Your email address is confirmed: welcome to ${org.name}.`,
    '',
    'Keep this email. This link opens your manage page, where you can turn check-in emails off or on, unsubscribe from all email, or delete your data:',
    manageUrl,
    '',
    'If you need support urgently:',
    ...org.crisisLines.map((line) => `- ${crisisLineText(line)}`),
    ...signature(org),
  ].join('\n');
  return message(
    org,
    to,
    subject,
    text,
    html`<h1>Welcome to ${org.name}</h1>
<p>Hello ${displayName},</p>
<p>Your email address is confirmed: welcome to ${org.name}.</p>
<p>Keep this email. The link below opens your manage page, where you can turn check-in emails off or on, unsubscribe
from all email, or delete your data.</p>
<p><a href="${manageUrl}">Manage your ${org.name} membership</a></p>
<h2>If you need support urgently</h2>
<ul>${org.crisisLines.map((line) => html`<li>${crisisLineText(line)}</li>`)}</ul>`,
  );
}

function crisisLineText(line: OrgConfig['crisisLines'][number]): string {
  const how = [line.phone, line.text].filter(Boolean).join(', ');
  return `${line.name}${how ? `: ${how}` : ''}${line.hours ? ` (${line.hours})` : ''}${line.url ? `, ${line.url}` : ''}`;
}

function signature(org: OrgConfig): string[] {
  return ['', `${org.name}`, `Phone: ${org.phone}`];
}

function message(org: OrgConfig, to: string, subject: string, text: string, body: SafeHtml): EmailMessage {
  const document = emailDocument(
    subject,
    html`${body}
${paragraphs(signature(org).join('\n'))}`,
  );
  return { to, subject, text: `${text}\n`, html: document.value, stream: 'member' };
}
