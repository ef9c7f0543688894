import { describe, expect, it } from 'vitest';
import { makeHandler as makePage } from '../../../functions/checkins/get-unsubscribe-page.ts';
import { makeHandler as makeUnsubscribe } from '../../../functions/checkins/unsubscribe.ts';
import { checkinLinks } from '../../../shared/domain/checkins/send-checkins.ts';
import { activeMember } from '../../domain/sessions/helpers.ts';
import { testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { get, invoke, postForm, textOf } from '../members/helpers.ts';

async function setup() {
  const deps = await testDeps();
  const member = await activeMember(deps, 'a');
  await deps.members.updatePreferences(member.memberId, { checkinEmails: true });
  const links = await checkinLinks(deps, 'S1', member.memberId);
  const token = new URL(links.unsubscribe).searchParams.get('t') ?? '';
  return { deps, member, token };
}

describe('check-in unsubscribe', () => {
  it('GET shows a page with a button and changes nothing', async () => {
    const { deps, member, token } = await setup();
    const response = await get(makePage(deps), '/checkins/unsubscribe', { t: token });
    expect(response.status).toBe(200);
    expect(response.body).toContain('Stop check-in emails</button>');
    expect(response.body).toContain(`<input type="hidden" name="token" value="${token}">`);
    expect(response.body).toContain('action="unsubscribe"');
    expect((await deps.members.get(member.memberId))?.checkinEmails).toBe(true);
  });

  it('the one-click POST (RFC 8058) turns off check-in emails only, and repeating it is fine', async () => {
    const { deps, member, token } = await setup();
    const oneClick = () =>
      invoke(
        makeUnsubscribe(deps),
        httpEvent('POST', '/checkins/unsubscribe', {
          query: { t: token },
          body: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      );
    const first = await oneClick();
    expect(first.status).toBe(200);
    const after = await deps.members.get(member.memberId);
    expect(after?.checkinEmails).toBe(false);
    expect(after?.emailOptOut).toBe(false);
    expect((await oneClick()).status).toBe(200);
  });

  it('the page button POSTs the token in a field and shows that it is done', async () => {
    const { deps, member, token } = await setup();
    const response = await postForm(makeUnsubscribe(deps), '/checkins/unsubscribe', { token });
    expect(response.status).toBe(200);
    expect(textOf(response.body)).toContain('Check-in emails are off');
    expect((await deps.members.get(member.memberId))?.checkinEmails).toBe(false);
  });

  it('refuses a forged, missing or other-purpose token with 4xx and changes nothing', async () => {
    const { deps, member } = await setup();
    const links = await checkinLinks(deps, 'S1', member.memberId);
    const answerToken = new URL(links.answers['1']).searchParams.get('t') ?? '';
    const unsubscribe = makeUnsubscribe(deps);
    expect((await postForm(unsubscribe, '/checkins/unsubscribe', { token: answerToken })).status).toBe(400);
    expect((await postForm(unsubscribe, '/checkins/unsubscribe', { token: 'nope' })).status).toBe(400);
    expect((await postForm(unsubscribe, '/checkins/unsubscribe', {})).status).toBe(400);
    expect((await get(makePage(deps), '/checkins/unsubscribe', { t: answerToken })).status).toBe(400);
    expect((await get(makePage(deps), '/checkins/unsubscribe')).status).toBe(400);
    expect((await deps.members.get(member.memberId))?.checkinEmails).toBe(true);
  });
});
