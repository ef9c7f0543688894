import { beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as makeManagePage } from '../../../functions/members/get-manage-page.ts';
import { makeHandler as makeUpdate } from '../../../functions/members/update-membership.ts';
import { activeMember, mailRelay, scanAll } from '../../domain/members/helpers.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { get, postForm, postJson, textOf } from './helpers.ts';

describe('GET /manage and POST /manage', () => {
  let deps: TestDeps;
  let relay: ReturnType<typeof mailRelay>;
  let page: ReturnType<typeof makeManagePage>;
  let update: ReturnType<typeof makeUpdate>;
  beforeEach(async () => {
    deps = await testDeps();
    relay = mailRelay(deps);
    page = makeManagePage(deps);
    update = makeUpdate(deps);
  });

  it('opens the manage page with one form per action, and changes nothing', async () => {
    const { manageToken } = await activeMember(deps, relay, { displayName: '<Robin & co>' });
    const before = await scanAll(deps.table);

    const response = await get(page, '/manage', { t: manageToken });

    expect(response.status).toBe(200);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.body).toContain('&lt;Robin &amp; co&gt;');
    for (const button of ['Turn off check-in emails', 'Unsubscribe from all email', 'Delete my data']) {
      expect(response.body).toContain(`${button}</button>`);
    }
    expect(response.body).toMatch(
      /<input type="checkbox" id="confirmErase" name="confirmErase" value="yes" required>\s*<label for="confirmErase">I understand this cannot be undone<\/label>/,
    );
    expect(response.body.match(/<input type="hidden" name="token" value="([^"]+)">/g)?.length).toBe(3);
    expect(response.body).not.toMatch(/action="[^"]*\?/); // the token never goes in a form's URL
    expect(await scanAll(deps.table)).toEqual(before);
  });

  it('turns check-in emails off, unsubscribes from all email, and says so', async () => {
    const { manageToken, memberId } = await activeMember(deps, relay);

    const off = await postForm(update, '/manage', { token: manageToken, action: 'checkin-emails-off' });
    expect(off.status).toBe(200);
    expect(textOf(off.body)).toContain('Check-in emails are now off.');
    expect(off.body).toContain('Turn on check-in emails</button>');

    const unsubscribed = await postForm(update, '/manage', { token: manageToken, action: 'unsubscribe' });
    expect(textOf(unsubscribed.body)).toContain('You have unsubscribed from all email.');
    expect(unsubscribed.body).toContain('Turn email back on</button>');
    expect(await deps.members.get(memberId)).toMatchObject({ checkinEmails: false, emailOptOut: true, status: 'active' });
  });

  it('asks again, with a message by the checkbox, when "Delete my data" is pressed without the tick', async () => {
    const { manageToken, memberId } = await activeMember(deps, relay);

    const response = await postForm(update, '/manage', { token: manageToken, action: 'erase' });

    expect(response.status).toBe(400);
    expect(textOf(response.body)).toContain('Error: Tick "I understand this cannot be undone" to delete your data');
    expect(response.body).toMatch(/id="confirmErase"[^>]*aria-invalid="true"/);
    expect((await deps.members.get(memberId))?.status).toBe('active');
  });

  it('deletes the data, says exactly what is kept and why, and says so on every later visit', async () => {
    const { manageToken, memberId } = await activeMember(deps, relay);

    const response = await postForm(update, '/manage', { token: manageToken, action: 'erase', confirmErase: 'yes' });

    expect(response.status).toBe(200);
    const text = textOf(response.body);
    expect(text).toContain('Your data has been deleted');
    expect(text).toContain('We have deleted your email address, your name');
    expect(text).toMatch(/What we keep, and why/);
    expect(text).toMatch(/A reference number: a random code/);
    expect(text).toMatch(/safeguarding concern/);
    expect(text).toMatch(/Nothing we keep can be used to identify or contact you/);
    expect((await deps.members.get(memberId))?.status).toBe('erased');

    const later = await get(page, '/manage', { t: manageToken });
    expect(later.status).toBe(200);
    expect(textOf(later.body)).toContain('Your data has been deleted');
    expect(later.body).not.toContain('<form');
    const pressedAgain = await postForm(update, '/manage', { token: manageToken, action: 'resubscribe' });
    expect(textOf(pressedAgain.body)).toContain('Your data has been deleted');
  });

  it('answers JSON clients in JSON, with field messages', async () => {
    const { manageToken } = await activeMember(deps, relay);

    const ok = await postJson(update, '/manage', { token: manageToken, action: 'checkin-emails-off' });
    const bad = await postJson(update, '/manage', { token: manageToken, action: 'explode' });

    expect(JSON.parse(ok.body)).toEqual({
      status: 'active',
      done: 'checkin-emails-off',
      checkinEmails: false,
      emailOptOut: false,
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.fields).toEqual({ action: 'choose one of the buttons on the page' });
  });

  it('shows 410 for an expired manage link, with a way to get a new one, and 400 for a confirm token', async () => {
    const { manageToken, confirmToken } = await activeMember(deps, relay);

    const wrongPurpose = await get(page, '/manage', { t: confirmToken });
    deps.clock.advance(deps.org.members.manageTokenDays * 86_400_000);
    const expired = await get(page, '/manage', { t: manageToken });
    const expiredPost = await postForm(update, '/manage', { token: manageToken, action: 'unsubscribe' });

    expect(wrongPurpose.status).toBe(400);
    expect(expired.status).toBe(410);
    expect(expiredPost.status).toBe(410);
    expect(textOf(expired.body)).toMatch(/This link has expired.*enter your email address on the sign-up page/);
  });
});
