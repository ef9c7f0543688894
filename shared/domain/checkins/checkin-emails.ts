import type { EmailMessage } from '../../ports/index.ts';
import { emailDocument, html, paragraphs, type SafeHtml } from '../../runtime/html.ts';
import type { OrgConfig } from '../org/org-config.ts';

/** The answers a check-in link can carry: 1 (very low) … 5 (very good), or a request to be contacted. */
export const CHECKIN_ANSWERS = ['1', '2', '3', '4', '5', 'contact'] as const;
export type CheckinAnswerLink = (typeof CHECKIN_ANSWERS)[number];

export const ANSWER_LABELS: Record<CheckinAnswerLink, string> = {
  '1': '1 – very low',
  '2': '2 – low',
  '3': '3 – okay',
  '4': '4 – good',
  '5': '5 – very good',
  contact: "I'd like someone to contact me",
};

export interface CheckinEmailLinks {
  /** One link per answer, in {@link CHECKIN_ANSWERS} order. */
  answers: Record<CheckinAnswerLink, string>;
  /** RFC 8058 one-click URL (POST turns off check-in emails only). */
  unsubscribe: string;
  manage: string;
}

function crisisLineText(line: OrgConfig['crisisLines'][number]): string {
  const how = [line.phone, line.text].filter(Boolean).join(', ');
  return `${line.name}${how ? `: ${how}` : ''}${line.hours ? ` (${line.hours})` : ''}${line.url ? `, ${line.url}` : ''}`;
}

/**
 * The post-session check-in: five answer links and "contact me", each opening a page where the
 * member sends the answer (opening a link records nothing). The subject says nothing about health;
 * the org's crisis lines (from config) are in the footer. Not transactional, so it carries
 * List-Unsubscribe (one-click: check-in emails only) and List-Unsubscribe-Post.
 */
export function checkinEmail(
  org: OrgConfig,
  to: string,
  displayName: string,
  groupName: string,
  links: CheckinEmailLinks,
  kind: 'first' | 'reminder' = 'first',
): EmailMessage {
  const subject = kind === 'reminder' ? `A reminder: how are you after ${groupName}?` : `How are you after ${groupName}?`;
  const hours = org.checkins.expiryHours;
  const text = [
    `Hello ${displayName},`,
    '',
    "How are you feeling after today's session?",
    'Choose the answer closest to how you feel; the page that opens lets you add a comment before you send it.',
    '',
    ...CHECKIN_ANSWERS.map((a) => `${ANSWER_LABELS[a]}: ${links.answers[a]}`),
    '',
    `Answering is optional. You can change your answer for ${hours} hours after the session.`,
    '',
    'If you need support now:',
    ...org.crisisLines.map((line) => `- ${crisisLineText(line)}`),
    '',
    'Stop check-in emails (other email is not affected):',
    links.unsubscribe,
    'Manage your membership:',
    links.manage,
    '',
    org.name,
    `Phone: ${org.phone}`,
  ].join('\n');
  const body = html`<h1>How are you feeling after today's session?</h1>
<p>Hello ${displayName},</p>
<p>Choose the answer closest to how you feel. The page that opens lets you add a comment before you send it.</p>
<ul>${CHECKIN_ANSWERS.map((a) => html`<li><a href="${links.answers[a]}">${ANSWER_LABELS[a]}</a></li>`)}</ul>
<p>Answering is optional. You can change your answer for ${String(hours)} hours after the session.</p>
<h2>If you need support now</h2>
<ul>${org.crisisLines.map((line) => html`<li>${crisisLineText(line)}</li>`)}</ul>
<p><a href="${links.unsubscribe}">Stop check-in emails</a> (other email is not affected) ·
<a href="${links.manage}">Manage your ${org.name} membership</a></p>`;
  return {
    to,
    subject,
    text: `${text}\n`,
    html: document(org, subject, body),
    stream: 'member',
    headers: {
      'List-Unsubscribe': `<${links.unsubscribe}>, <${links.manage}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

function document(org: OrgConfig, subject: string, body: SafeHtml): string {
  return emailDocument(
    subject,
    html`${body}
${paragraphs(`${org.name}\nPhone: ${org.phone}`)}`,
  ).value;
}
