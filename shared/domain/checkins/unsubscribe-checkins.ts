import type { Deps } from '../../ports/index.ts';
import { html, type RenderedPage, renderPage } from '../../runtime/html.ts';
import { ExpiredTokenError, InvalidTokenError } from '../errors.ts';
import { crisisFooter } from '../members/member-pages.ts';
import type { OrgConfig } from '../org/org-config.ts';
import { CHECKIN_TOKEN_PURPOSE } from './send-checkins.ts';

/**
 * The check-in email's one-click unsubscribe (RFC 8058): POST /checkins/unsubscribe?t=… turns off
 * check-in emails only (other email is not affected). Repeating it changes nothing more; a member
 * whose data is gone gets the same answer (nothing left to turn off).
 */
export async function unsubscribeCheckins(deps: Pick<Deps, 'tokens' | 'members'>, token: string): Promise<'done'> {
  const claims = await deps.tokens.verify(token, CHECKIN_TOKEN_PURPOSE.unsubscribe);
  const member = await deps.members.get(claims.subject);
  if (!member) throw new InvalidTokenError('This link is not valid.');
  if (member.status !== 'erased' && member.checkinEmails) {
    await deps.members.updatePreferences(member.memberId, { checkinEmails: false });
  }
  return 'done';
}

/** Checks the link without changing anything (the GET page). */
export async function checkUnsubscribeLink(deps: Pick<Deps, 'tokens'>, token: string): Promise<void> {
  await deps.tokens.verify(token, CHECKIN_TOKEN_PURPOSE.unsubscribe);
}

/** GET: a page with one button; the token goes in a hidden field, never in the form's URL. */
export function unsubscribePage(org: OrgConfig, token: string): RenderedPage {
  return renderPage({
    title: 'Stop check-in emails',
    orgName: org.name,
    body: html`<h1>Stop check-in emails</h1>
<p>After each session you attend we email you to ask how you are feeling. Press the button to stop these emails.
Other email from ${org.name} (bookings, reminders) is not affected.</p>
<form method="post" action="unsubscribe">
<input type="hidden" name="token" value="${token}">
<button type="submit">Stop check-in emails</button>
</form>`,
    footer: crisisFooter(org),
  });
}

export function unsubscribedPage(org: OrgConfig): RenderedPage {
  return renderPage({
    title: 'Check-in emails are off',
    orgName: org.name,
    body: html`<h1>Check-in emails are off</h1>
<div class="notice" role="status"><p>Done. We will not send you check-in emails after sessions.</p></div>
<p>You can turn them on again from the manage page linked in any of our emails.</p>`,
    footer: crisisFooter(org),
  });
}

/** An expired (410) or forged/mangled (400) unsubscribe link. */
export function unsubscribeLinkError(org: OrgConfig, error: unknown): { status: number; page: RenderedPage } | undefined {
  const expired = error instanceof ExpiredTokenError;
  if (!expired && !(error instanceof InvalidTokenError)) return undefined;
  return {
    status: expired ? 410 : 400,
    page: renderPage({
      title: expired ? 'This link has expired' : 'This link is not valid',
      orgName: org.name,
      body: html`<h1>${expired ? 'This link has expired' : 'This link is not valid'}</h1>
<p>You can turn off check-in emails from your manage page: the link is in every email we send you.</p>`,
      footer: crisisFooter(org),
    }),
  };
}
