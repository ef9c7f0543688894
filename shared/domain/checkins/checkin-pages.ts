import type { CheckinRecord } from '../../ports/index.ts';
import { html, type RenderedPage, renderPage, type SafeHtml } from '../../runtime/html.ts';
import { ExpiredTokenError, InvalidTokenError, ValidationError } from '../errors.ts';
import { crisisFooter } from '../members/member-pages.ts';
import type { OrgConfig } from '../org/org-config.ts';
import { ANSWER_LABELS, type CheckinAnswerLink } from './checkin-emails.ts';

const SCORES = ['1', '2', '3', '4', '5'] as const;

const until = (date: Date) => date.toUTCString().replace(/:\d\d GMT$/, ' UTC');

/**
 * The answer page: the emailed link's answer pre-selected (or the saved answer, once sent), an
 * optional comment and a "contact me" box. Only "Send my answer" records anything.
 */
export function checkinPage(
  org: OrgConfig,
  options: {
    sessionId: string;
    token: string;
    link: CheckinAnswerLink;
    saved?: CheckinRecord['answer'];
    expiresAt: Date;
    values?: { score?: string; contact?: boolean; comment?: string };
    errors?: Record<string, string>;
  },
): RenderedPage {
  const { saved, errors = {} } = options;
  const score = options.values?.score ?? (saved ? String(saved.score ?? '') : options.link === 'contact' ? '' : options.link);
  const contact = options.values?.contact ?? (saved ? saved.contact : options.link === 'contact');
  const comment = options.values?.comment ?? saved?.comment ?? '';
  const error = (name: string): SafeHtml | string =>
    errors[name] ? html`<p class="field-error" id="${name}-error">Error: ${errors[name]}</p>` : '';
  return renderPage({
    title: "How are you feeling after today's session?",
    orgName: org.name,
    body: html`<h1>How are you feeling after today's session?</h1>
${
  saved
    ? html`<div class="notice" role="status"><p>We have your answer${saved.score !== undefined ? html`: ${ANSWER_LABELS[String(saved.score) as CheckinAnswerLink]}` : ''}${
        saved.contact ? html` (you asked us to contact you)` : ''
      }. You can change it until ${until(options.expiresAt)}.</p></div>`
    : html`<p>Nothing is sent until you press "Send my answer". You can change your answer until ${until(options.expiresAt)}.</p>`
}
<form method="post" action="${options.sessionId}">
<input type="hidden" name="token" value="${options.token}">
<fieldset${errors.score ? html` aria-describedby="score-error"` : ''}>
<legend>How are you feeling?</legend>
${error('score')}
${SCORES.map(
  (
    s,
  ) => html`<div class="check"><input type="radio" id="score-${s}" name="score" value="${s}"${score === s ? html` checked` : ''}>
<label for="score-${s}">${ANSWER_LABELS[s]}</label></div>`,
)}
</fieldset>
<div class="check"><input type="checkbox" id="contact" name="contact" value="yes"${contact ? html` checked` : ''}>
<label for="contact">I'd like someone to contact me</label></div>
<label for="comment">Anything you would like to add (optional, up to 1000 characters)</label>
${error('comment')}
<textarea id="comment" name="comment" maxlength="1000" rows="4"${errors.comment ? html` aria-invalid="true" aria-describedby="comment-error"` : ''}>${comment}</textarea>
<button type="submit">Send my answer</button>
</form>`,
    footer: crisisFooter(org),
  });
}

/** After "Send my answer". A low answer or a request to be contacted shows the crisis lines at once. */
export function checkinThanksPage(org: OrgConfig, answer: NonNullable<CheckinRecord['answer']>, changed: boolean): RenderedPage {
  const low = (answer.score !== undefined && answer.score <= org.checkins.alertThreshold) || answer.contact;
  return renderPage({
    title: 'Thank you for your answer',
    orgName: org.name,
    body: html`<h1>Thank you</h1>
<div class="notice" role="status"><p>${changed ? 'Your answer is updated.' : 'Your answer is saved.'}${
      answer.contact ? ' Someone from our team will be in touch.' : ''
    }</p></div>
${
  low
    ? html`<h2>If you need support now</h2>
<p>You do not have to wait for us. These services can help straight away:</p>
<ul>${org.crisisLines.map(
        (line) =>
          html`<li><strong>${line.name}</strong>${line.phone ? html`: ${line.phone}` : ''}${line.text ? html`: ${line.text}` : ''}${
            line.hours ? html` (${line.hours})` : ''
          }${line.url ? html` <a href="${line.url}">${line.name} website</a>` : ''}</li>`,
      )}</ul>`
    : ''
}`,
    footer: crisisFooter(org),
  });
}

/** An expired check-in link (410: it has closed) or a forged/mangled one (400). */
export function checkinLinkError(org: OrgConfig, error: unknown): { status: number; page: RenderedPage } | undefined {
  const expired = error instanceof ExpiredTokenError;
  const invalid =
    error instanceof InvalidTokenError ||
    (error instanceof ValidationError && ('t' in error.fields || 'token' in error.fields || 'a' in error.fields));
  if (!expired && !invalid) return undefined;
  return {
    status: expired ? 410 : 400,
    page: renderPage({
      title: expired ? 'This check-in has closed' : 'This link is not valid',
      orgName: org.name,
      body: expired
        ? html`<h1>This check-in has closed</h1>
<p>Answers to this check-in are no longer collected. If you would like to talk to someone, the services below can help.</p>`
        : html`<h1>This link is not valid</h1>
<p>The link may be incomplete: some email programs split long links. Try copying the whole link from the email into your browser.</p>`,
      footer: crisisFooter(org),
    }),
  };
}
