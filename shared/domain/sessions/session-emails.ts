import type { EmailMessage } from '../../ports/index.ts';
import { emailDocument, html, type SafeHtml } from '../../runtime/html.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { Group, Session } from './model.ts';
import { formatForPeople } from './zoned-time.ts';

/**
 * Session emails to members: plain text and accessible HTML, on the `member` stream. Subjects
 * name the group and the date, never health details. The meeting link of an online group appears
 * only in mail to a member with a booked place.
 */

const when = (session: Session, group: Group) =>
  `${formatForPeople(new Date(session.startsAt), group.timezone)} (${group.timezone}), ${session.durationMinutes} minutes`;

const where = (group: Group, booked: boolean): string =>
  group.format === 'online'
    ? booked && group.meetingUrl
      ? `Online. Join here: ${group.meetingUrl}`
      : 'Online. The joining link is emailed to members with a place.'
    : `${group.location ?? ''}`;

function details(session: Session, group: Group, booked: boolean): string[] {
  return [
    `${group.name}`,
    `When: ${when(session, group)}`,
    `Where: ${where(group, booked)}`,
    ...(session.contentNote ? [`What we will talk about: ${session.contentNote}`] : []),
  ];
}

export function bookingConfirmedEmail(org: OrgConfig, to: string, name: string, group: Group, session: Session, pageUrl: string) {
  const lines = details(session, group, true);
  return message(
    org,
    to,
    `Your place: ${group.name}, ${formatForPeople(new Date(session.startsAt), group.timezone)}`,
    [
      `Hello ${name},`,
      '',
      'Your place is booked.',
      '',
      ...lines,
      '',
      'If you cannot come, cancel your place here so someone else can have it:',
      pageUrl,
    ],
    html`<h1>Your place is booked</h1><p>Hello ${name},</p>${list(lines)}
<p><a href="${pageUrl}">Cancel my place in ${group.name}</a> if you cannot come, so someone else can have it.</p>`,
  );
}

export function waitlistedEmail(org: OrgConfig, to: string, name: string, group: Group, session: Session, pageUrl: string) {
  const lines = details(session, group, false);
  return message(
    org,
    to,
    `You are on the waitlist: ${group.name}`,
    [
      `Hello ${name},`,
      '',
      'The session is full, so you are on the waitlist. If a place frees up, we will email you.',
      '',
      ...lines,
      '',
      'To leave the waitlist:',
      pageUrl,
    ],
    html`<h1>You are on the waitlist</h1><p>Hello ${name},</p><p>The session is full. If a place frees up, we will email you.</p>${list(lines)}
<p><a href="${pageUrl}">Leave the waitlist for ${group.name}</a></p>`,
  );
}

export function bookingCancelledEmail(org: OrgConfig, to: string, name: string, group: Group, session: Session) {
  const lines = details(session, group, false);
  return message(
    org,
    to,
    `Place cancelled: ${group.name}`,
    [`Hello ${name},`, '', 'Your place is cancelled, as you asked.', '', ...lines],
    html`<h1>Your place is cancelled</h1><p>Hello ${name},</p><p>Your place is cancelled, as you asked.</p>${list(lines)}`,
  );
}

export function sessionChangedEmail(
  org: OrgConfig,
  to: string,
  name: string,
  group: Group,
  session: Session,
  change: 'rescheduled' | 'cancelled',
  booked: boolean,
) {
  const lines = details(session, group, booked && change === 'rescheduled');
  const headline = change === 'cancelled' ? 'This session is cancelled' : 'This session has moved';
  return message(
    org,
    to,
    `${change === 'cancelled' ? 'Cancelled' : 'New time'}: ${group.name}`,
    [`Hello ${name},`, '', `${headline}.`, '', ...lines],
    html`<h1>${headline}</h1><p>Hello ${name},</p>${list(lines)}`,
  );
}

export function sessionsAnnouncedEmail(
  org: OrgConfig,
  to: string,
  name: string,
  group: Group,
  sessions: { session: Session; url: string }[],
) {
  const rows = sessions.map(({ session, url }) => ({
    text: `${when(session, group)}${session.contentNote ? ` (${session.contentNote})` : ''}`,
    url,
  }));
  return message(
    org,
    to,
    `New sessions: ${group.name}`,
    [
      `Hello ${name},`,
      '',
      `New sessions of ${group.name} are scheduled. Open a link to see the session and book a place:`,
      '',
      ...rows.flatMap((r) => [`- ${r.text}`, `  ${r.url}`]),
    ],
    html`<h1>New sessions of ${group.name}</h1><p>Hello ${name},</p><p>Open a session to see it and book a place.</p>
<ul>${rows.map((r) => html`<li><a href="${r.url}">${r.text}</a></li>`)}</ul>`,
  );
}

export function waitlistOfferEmail(
  org: OrgConfig,
  to: string,
  name: string,
  group: Group,
  session: Session,
  offerExpiresAt: string,
  pageUrl: string,
) {
  const lines = details(session, group, false);
  const until = formatForPeople(new Date(offerExpiresAt), group.timezone);
  return message(
    org,
    to,
    `A place is free: ${group.name}`,
    [
      `Hello ${name},`,
      '',
      `A place has come free and we are holding it for you until ${until}.`,
      '',
      ...lines,
      '',
      'To claim it (or let it go to the next person), open:',
      pageUrl,
    ],
    html`<h1>A place is free for you</h1><p>Hello ${name},</p><p>We are holding a place for you until ${until}.</p>${list(lines)}
<p><a href="${pageUrl}">Claim my place in ${group.name}</a></p>`,
  );
}

export function reminderEmail(
  org: OrgConfig,
  to: string,
  name: string,
  group: Group,
  session: Session,
  minutes: number,
  pageUrl: string,
  manageUrl: string,
) {
  const lines = details(session, group, true);
  const soon = minutes >= 120 ? `in ${Math.round(minutes / 60)} hours` : minutes >= 60 ? 'in an hour' : `in ${minutes} minutes`;
  const email = message(
    org,
    to,
    `Reminder: ${group.name} ${soon}`,
    [
      `Hello ${name},`,
      '',
      `A reminder: your session starts ${soon}.`,
      '',
      ...lines,
      '',
      'If you cannot come, cancel your place:',
      pageUrl,
      '',
      'Email preferences:',
      manageUrl,
    ],
    html`<h1>Your session starts ${soon}</h1><p>Hello ${name},</p>${list(lines)}
<p><a href="${pageUrl}">Cancel my place in ${group.name}</a> if you cannot come.</p>
<p><a href="${manageUrl}">Email preferences</a></p>`,
  );
  return { ...email, headers: { 'List-Unsubscribe': `<${manageUrl}>` } };
}

export function joinApprovedEmail(
  org: OrgConfig,
  to: string,
  name: string,
  group: Group,
  sessions: { session: Session; url: string }[],
  how: 'approved' | 'open' = 'approved',
) {
  const welcome =
    how === 'approved'
      ? `A facilitator has welcomed you to ${group.name}.`
      : `You are now a member of ${group.name}, the group you signed up from.`;
  const rows = sessions.map(({ session, url }) => ({ text: when(session, group), url }));
  return message(
    org,
    to,
    `You have joined ${group.name}`,
    [
      `Hello ${name},`,
      '',
      `${welcome} We will email you when sessions are scheduled.`,
      ...(rows.length ? ['', 'Sessions you can book now:', ...rows.flatMap((r) => [`- ${r.text}`, `  ${r.url}`])] : []),
    ],
    html`<h1>You have joined ${group.name}</h1><p>Hello ${name},</p><p>${welcome} We will email you when sessions are scheduled.</p>
${rows.length ? html`<ul>${rows.map((r) => html`<li><a href="${r.url}">${r.text}</a></li>`)}</ul>` : ''}`,
  );
}

function list(lines: string[]): SafeHtml {
  return html`<ul>${lines.map((l) => html`<li>${l}</li>`)}</ul>`;
}

function message(org: OrgConfig, to: string, subject: string, textLines: string[], body: SafeHtml): EmailMessage {
  const footer = ['', org.name, `Phone: ${org.phone}`];
  const document = emailDocument(
    subject,
    html`${body}
<p>${org.name}<br>Phone: ${org.phone}</p>`,
  );
  return { to, subject, text: `${[...textLines, ...footer].join('\n')}\n`, html: document.value, stream: 'member' as const };
}

/**
 * To each facilitator of a closed group when someone asks to join it: thin (no name, no address;
 * the dashboard shows who, after sign-in), on the `staff` stream.
 */
export function joinRequestedEmail(org: OrgConfig, to: string, group: Pick<Group, 'name'>, requestsUrl: string): EmailMessage {
  const subject = `Someone asked to join ${group.name}`;
  const line = `Someone who signed up has asked to join ${group.name}, a closed group you facilitate.`;
  const text = [
    'Hello,',
    '',
    line,
    'Sign in to the dashboard to see who it is and approve them:',
    requestsUrl,
    '',
    org.name,
  ].join('\n');
  const body = emailDocument(
    subject,
    html`<h1>Someone asked to join ${group.name}</h1>
<p>${line}</p>
<p><a href="${requestsUrl}">See the requests to join</a></p>
<p>${org.name}</p>`,
  );
  return { to, subject, text: `${text}\n`, html: body.value, stream: 'staff' };
}
