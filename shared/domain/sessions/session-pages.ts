import { html, type RenderedPage, renderPage, type SafeHtml } from '../../runtime/html.ts';
import { ExpiredTokenError, InvalidTokenError, ValidationError } from '../errors.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { BookingResult, BookingView } from './book-session.ts';
import type { DirectoryFilter, DirectoryGroup } from './manage-groups.ts';
import { placesLeft } from './manage-groups.ts';
import { formatForPeople } from './zoned-time.ts';

const formatNames = { in_person: 'In person', online: 'Online', activity: 'Activity' } as const;

function sessionSummary(view: BookingView): SafeHtml {
  const { group, session } = view;
  const left = placesLeft(session);
  return html`<div class="box">
<p><strong>${group.name}</strong></p>
<p>${formatForPeople(new Date(session.startsAt), group.timezone)} (${group.timezone}), ${session.durationMinutes} minutes</p>
<p>${formatNames[group.format]}${group.format !== 'online' && group.location ? html`: ${group.location}` : ''}</p>
${session.contentNote ? html`<p><strong>What we will talk about:</strong> ${session.contentNote}</p>` : ''}
<p>${session.status === 'cancelled' ? 'This session is cancelled.' : left === 1 ? '1 place left' : `${left} places left`}</p>
</div>`;
}

const resultMessages: Record<BookingResult, string> = {
  booked: 'Your place is booked. We have emailed you the details.',
  waitlisted: 'The session is full, so you are on the waitlist. If a place frees up, we will email you.',
  already: 'You already have a place (or a place on the waitlist) for this session.',
  cancelled: 'Your place is cancelled. Thank you for letting us know: someone else can have it.',
  'not-booked': 'You did not have a place to cancel.',
  unavailable: 'This session cannot be booked now.',
  claimed: 'The place is yours. We have emailed you the details.',
  'offer-closed': 'Sorry: the time to claim this place has passed, so it went to the next person waiting.',
};

/** The booking link's page: the session, its content note, places left, and one button. */
export function bookingPage(org: OrgConfig, view: BookingView, token: string, result?: BookingResult): RenderedPage {
  const status = view.booking?.status;
  const reasonText =
    view.reason === 'not-active'
      ? 'Only confirmed members can book. If you deleted your data or have not confirmed your email, you cannot book with this link.'
      : view.reason === 'cancelled'
        ? 'This session is cancelled.'
        : view.reason === 'started'
          ? 'This session has started or is over.'
          : '';
  const form = (action: 'book' | 'cancel' | 'claim', label: string, cls = '') => html`<form method="post" action="book">
<input type="hidden" name="token" value="${token}">
<input type="hidden" name="action" value="${action}">
<button type="submit"${cls ? html` class="${cls}"` : ''}>${label}</button>
</form>`;
  const actions =
    status === 'booked'
      ? html`<p>You have a place.</p>${view.reason === 'started' ? '' : form('cancel', 'Cancel my place', 'secondary')}`
      : status === 'offered'
        ? html`<p>A place is held for you until ${formatForPeople(new Date(view.booking?.offerExpiresAt ?? view.session.startsAt), view.group.timezone)}.</p>
${form('claim', 'Claim my place')}${form('cancel', 'Let the place go', 'secondary')}`
        : status === 'waitlisted'
          ? html`<p>You are on the waitlist.</p>${form('cancel', 'Leave the waitlist', 'secondary')}`
          : view.canBook
            ? form('book', placesLeft(view.session) > 0 ? 'Book a place' : 'Join the waitlist')
            : html`<p>${reasonText}</p>`;
  return renderPage({
    title: 'Book a place',
    orgName: org.name,
    body: html`<h1>Book a place</h1>
${result ? html`<div class="notice" role="status"><p>${resultMessages[result]}</p></div>` : ''}
${sessionSummary(view)}
${actions}`,
  });
}

/** The hosted directory: groups, their upcoming sessions and places left; filter by format and topic. */
export function directoryPage(org: OrgConfig, groups: DirectoryGroup[], filter: DirectoryFilter, topics: string[]): RenderedPage {
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  return renderPage({
    title: 'Find a group',
    orgName: org.name,
    body: html`<h1>Find a group</h1>
<form method="get" action="directory">
<label for="format">Format</label>
<select id="format" name="format">${option('', 'Any', !filter.format)}${(['in_person', 'online', 'activity'] as const).map((f) =>
      option(f, formatNames[f], filter.format === f),
    )}</select>
<label for="topic">Topic</label>
<select id="topic" name="topic">${option('', 'Any', !filter.topic)}${topics.map((t) => option(t, t, filter.topic === t))}</select>
<button type="submit">Show groups</button>
</form>
${groups.length === 0 ? html`<p>No groups match.</p>` : ''}
${groups.map(
  (g) => html`<section class="box">
<h2>${g.name}</h2>
<p>${formatNames[g.format]}${g.location ? html`: ${g.location}` : ''}${g.access === 'closed' ? ' · closed group: ask to join' : ''}</p>
${g.description ? html`<p>${g.description}</p>` : ''}
${g.topics.length ? html`<p class="muted">Topics: ${g.topics.join(', ')}</p>` : ''}
${
  g.sessions.length
    ? html`<ul>${g.sessions.map(
        (s) =>
          html`<li>${formatForPeople(new Date(s.startsAt), g.timezone)}: ${s.placesLeft === 1 ? '1 place left' : `${s.placesLeft} places left`}${
            s.contentNote ? html`<br><span class="muted">${s.contentNote}</span>` : ''
          }</li>`,
      )}</ul>`
    : html`<p class="muted">No sessions scheduled yet.</p>`
}
<p><a href="signup?groupId=${g.id}">${g.access === 'closed' ? 'Ask to join' : 'Join'} ${g.name}</a></p>
</section>`,
)}`,
  });
}

/** A booking link that expired or is not valid (pages live at /sessions/{id}/book, so links climb two levels). */
export function bookingLinkErrorPage(org: OrgConfig, error: unknown): { status: number; page: RenderedPage } | undefined {
  const expired = error instanceof ExpiredTokenError;
  const invalid =
    error instanceof InvalidTokenError || (error instanceof ValidationError && ('t' in error.fields || 'token' in error.fields));
  if (!expired && !invalid) return undefined;
  return {
    status: expired ? 410 : 400,
    page: renderPage({
      title: expired ? 'This booking link has expired' : 'This booking link is not valid',
      orgName: org.name,
      body: html`<h1>${expired ? 'This booking link has expired' : 'This booking link is not valid'}</h1>
${
  expired
    ? html`<p>For your security, links in our emails only work for a limited time. The latest email about the group's sessions has a fresh link.</p>`
    : html`<p>The link may be incomplete: some email programs split long links. Try copying the whole link from the email into your browser.</p>`
}
<p><a href="../../directory">See all groups and sessions</a></p>`,
    }),
  };
}
