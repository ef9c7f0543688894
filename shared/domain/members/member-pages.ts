import { html, paragraphs, type RenderedPage, renderPage, type SafeHtml } from '../../runtime/html.ts';
import { ExpiredTokenError, InvalidTokenError, ValidationError } from '../errors.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { Member } from './member.ts';
import type { JoinOffer, ManageAction } from './update-membership.ts';

/**
 * The members' pages. No JavaScript; every form posts to a relative URL (so the CSP's
 * `form-action 'self'` holds behind any base path); link tokens travel in hidden fields, never in
 * a form's URL. Errors are shown next to their fields and summarised at the top.
 */

type Errors = Record<string, string>;

export interface SignupFormValues {
  email?: string;
  displayName?: string;
  groupAgreement?: boolean;
  privacyNotice?: boolean;
  checkinEmails?: boolean;
  groupId?: string;
}

/** The hosted sign-up page: agreement, limits of confidentiality, privacy notice, then the form. */
export function signupPage(org: OrgConfig, values: SignupFormValues = {}, errors: Errors = {}): RenderedPage {
  const fieldIds: Record<string, string> = {
    email: 'email',
    displayName: 'displayName',
    'consents.groupAgreement': 'groupAgreement',
    'consents.privacyNotice': 'privacyNotice',
    'consents.checkinEmails': 'checkinEmails',
  };
  const labels: Record<string, string> = {
    email: 'Email address',
    displayName: 'First name or nickname',
    'consents.groupAgreement': 'Group agreement',
    'consents.privacyNotice': 'Privacy notice',
    'consents.checkinEmails': 'Check-in emails',
    groupId: 'Group',
  };
  const errorOf = (key: string) => errors[key];
  return renderPage({
    title: `${Object.keys(errors).length ? 'Error: ' : ''}Join ${org.name}`,
    orgName: org.name,
    body: html`<h1>Join ${org.name}</h1>
${errorSummary(errors, fieldIds, labels)}
<p>Before you join, please read how the groups work, what stays confidential and when it might not,
and how we look after your details.</p>
<section aria-labelledby="agreement-heading">
<h2 id="agreement-heading">Our group agreement</h2>
<div class="box">${paragraphs(org.groupAgreement.text)}</div>
</section>
<section aria-labelledby="confidentiality-heading">
<h2 id="confidentiality-heading">Confidentiality and its limits</h2>
<div class="box">${paragraphs(org.confidentiality.text)}</div>
</section>
<section aria-labelledby="privacy-heading">
<h2 id="privacy-heading">Privacy notice</h2>
<div class="box">${paragraphs(org.privacyNotice.text)}
${org.privacyNotice.url ? html`<p><a href="${org.privacyNotice.url}">Read the full privacy notice</a></p>` : ''}</div>
</section>
<h2>Your details</h2>
<form method="post" action="signups" novalidate>
${values.groupId ? html`<input type="hidden" name="groupId" value="${values.groupId}">` : ''}
${textField({
  name: 'email',
  type: 'email',
  label: 'Email address',
  hint: 'We send a link to this address to confirm it is yours.',
  value: values.email,
  autocomplete: 'email',
  maxLength: 254,
  error: errorOf('email'),
})}
${textField({
  name: 'displayName',
  type: 'text',
  label: 'First name or nickname',
  hint: 'How facilitators and your group will know you. It does not need to be your full or real name.',
  value: values.displayName,
  autocomplete: 'nickname',
  maxLength: 60,
  error: errorOf('displayName'),
})}
<fieldset class="box">
<legend>Agreements</legend>
${checkbox({
  name: 'groupAgreement',
  label: 'I accept the group agreement, including the limits of confidentiality (required)',
  checked: values.groupAgreement,
  required: true,
  error: errorOf('consents.groupAgreement'),
})}
${checkbox({
  name: 'privacyNotice',
  label: 'I have read the privacy notice (required)',
  checked: values.privacyNotice,
  required: true,
  error: errorOf('consents.privacyNotice'),
})}
${checkbox({
  name: 'checkinEmails',
  label: 'Send me a short, optional wellbeing check-in email after sessions',
  checked: values.checkinEmails,
  required: false,
  error: errorOf('consents.checkinEmails'),
})}
</fieldset>
<button type="submit">Join</button>
</form>`,
    footer: crisisFooter(org),
  });
}

/** The same page after every accepted sign-up, whether the address is new, pending or active. */
export function checkEmailPage(org: OrgConfig): RenderedPage {
  return renderPage({
    title: 'Check your email',
    orgName: org.name,
    body: html`<h1>Check your email</h1>
<div class="notice" role="status">
<p>If this address can join, we have sent it an email with a link to continue.
The link works for ${org.members.confirmTokenHours} hours.</p>
</div>
<p>If nothing arrives within a few minutes, check your spam or junk folder. If you are already a member,
the email tells you how to manage your membership instead.</p>`,
    footer: crisisFooter(org),
  });
}

/** The confirmation link's page: says what confirming does; only its button changes anything. */
export function confirmPage(org: OrgConfig, token: string): RenderedPage {
  return renderPage({
    title: 'Confirm your email address',
    orgName: org.name,
    body: html`<h1>Confirm your email address</h1>
<p>Confirming tells us this email address is yours and finishes joining ${org.name}.
We will then email you a link to a page where you can manage your email preferences or delete your data.</p>
<p>If you did not ask to join, close this page: nothing will happen.</p>
<form method="post" action="confirm">
<input type="hidden" name="token" value="${token}">
<button type="submit">Confirm my email address</button>
</form>`,
  });
}

export function confirmedPage(org: OrgConfig, already: boolean): RenderedPage {
  return renderPage({
    title: already ? 'Already confirmed' : 'Email address confirmed',
    orgName: org.name,
    body: already
      ? html`<h1>Your email address is already confirmed</h1>
<p>You do not need to do anything else. Your welcome email has a link to manage your membership.</p>`
      : html`<h1>Your email address is confirmed</h1>
<div class="notice" role="status"><p>Welcome to ${org.name}.</p></div>
<p>We have sent you a welcome email with a link to manage your membership. Keep it: you can use it to change your
email preferences or delete your data at any time.</p>`,
    footer: crisisFooter(org),
  });
}

export type LinkKind = 'confirm' | 'manage';

/** A link that expired (410) or is not valid (400), with a way forward. */
export function linkProblemPage(org: OrgConfig, problem: 'expired' | 'invalid', kind: LinkKind): RenderedPage {
  const again =
    kind === 'confirm'
      ? html`<p><a href="signup">Sign up again</a> with the same email address and we will send you a new link.</p>`
      : html`<p>To get a new link to this page, <a href="signup">enter your email address on the sign-up page</a>: if you
are a member, we will email you a new link (nothing about your membership changes).</p>`;
  return renderPage({
    title: problem === 'expired' ? 'This link has expired' : 'This link is not valid',
    orgName: org.name,
    body:
      problem === 'expired'
        ? html`<h1>This link has expired</h1>
<p>For your security, links in our emails only work for a limited time.</p>
${again}`
        : html`<h1>This link is not valid</h1>
<p>The link may be incomplete: some email programs split long links. Try copying the whole link from the email
into your browser.</p>
${again}`,
  });
}

/** What erasure removed, what it kept, and why. Shown after erasure and on any later visit. */
export function dataDeletedPage(org: OrgConfig, justNow: boolean): RenderedPage {
  return renderPage({
    title: 'Your data has been deleted',
    orgName: org.name,
    body: html`<h1>Your data has been deleted</h1>
${justNow ? html`<div class="notice" role="status"><p>Done. We will not email you again.</p></div>` : ''}
<p>We have deleted your email address, your name, your email preferences and the group you signed up from.</p>
<h2>What we keep, and why</h2>
<ul>
<li>A reference number: a random code, not made from your name or email address.</li>
<li>The date you deleted your data.</li>
<li>Which versions of our group agreement, confidentiality statement and privacy notice you accepted, and when.</li>
</ul>
<p>If a facilitator ever raised a safeguarding concern about someone's safety, the law may require us to keep that
record for up to ${org.retention.safeguardingRecordsYears} years. Keeping the reference number lets such a record stay
linked correctly, and the versions show what you had been told about the limits of confidentiality. Nothing we keep
can be used to identify or contact you.</p>
<p>You are welcome back at any time: <a href="signup">join again</a> with any email address.</p>`,
    footer: crisisFooter(org),
  });
}

const NOTICES: Record<ManageAction, string> = {
  'checkin-emails-off': 'Check-in emails are now off.',
  'checkin-emails-on': 'Check-in emails are now on.',
  unsubscribe: 'You have unsubscribed from all email.',
  resubscribe: 'Email is back on.',
  erase: '',
  join: '',
};

/** The group a manage link offers (the member signed up again from its page), as the page shows it. */
function joinSection(offer: JoinOffer, joined: boolean, hidden: (action: ManageAction) => SafeHtml): SafeHtml {
  const name = offer.group.name;
  const what =
    offer.standing === 'can-join'
      ? offer.group.access === 'open'
        ? html`<p>You signed up from the page of <strong>${name}</strong>. Join it to hear of its sessions and book them,
as well as your other groups'.</p>
<form method="post" action="manage">${hidden('join')}<button type="submit">Join ${name}</button></form>`
        : html`<p>You signed up from the page of <strong>${name}</strong>. Its facilitators decide who joins: ask to join, and
we will email you when they have said yes.</p>
<form method="post" action="manage">${hidden('join')}<button type="submit">Ask to join ${name}</button></form>`
      : offer.standing === 'member'
        ? joined
          ? html`<p>You have joined <strong>${name}</strong>. We email you its sessions to book, those planned already and new ones.</p>`
          : html`<p>You are a member of <strong>${name}</strong>.</p>`
        : html`<p>You have asked to join <strong>${name}</strong>. We will email you when its facilitators have said yes.</p>`;
  return html`<section aria-labelledby="join-heading">
<h2 id="join-heading">${name}</h2>
${what}
</section>`;
}

/** The manage page (from the welcome email). Each button is its own form with the token hidden. */
export function managePage(
  org: OrgConfig,
  member: Member,
  token: string,
  options: { done?: ManageAction | 'none'; errors?: Errors; join?: JoinOffer } = {},
): RenderedPage {
  const errors = options.errors ?? {};
  const notice = options.done && options.done !== 'none' ? NOTICES[options.done] : '';
  const hidden = (action: ManageAction) =>
    html`<input type="hidden" name="token" value="${token}"><input type="hidden" name="action" value="${action}">`;
  const eraseError = errors.confirmErase;
  const otherErrors = Object.entries(errors).filter(([k]) => k !== 'confirmErase');
  return renderPage({
    title: `${Object.keys(errors).length ? 'Error: ' : ''}Manage your membership`,
    orgName: org.name,
    body: html`<h1>Manage your membership</h1>
${notice ? html`<div class="notice" role="status"><p>${notice}</p></div>` : ''}
${
  Object.keys(errors).length
    ? html`<div class="error" role="alert"><h2>There is a problem</h2><ul>
${eraseError ? html`<li><a href="#confirmErase">${capitalise(eraseError)}</a></li>` : ''}
${otherErrors.map(([, message]) => html`<li>${capitalise(message)}</li>`)}</ul></div>`
    : ''
}
<p>Signed up as <strong>${member.displayName ?? ''}</strong> (${member.email ?? ''}).</p>
${options.join ? joinSection(options.join, options.done === 'join', hidden) : ''}

<section aria-labelledby="checkins-heading">
<h2 id="checkins-heading">Check-in emails</h2>
${
  member.emailOptOut
    ? html`<p>You have unsubscribed from all email, so we send no check-in emails.</p>`
    : member.checkinEmails
      ? html`<p>After each session you attend, we email you a short, optional question about how you are.</p>
<form method="post" action="manage">${hidden('checkin-emails-off')}<button type="submit" class="secondary">Turn off check-in emails</button></form>`
      : html`<p>Check-in emails are off. If you turn them on, we email you a short, optional question about how you are
after each session you attend.</p>
<form method="post" action="manage">${hidden('checkin-emails-on')}<button type="submit" class="secondary">Turn on check-in emails</button></form>`
}
</section>

<section aria-labelledby="email-heading">
<h2 id="email-heading">All email</h2>
${
  member.emailOptOut
    ? html`<p>You have unsubscribed from all email. We only send an email when you ask for one, such as a new link to this page.</p>
<form method="post" action="manage">${hidden('resubscribe')}<button type="submit" class="secondary">Turn email back on</button></form>`
    : html`<p>Stop reminders, check-ins and every other email. We will only send an email when you ask for one, such as a new link
to this page.</p>
<form method="post" action="manage">${hidden('unsubscribe')}<button type="submit" class="secondary">Unsubscribe from all email</button></form>`
}
</section>

<section aria-labelledby="delete-heading">
<h2 id="delete-heading">Delete my data</h2>
<p>This deletes your email address, your name and your preferences, and you will stop getting any email from us.
We keep only a random reference number, the date, and which versions of our agreements you accepted, so that any
safeguarding record we are required by law to keep stays correctly linked. Nothing we keep identifies you.</p>
<form method="post" action="manage">
${hidden('erase')}
<div class="check">
<input type="checkbox" id="confirmErase" name="confirmErase" value="yes" required${
      eraseError ? html` aria-invalid="true" aria-describedby="confirmErase-error"` : ''
    }>
<label for="confirmErase">I understand this cannot be undone</label>
</div>
${eraseError ? html`<p class="field-error" id="confirmErase-error">Error: ${capitalise(eraseError)}</p>` : ''}
<button type="submit" class="danger">Delete my data</button>
</form>
</section>`,
    footer: crisisFooter(org),
  });
}

/** A sign-up or link whose member was deleted in the meantime. */
export function signupDeletedPage(org: OrgConfig): RenderedPage {
  return renderPage({
    title: 'This sign-up was deleted',
    orgName: org.name,
    body: html`<h1>This sign-up was deleted</h1>
<p>The data for this sign-up has been deleted, so this link no longer works.</p>
<p>You are welcome to <a href="signup">join again</a>.</p>`,
  });
}

function errorSummary(errors: Errors, ids: Record<string, string>, labels: Record<string, string>): SafeHtml | string {
  const entries = Object.entries(errors);
  if (!entries.length) return '';
  return html`<div class="error" role="alert" aria-labelledby="error-summary-heading">
<h2 id="error-summary-heading">There is a problem</h2>
<ul>${entries.map(([key, message]) =>
    ids[key]
      ? html`<li><a href="#${ids[key]}">${labels[key] ?? key}: ${message}</a></li>`
      : html`<li>${labels[key] ?? key}: ${message}</li>`,
  )}</ul>
</div>`;
}

function textField(f: {
  name: string;
  type: 'email' | 'text';
  label: string;
  hint: string;
  value: string | undefined;
  autocomplete: string;
  maxLength: number;
  error: string | undefined;
}): SafeHtml {
  const describedBy = [`${f.name}-hint`, f.error ? `${f.name}-error` : ''].filter(Boolean).join(' ');
  return html`<label for="${f.name}">${f.label}</label>
<p class="muted" id="${f.name}-hint">${f.hint}</p>
${f.error ? html`<p class="field-error" id="${f.name}-error">Error: ${capitalise(f.error)}</p>` : ''}
<input type="${f.type}" id="${f.name}" name="${f.name}" value="${f.value ?? ''}" autocomplete="${f.autocomplete}"
 maxlength="${f.maxLength}" required aria-describedby="${describedBy}"${f.error ? html` aria-invalid="true"` : ''}${
   f.type === 'email' ? html` spellcheck="false" autocapitalize="off"` : ''
 }>`;
}

function checkbox(f: {
  name: string;
  label: string;
  checked: boolean | undefined;
  required: boolean;
  error: string | undefined;
}): SafeHtml {
  return html`${f.error ? html`<p class="field-error" id="${f.name}-error">Error: ${capitalise(f.error)}</p>` : ''}
<div class="check">
<input type="checkbox" id="${f.name}" name="${f.name}" value="yes"${f.checked ? html` checked` : ''}${
    f.required ? html` required` : ''
  }${f.error ? html` aria-invalid="true" aria-describedby="${f.name}-error"` : ''}>
<label for="${f.name}">${f.label}</label>
</div>`;
}

export function crisisFooter(org: OrgConfig): SafeHtml {
  return html`<h2>If you need support now</h2>
<ul>${org.crisisLines.map(
    (line) =>
      html`<li><strong>${line.name}</strong>${line.phone ? html`: ${line.phone}` : ''}${line.text ? html`: ${line.text}` : ''}${
        line.hours ? html` (${line.hours})` : ''
      }${line.url ? html` <a href="${line.url}">${line.name} website</a>` : ''}</li>`,
  )}</ul>`;
}

function capitalise(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** The values to put back into the sign-up form after an error (raw form fields). */
export function signupFormValues(fields: Record<string, string>): SignupFormValues {
  const ticked = (name: string) => ['yes', 'on', 'true'].includes((fields[name] ?? '').toLowerCase());
  return {
    email: fields.email ?? '',
    displayName: fields.displayName ?? '',
    groupAgreement: ticked('groupAgreement'),
    privacyNotice: ticked('privacyNotice'),
    checkinEmails: ticked('checkinEmails'),
    ...(fields.groupId ? { groupId: fields.groupId } : {}),
  };
}

/**
 * The page for a link that cannot be used: expired (410), forged, mangled or for another purpose
 * (400), or missing its token (400). Undefined for any other error.
 */
export function linkErrorPage(
  org: OrgConfig,
  error: unknown,
  kind: LinkKind,
): { status: number; page: RenderedPage } | undefined {
  if (error instanceof ExpiredTokenError) return { status: 410, page: linkProblemPage(org, 'expired', kind) };
  if (error instanceof InvalidTokenError) return { status: 400, page: linkProblemPage(org, 'invalid', kind) };
  if (error instanceof ValidationError && ('t' in error.fields || 'token' in error.fields)) {
    return { status: 400, page: linkProblemPage(org, 'invalid', kind) };
  }
  return undefined;
}
