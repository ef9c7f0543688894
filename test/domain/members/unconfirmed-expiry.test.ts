import { beforeEach, describe, expect, it } from 'vitest';
import { confirmSignup } from '../../../shared/domain/members/confirm-signup.ts';
import { createSignup } from '../../../shared/domain/members/create-signup.ts';
import { emailKey, UNCONFIRMED_RETENTION_DAYS } from '../../../shared/domain/members/member.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { mailRelay, scanAll, signUpForToken, signupRequest } from './helpers.ts';

const DAY = 86_400_000;

describe('unconfirmed sign-ups are not kept', () => {
  let deps: TestDeps;
  let relay: ReturnType<typeof mailRelay>;
  beforeEach(async () => {
    deps = await testDeps();
    relay = mailRelay(deps);
  });

  const itemsFor = async (email: string) => {
    const items = await scanAll(deps.table);
    const record = items.find((i) => i.pk === `EMAIL#${emailKey(email)}`);
    const profile = items.find((i) => i.pk === `MEMBER#${record?.memberId}`);
    return { record, profile };
  };

  it('gives an unconfirmed sign-up and its address record an expiry for DynamoDB TTL', async () => {
    await signUpForToken(deps, relay);
    const { record, profile } = await itemsFor('robin@example.org');
    const expected = Math.floor(deps.clock.now().getTime() / 1000) + UNCONFIRMED_RETENTION_DAYS * 86_400;
    expect(profile?.expiresAt).toBe(expected);
    expect(record?.expiresAt).toBe(expected);
  });

  it('treats an expired unconfirmed sign-up as gone, even before TTL deletes it, and frees the address', async () => {
    await signUpForToken(deps, relay);
    const before = await deps.members.findByEmail('robin@example.org');
    deps.clock.advance((UNCONFIRMED_RETENTION_DAYS + 1) * DAY);

    expect(await deps.members.findByEmail('robin@example.org')).toBeUndefined();
    expect(await deps.members.get(before?.memberId ?? '')).toBeUndefined();

    expect((await createSignup(deps, signupRequest())).outcome).toBe('created');
    const after = await deps.members.findByEmail('robin@example.org');
    expect(after?.status).toBe('pending');
    expect(after?.memberId).not.toBe(before?.memberId);
  });

  it('keeps an unconfirmed sign-up longer when the confirmation is sent again', async () => {
    await signUpForToken(deps, relay);
    deps.clock.advance((UNCONFIRMED_RETENTION_DAYS - 1) * DAY);
    expect((await createSignup(deps, signupRequest())).outcome).toBe('confirmation-resent');
    deps.clock.advance(3 * DAY);
    expect((await deps.members.findByEmail('robin@example.org'))?.status).toBe('pending');
  });

  it('keeps a confirmed member: confirming removes the expiry from both items', async () => {
    const token = await signUpForToken(deps, relay);
    expect(await confirmSignup(deps, token)).toBe('confirmed');
    const { record, profile } = await itemsFor('robin@example.org');
    expect(profile?.expiresAt).toBeUndefined();
    expect(record?.expiresAt).toBeUndefined();
    deps.clock.advance(400 * DAY);
    expect((await deps.members.findByEmail('robin@example.org'))?.status).toBe('active');
  });
});
