import { beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as makeConfirm } from '../../../functions/members/confirm-signup.ts';
import { makeHandler as makeConfirmPage } from '../../../functions/members/get-confirm-page.ts';
import { updateMembership } from '../../../shared/domain/members/update-membership.ts';
import { activeMember, mailRelay, scanAll, signUpForToken } from '../../domain/members/helpers.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { get, postForm, postJson, textOf } from './helpers.ts';

describe('GET /confirm and POST /confirm', () => {
  let deps: TestDeps;
  let relay: ReturnType<typeof mailRelay>;
  let page: ReturnType<typeof makeConfirmPage>;
  let confirm: ReturnType<typeof makeConfirm>;
  beforeEach(async () => {
    deps = await testDeps();
    relay = mailRelay(deps);
    page = makeConfirmPage(deps);
    confirm = makeConfirm(deps);
  });

  it('opens a page that explains confirming and has the button, and changes nothing', async () => {
    const token = await signUpForToken(deps, relay);
    const before = await scanAll(deps.table);

    const response = await get(page, '/confirm', { t: token });
    await get(page, '/confirm', { t: token }, {}); // a scanner: no Accept header at all

    expect(response.status).toBe(200);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(textOf(response.body)).toMatch(/Confirming tells us this email address is yours/);
    expect(response.body).toMatch(
      /<form method="post" action="confirm">\s*<input type="hidden" name="token" value="[^"]+">\s*<button type="submit">Confirm my email address<\/button>/,
    );
    expect(response.body).toContain(`value="${token}"`);
    expect(await scanAll(deps.table)).toEqual(before);
    expect((await deps.members.findByEmail('robin@example.org'))?.status).toBe('pending');
  });

  it('confirms on the button, then says "already confirmed" (200) the second time', async () => {
    const token = await signUpForToken(deps, relay);

    const first = await postForm(confirm, '/confirm', { token });
    const second = await postForm(confirm, '/confirm', { token });
    const reopened = await get(page, '/confirm', { t: token });

    expect(first.status).toBe(200);
    expect(textOf(first.body)).toMatch(/Your email address is confirmed/);
    expect(second.status).toBe(200);
    expect(textOf(second.body)).toMatch(/already confirmed/);
    expect(reopened.status).toBe(200);
    expect(reopened.body).not.toContain('<form');
    expect((await deps.members.findByEmail('robin@example.org'))?.status).toBe('active');
  });

  it('answers JSON clients in JSON', async () => {
    const token = await signUpForToken(deps, relay);
    expect(JSON.parse((await postJson(confirm, '/confirm', { token })).body)).toEqual({ status: 'confirmed' });
    expect(JSON.parse((await postJson(confirm, '/confirm', { token })).body)).toEqual({ status: 'already_confirmed' });
  });

  it('shows a clear 410 page with a way to sign up again for an expired link, and confirms nothing', async () => {
    const token = await signUpForToken(deps, relay);
    deps.clock.advance(deps.org.members.confirmTokenHours * 3600 * 1000 + 1000);

    const opened = await get(page, '/confirm', { t: token });
    const pressed = await postForm(confirm, '/confirm', { token });

    for (const response of [opened, pressed]) {
      expect(response.status).toBe(410);
      expect(textOf(response.body)).toMatch(/This link has expired/);
      expect(response.body).toContain('<a href="signup">Sign up again</a>');
    }
    expect((await deps.members.findByEmail('robin@example.org'))?.status).toBe('pending');
  });

  it('shows a 400 page for a forged, mangled or missing token', async () => {
    const token = await signUpForToken(deps, relay);
    const responses = [
      await get(page, '/confirm', { t: `${token.slice(0, -3)}abc` }),
      await get(page, '/confirm', { t: 'garbage' }),
      await get(page, '/confirm'),
      await postForm(confirm, '/confirm', { token: token.replace('.', '.x') }),
      await postForm(confirm, '/confirm', {}),
    ];
    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(textOf(response.body)).toMatch(/This link is not valid/);
    }
    expect((await deps.members.findByEmail('robin@example.org'))?.status).toBe('pending');
  });

  it('refuses a manage token on the confirm route', async () => {
    const { manageToken } = await activeMember(deps, relay, { email: 'other@example.org' });
    expect((await postForm(confirm, '/confirm', { token: manageToken })).status).toBe(400);
  });

  it('says the sign-up was deleted when its member was erased', async () => {
    const { confirmToken, manageToken } = await activeMember(deps, relay);
    await updateMembership(deps, { token: manageToken, action: 'erase', confirmErase: true });

    const response = await postForm(confirm, '/confirm', { token: confirmToken });

    expect(response.status).toBe(410);
    expect(textOf(response.body)).toMatch(/This sign-up was deleted/);
    expect(await deps.members.findByEmail('robin@example.org')).toBeUndefined();
  });
});
