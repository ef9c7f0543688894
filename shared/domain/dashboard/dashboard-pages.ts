import { html, type RenderedPage, renderPage, type SafeHtml } from '../../runtime/html.ts';
import { type Distribution, FEWER_THAN_MIN, MIN_ANSWERS_SHOWN } from '../checkins/checkin-figures.ts';
import type { GroupTrend, TrendSession } from '../checkins/group-trend.ts';
import type { sessionCheckins } from '../checkins/session-checkins.ts';
import { ExpiredTokenError, InvalidTokenError, ValidationError } from '../errors.ts';
import { SIGN_IN_LINK_MINUTES } from '../facilitators/browser-sign-in.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import type { OrgConfig } from '../org/org-config.ts';
import type { JoinRequestView } from '../sessions/join-requests.ts';
import type { Group } from '../sessions/model.ts';
import { chartStyles, trendChart } from './trend-chart.ts';

/**
 * The facilitators' dashboard and its sign-in pages. No JavaScript. Links and forms are relative
 * (`root` climbs from the page's folder to the site root), so they hold behind any base path and
 * under the CSP's `form-action 'self'`.
 */

const styles = `
main{max-width:56rem}
${chartStyles}
.table-wrap{overflow-x:auto;margin:1rem 0}
.table-wrap:focus-visible{outline:3px solid var(--accent)}
.narrow table{max-width:26rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{text-align:left;padding:.45rem .55rem;border-bottom:1px solid var(--muted);vertical-align:top}
th{vertical-align:bottom}
tbody th{white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.hidden-figures{text-align:center;color:var(--muted);font-style:italic;white-space:nowrap}
.groups{list-style:none;padding:0}
.groups li{margin:.6rem 0;padding:.6rem .8rem;border:2px solid var(--muted);border-radius:.5rem}
.groups a{font-weight:600}
.bar-row{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
.bar-row form button{margin-top:0}
.bar-row p{margin:.5rem 0}
nav.crumbs{margin:.3rem 0 1rem}
table.requests th,table.requests td{vertical-align:middle}
table.requests form{margin:0}
table.requests button{margin:0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`;

function shell(org: OrgConfig, title: string, body: SafeHtml, root: string, who?: Facilitator): RenderedPage {
  const header = who
    ? html`<div class="bar-row"><p class="muted">Signed in as ${who.displayName} (${roleName(who.role)})</p>
<form method="post" action="${root}sign-out"><button type="submit" class="secondary">Sign out</button></form></div>`
    : '';
  return renderPage({ title, orgName: org.name, styles, body: html`${header}${body}` });
}

const roleName = (role: Facilitator['role']) =>
  role === 'admin' ? 'admin' : role === 'safeguarding_lead' ? 'safeguarding lead' : 'facilitator';

export function sessionDate(iso: string, timezone: string, style: 'long' | 'short' = 'long'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'long'
      ? { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: timezone }
      : { day: 'numeric', month: 'short', timeZone: timezone };
  return new Intl.DateTimeFormat('en-GB', options).format(new Date(iso));
}

const percent = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 100)}%`);

function distributionText(d: Distribution | null): string {
  return d ? [d['1'], d['2'], d['3'], d['4'], d['5']].join(' / ') : FEWER_THAN_MIN;
}

// --- sign-in ---------------------------------------------------------------------------------

export interface SignInFormState {
  email?: string;
  next?: string;
  error?: string;
  /** Shown above the form when a dashboard page was opened without a session. */
  notSignedIn?: { continueUrl: string };
}

/** GET /sign-in, and a dashboard page opened without a (valid) session. `root` climbs to the site root. */
export function signInPage(org: OrgConfig, state: SignInFormState = {}, root = ''): RenderedPage {
  const intro = state.notSignedIn
    ? html`<div class="notice"><p>You are not signed in, or your sign-in has ended.</p>
<p>If you opened this page from a link in an email and you are signed in in this browser, <a href="${state.notSignedIn.continueUrl}">continue to the page</a>.</p></div>`
    : '';
  return shell(
    org,
    `${state.error ? 'Error: ' : ''}Sign in`,
    html`<h1>Sign in to the dashboard</h1>
${intro}
<p>For facilitators. Enter your email address and we will email you a link to sign in. There is no password.</p>
<form method="post" action="${root}sign-in" novalidate>
${state.next ? html`<input type="hidden" name="next" value="${state.next}">` : ''}
<label for="email">Email address</label>
${state.error ? html`<p class="field-error" id="email-error">Error: ${state.error}</p>` : ''}
<input type="email" id="email" name="email" autocomplete="email" maxlength="254" required value="${state.email ?? ''}"${
      state.error ? html` aria-invalid="true" aria-describedby="email-error"` : ''
    }>
<button type="submit">Email me a sign-in link</button>
</form>`,
    root,
  );
}

/** The same answer to every sign-in request (no enumeration). */
export function signInSentPage(org: OrgConfig): RenderedPage {
  return shell(
    org,
    'Check your email',
    html`<h1>Check your email</h1>
<p>If that address belongs to a facilitator, we have emailed a link to sign in. It works once, for ${SIGN_IN_LINK_MINUTES} minutes.</p>
<p class="muted">Nothing there after a few minutes? Check your spam folder, or <a href="sign-in">ask again</a>.</p>`,
    '',
  );
}

/** GET /sign-in/confirm?t=…: a button, because opening a link must not sign anyone in. */
export function signInLinkPage(org: OrgConfig, token: string): RenderedPage {
  return shell(
    org,
    'Sign in',
    html`<h1>Sign in to the dashboard</h1>
<p>Press the button to sign in in this browser. You stay signed in for a few hours, or until you sign out.</p>
<form method="post" action="confirm">
<input type="hidden" name="token" value="${token}">
<button type="submit">Sign in</button>
</form>`,
    '../',
  );
}

export type SignInProblem = 'expired' | 'invalid' | 'used' | 'not-allowed';

export function signInProblemPage(org: OrgConfig, problem: SignInProblem, root: string): RenderedPage {
  const message: Record<SignInProblem, string> = {
    expired: `This sign-in link has expired: links work for ${SIGN_IN_LINK_MINUTES} minutes.`,
    invalid: 'This sign-in link is not valid. Copy the whole link from the email, or ask for a new one.',
    used: 'This sign-in link was already used (or a newer one was). Each link works once.',
    'not-allowed': 'This sign-in link cannot be used any more.',
  };
  return shell(
    org,
    'Sign-in link problem',
    html`<h1>That link did not work</h1>
<div class="error" role="alert"><p>${message[problem]}</p></div>
<p><a href="${root}sign-in">Ask for a new sign-in link</a></p>`,
    root,
  );
}

/** Maps a link error on the sign-in pages to its page (undefined: the generic error page). */
export function signInLinkError(org: OrgConfig, error: unknown, root: string) {
  if (error instanceof ExpiredTokenError) return { status: 410, page: signInProblemPage(org, 'expired', root) };
  if (error instanceof InvalidTokenError) return { status: 400, page: signInProblemPage(org, 'invalid', root) };
  if (error instanceof ValidationError && ('t' in error.fields || 'token' in error.fields)) {
    return { status: 400, page: signInProblemPage(org, 'invalid', root) };
  }
  return undefined;
}

export function signedOutPage(org: OrgConfig): RenderedPage {
  return shell(
    org,
    'Signed out',
    html`<h1>You are signed out</h1><p>You are signed out on every device.</p><p><a href="sign-in">Sign in again</a></p>`,
    '',
  );
}

// --- dashboard -------------------------------------------------------------------------------

/** GET /dashboard: the groups this person may see the check-ins of. */
export function dashboardPage(org: OrgConfig, who: Facilitator, groups: readonly Group[]): RenderedPage {
  const list = groups.length
    ? html`<ul class="groups">${groups.map(
        (g) =>
          html`<li><a href="dashboard/groups/${g.groupId}">${g.name}</a><br><span class="muted">${
            g.format === 'online' ? 'Online' : g.format === 'activity' ? 'Activity' : 'In person'
          } · ${g.access === 'closed' ? 'closed' : 'open'} · ${g.timezone}</span>${
            g.access === 'closed' ? html`<br><a href="dashboard/groups/${g.groupId}/requests">Requests to join</a>` : ''
          }</li>`,
      )}</ul>`
    : html`<p>You do not facilitate any group yet.</p>`;
  return shell(
    org,
    'Dashboard',
    html`<h1>Your groups</h1>
<p>Wellbeing check-ins per group: how many answered after each session, and how they felt. Closed groups: who asked to join.</p>
${list}`,
    '',
    who,
  );
}

/** GET /dashboard/groups/{groupId}: the chart and the table of the same figures. */
export function groupTrendPage(org: OrgConfig, who: Facilitator, trend: GroupTrend): RenderedPage {
  const short = (s: TrendSession) => sessionDate(s.startsAt, trend.timezone, 'short');
  const rows = trend.sessions.map(
    (s) => html`<tr>
<th scope="row"><a href="../sessions/${s.sessionId}">${sessionDate(s.startsAt, trend.timezone)}</a>${s.cancelled ? ' (cancelled)' : ''}</th>
<td class="num">${s.sent}</td><td class="num">${s.opened}</td><td class="num">${s.answered}</td>
<td class="num">${percent(s.responseRate)}</td>
${
  s.mean === null || s.distribution === null
    ? html`<td colspan="2" class="hidden-figures">${FEWER_THAN_MIN}</td>`
    : html`<td class="num">${s.mean.toFixed(2)}</td><td class="num">${distributionText(s.distribution)}</td>`
}
<td class="num">${s.flagged}</td>
</tr>`,
  );
  const body = trend.sessions.length
    ? html`${trendChart(trend.sessions, short)}
<div class="table-wrap" role="region" aria-labelledby="sessions-caption" tabindex="0">
<table>
<caption id="sessions-caption">Check-ins per session, oldest first</caption>
<thead><tr><th scope="col">Session</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Opened</th><th scope="col" class="num">Answered</th><th scope="col" class="num">Response<br>rate</th><th scope="col" class="num">Mean<br>answer</th><th scope="col" class="num">Answers<br>1 / 2 / 3 / 4 / 5</th><th scope="col" class="num">Automated<br>loads</th></tr></thead>
<tbody>${rows}</tbody>
</table>
</div>`
    : html`<p>No check-ins have been sent for this group's sessions yet.</p>`;
  return shell(
    org,
    `Check-ins: ${trend.name}`,
    html`<nav class="crumbs"><a href="../../dashboard">Your groups</a></nav>
<h1>${trend.name}: check-ins</h1>
<p class="muted">Mean and answers are shown only for sessions with at least ${MIN_ANSWERS_SHOWN} answers, so that nobody's answer can be picked out. Loads flagged as automated (mail scanners) are counted apart and never as answers.</p>
${body}`,
    '../../',
    who,
  );
}

/** What a join-request approval answered, shown once on the page it leads back to. */
export type JoinRequestDone = 'approved' | 'already_member';

/**
 * GET /dashboard/groups/{groupId}/requests: who asked to join, oldest first, each with an Approve
 * button (a POST form: opening the page changes nothing). Names only: they signed up to be known by it.
 */
export function joinRequestsPage(
  org: OrgConfig,
  who: Facilitator,
  group: Pick<Group, 'groupId' | 'name' | 'access' | 'timezone'>,
  requests: readonly JoinRequestView[],
  done?: JoinRequestDone,
): RenderedPage {
  const notice =
    done === 'approved'
      ? html`<div class="notice" role="status"><p>Approved. They are now a member of ${group.name} and will get an email with the sessions they can book.</p></div>`
      : done === 'already_member'
        ? html`<div class="notice" role="status"><p>They were already a member: nothing changed.</p></div>`
        : '';
  const table = requests.length
    ? html`<div class="table-wrap" role="region" aria-labelledby="requests-caption" tabindex="0"><table class="requests">
<caption id="requests-caption">Asking to join, oldest first</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Asked on</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${requests.map(
        (r) => html`<tr><th scope="row">${r.displayName || 'A member'}</th><td>${sessionDate(r.requestedAt, group.timezone)}</td>
<td><form method="post" action="requests/${r.memberId}/approve"><button type="submit">Approve${
          r.displayName ? html`<span class="visually-hidden"> ${r.displayName}</span>` : ''
        }</button></form></td></tr>`,
      )}</tbody></table></div>`
    : html`<p>Nobody is waiting to join.</p>`;
  return shell(
    org,
    `Requests to join: ${group.name}`,
    html`<nav class="crumbs"><a href="../../../dashboard">Your groups</a> › <a href="../${group.groupId}">${group.name}</a></nav>
<h1>${group.name}: requests to join</h1>
${notice}
<p class="muted">${
      group.access === 'closed'
        ? 'People who signed up from this closed group and asked to join it. Approving makes them a member and emails them the sessions they can book; nobody else is told.'
        : 'This group is open: people who sign up from it join at once. Requests made while it was closed are still here.'
    }</p>
${table}`,
    '../../../',
    who,
  );
}

type SessionView = Awaited<ReturnType<typeof sessionCheckins>>;

/** GET /dashboard/sessions/{sessionId}: one session's check-ins. */
export function sessionCheckinsPage(org: OrgConfig, who: Facilitator, view: SessionView): RenderedPage {
  const figures = html`<div class="table-wrap narrow"><table>
<caption>Figures</caption>
<tbody>
<tr><th scope="row">Sent</th><td class="num">${view.sent}</td></tr>
<tr><th scope="row">Opened</th><td class="num">${view.opened}</td></tr>
<tr><th scope="row">Answered</th><td class="num">${view.answered}</td></tr>
<tr><th scope="row">Response rate</th><td class="num">${percent(view.responseRate)}</td></tr>
<tr><th scope="row">Mean answer</th><td class="num">${view.mean === null ? FEWER_THAN_MIN : view.mean.toFixed(2)}</td></tr>
<tr><th scope="row">Flagged as automated</th><td class="num">${view.flagged}</td></tr>
</tbody></table></div>`;
  const d = view.distribution;
  const distribution = d
    ? html`<div class="table-wrap narrow"><table><caption>Answers</caption>
<thead><tr><th scope="col">Answer</th><th scope="col" class="num">People</th></tr></thead>
<tbody>${(['1', '2', '3', '4', '5'] as const).map(
        (k) =>
          html`<tr><th scope="row">${k} ${k === '1' ? '(very low)' : k === '5' ? '(very good)' : ''}</th><td class="num">${d[k]}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p><strong>Answers:</strong> ${FEWER_THAN_MIN}, so they are not shown (they could identify people).</p>`;
  const person = (c: SessionView['contactRequests'][number]) =>
    html`${c.displayName || 'A member (no longer active)'}${c.email ? html` · <a href="mailto:${c.email}">${c.email}</a>` : ''}`;
  // With staff alerts on, everyone an alert was about (a contact request or a low answer, never
  // the score); with them off, only those who asked to be contacted.
  const contacts = view.followUps.length
    ? html`<h2>Needs a follow-up</h2><ul>${view.followUps.map(
        (c) =>
          html`<li>${person(c)} · ${c.reason === 'contact_request' ? 'asked to be contacted' : 'answered in a way that needs a follow-up'}</li>`,
      )}</ul>`
    : view.contactRequests.length
      ? html`<h2>Asked to be contacted</h2><ul>${view.contactRequests.map((c) => html`<li>${person(c)}</li>`)}</ul>`
      : html`<h2>Follow-up</h2><p>Nobody asked to be contacted${org.checkins.staffAlerts ? ' or answered in a way that needs a follow-up' : ''}.</p>`;
  const comments =
    'comments' in view && view.comments
      ? html`<h2>Comments</h2>${
          view.comments.length
            ? html`<ul>${view.comments.map((c) => html`<li>${c.comment}</li>`)}</ul>`
            : html`<p>No comments.</p>`
        }`
      : '';
  return shell(
    org,
    `Check-ins: ${view.groupName}`,
    html`<nav class="crumbs"><a href="../../dashboard">Your groups</a> › <a href="../groups/${view.groupId}">${view.groupName}</a></nav>
<h1>${view.groupName}, ${sessionDate(view.startsAt, view.timezone)}</h1>
${figures}
${distribution}
${contacts}
${comments}`,
    '../../',
    who,
  );
}
