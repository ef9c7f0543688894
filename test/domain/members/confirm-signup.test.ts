import { beforeEach, describe, expect, it } from 'vitest';
import { ExpiredTokenError, InvalidTokenError } from '../../../shared/domain/errors.ts';
import { confirmSignup, viewConfirmation } from '../../../shared/domain/members/confirm-signup.ts';
import { updateMembership } from '../../../shared/domain/members/update-membership.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { activeMember, linkIn, mailRelay, outboxEvents, scanAll, signUpForToken, tokenOf } from './helpers.ts';

describe('confirming an email address', () => {
  let deps: TestDeps;
  let relay: ReturnType<typeof mailRelay>;
  beforeEach(async () => {
    deps = await testDeps();
    relay = mailRelay(deps);
  });

  it('does not confirm when the link is only opened', async () => {
    const token = await signUpForToken(deps, relay);
    const before = await scanAll(deps.table);

    expect(await viewConfirmation(deps, token)).toBe('pending');
    expect(await viewConfirmation(deps, token)).toBe('pending');

    expect(await scanAll(deps.table)).toEqual(before);
  });

  it('activates a pending member and queues the welcome email with a manage link', async () => {
    const token = await signUpForToken(deps, relay);

    deps.clock.advance(60_000);
    expect(await confirmSignup(deps, token)).toBe('confirmed');

    const member = await deps.members.findByEmail('robin@example.org');
    expect(member).toMatchObject({ status: 'active', confirmedAt: '2026-11-22T10:01:00.000Z' });
    expect((await outboxEvents(deps.table)).map((e) => e.type)).toEqual(['MemberSignupRequested', 'MemberConfirmed']);
    const [welcome] = await relay();
    expect(welcome?.subject).toBe(`Welcome to ${deps.org.name}`);
    const manage = await deps.tokens.verify(tokenOf(linkIn(welcome, '/manage')), 'manage');
    expect(manage.subject).toBe(member?.memberId);
  });

  it('says "already confirmed" the second time and changes nothing', async () => {
    const token = await signUpForToken(deps, relay);
    await confirmSignup(deps, token);
    const before = await scanAll(deps.table);

    expect(await confirmSignup(deps, token)).toBe('already-confirmed');
    expect(await viewConfirmation(deps, token)).toBe('already-confirmed');

    expect(await scanAll(deps.table)).toEqual(before);
  });

  it('confirms once when the button is pressed twice at the same moment', async () => {
    const token = await signUpForToken(deps, relay);

    const results = await Promise.all([confirmSignup(deps, token), confirmSignup(deps, token), confirmSignup(deps, token)]);

    expect(results.filter((r) => r === 'confirmed')).toHaveLength(1);
    expect((await outboxEvents(deps.table)).filter((e) => e.type === 'MemberConfirmed')).toHaveLength(1);
  });

  it('refuses an expired link, and changes nothing', async () => {
    const token = await signUpForToken(deps, relay);
    deps.clock.advance(deps.org.members.confirmTokenHours * 3600 * 1000);

    await expect(viewConfirmation(deps, token)).rejects.toBeInstanceOf(ExpiredTokenError);
    await expect(confirmSignup(deps, token)).rejects.toBeInstanceOf(ExpiredTokenError);
    expect((await deps.members.findByEmail('robin@example.org'))?.status).toBe('pending');
  });

  it('refuses a token made for another purpose, a forged one and a mangled one', async () => {
    const { manageToken } = await activeMember(deps, relay, { email: 'other@example.org' });
    const pendingToken = await signUpForToken(deps, relay);
    const claims = await deps.tokens.verify(pendingToken, 'confirm-email');
    const [payload, mac] = pendingToken.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ p: 'confirm-email', s: claims.subject, n: 'x', x: 9e9 })).toString('base64url')}.${mac}`;

    // The manage token is genuine but for another purpose.
    await expect(confirmSignup(deps, manageToken)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(confirmSignup(deps, forged)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(confirmSignup(deps, `${payload}.${mac.slice(0, -2)}`)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(confirmSignup(deps, 'not a token')).rejects.toBeInstanceOf(InvalidTokenError);
    expect((await deps.members.findByEmail('robin@example.org'))?.status).toBe('pending');
  });

  it('refuses a genuine token whose member does not exist here', async () => {
    const token = await deps.tokens.sign({ purpose: 'confirm-email', subject: '01JDQ3R8Y4V5W6X7Y8Z9A0B1C2', ttlSeconds: 600 });
    await expect(confirmSignup(deps, token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('reports an erased member’s confirmation link as erased, without recreating anything', async () => {
    const { confirmToken, manageToken } = await activeMember(deps, relay);
    await updateMembership(deps, { token: manageToken, action: 'erase', confirmErase: true });
    const before = await scanAll(deps.table);

    expect(await viewConfirmation(deps, confirmToken)).toBe('erased');
    expect(await confirmSignup(deps, confirmToken)).toBe('erased');
    expect(await scanAll(deps.table)).toEqual(before);
  });
});
