import { beforeEach, describe, expect, it } from 'vitest';
import { confirmSignup } from '../../../shared/domain/members/confirm-signup.ts';
import { createSignup } from '../../../shared/domain/members/create-signup.ts';
import { sendMemberEmail } from '../../../shared/domain/members/send-member-email.ts';
import { updateMembership } from '../../../shared/domain/members/update-membership.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { activeMember, eventOf, linkIn, mailRelay, signupRequest, tokenOf } from './helpers.ts';

describe('the member mail worker (sendMemberEmail)', () => {
  let deps: TestDeps;
  let relay: ReturnType<typeof mailRelay>;
  beforeEach(async () => {
    deps = await testDeps();
    relay = mailRelay(deps);
  });

  const signupRequested = () => eventOf(deps.table, 'MemberSignupRequested');

  it('sends the confirmation with a confirm-email token for the member, valid for the configured hours', async () => {
    await createSignup(deps, signupRequest({ email: ' Robin@Example.org' }));
    const event = await signupRequested();

    expect(await sendMemberEmail(deps, event)).toBe('sent');

    const [mail] = deps.mail.sent;
    expect(mail).toMatchObject({ to: 'Robin@Example.org', stream: 'member' });
    const claims = await deps.tokens.verify(tokenOf(linkIn(mail, '/confirm')), 'confirm-email');
    expect(claims.subject).toBe(event.data.memberId);
    expect(claims.expiresAt).toBe(Date.parse('2026-11-22T10:00:00Z') / 1000 + deps.org.members.confirmTokenHours * 3600);
  });

  it('sends once when the same message is delivered twice', async () => {
    await createSignup(deps, signupRequest());
    const event = await signupRequested();

    const outcomes = [await sendMemberEmail(deps, event), await sendMemberEmail(deps, event)];
    const concurrent = await Promise.all([sendMemberEmail(deps, event), sendMemberEmail(deps, event)]);

    expect(outcomes).toEqual(['sent', 'duplicate']);
    expect(concurrent).toEqual(['duplicate', 'duplicate']);
    expect(deps.mail.sent).toHaveLength(1);
  });

  it('sends on the retry after the mailer failed', async () => {
    await createSignup(deps, signupRequest());
    const event = await signupRequested();
    deps.mail.failNext();

    await expect(sendMemberEmail(deps, event)).rejects.toThrow(/unavailable/);
    expect(deps.mail.sent).toHaveLength(0);

    expect(await sendMemberEmail(deps, event)).toBe('sent');
    expect(deps.mail.sent).toHaveLength(1);
  });

  it('sends nothing to an erased member', async () => {
    const { manageToken } = await activeMember(deps, relay);
    await createSignup(deps, signupRequest());
    const repeated = await eventOf(deps.table, 'MemberSignupRepeated');
    await updateMembership(deps, { token: manageToken, action: 'erase', confirmErase: true });
    const sentBefore = deps.mail.sent.length;

    expect(await sendMemberEmail(deps, repeated)).toBe('skipped');
    expect(await sendMemberEmail(deps, await eventOf(deps.table, 'MemberErased'))).toBe('skipped');
    expect(deps.mail.sent).toHaveLength(sentBefore);
  });

  it('sends transactional mail even to a member who unsubscribed from all email', async () => {
    const { manageToken } = await activeMember(deps, relay);
    await updateMembership(deps, { token: manageToken, action: 'unsubscribe' });
    await createSignup(deps, signupRequest());

    const sent = await relay();

    expect(sent.map((m) => m.subject)).toEqual([`You already have an account with ${deps.org.name}`]);
  });

  it('skips a confirmation that is stale because the member already confirmed', async () => {
    await createSignup(deps, signupRequest());
    const first = await signupRequested();
    await createSignup(deps, signupRequest());
    const [mail] = await relay();
    await confirmSignup(deps, tokenOf(linkIn(mail, '/confirm')));
    deps.mail.sent.length = 0;

    // The first message is redelivered after the member confirmed from the second.
    const retried = { ...first, id: deps.ids.newId() };
    expect(await sendMemberEmail(deps, retried)).toBe('skipped');
    expect(deps.mail.sent).toEqual([]);
  });

  it('ignores events it does not handle and members it cannot find', async () => {
    const unknown = { id: 'E1', type: 'SomethingElse', data: { memberId: 'M1' } };
    const missing = { id: 'E2', type: 'MemberConfirmed', data: { memberId: 'NO-SUCH-MEMBER' } };
    expect(await sendMemberEmail(deps, unknown)).toBe('skipped');
    expect(await sendMemberEmail(deps, missing)).toBe('skipped');
    expect(deps.mail.sent).toEqual([]);
  });
});
