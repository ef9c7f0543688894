import { beforeEach, describe, expect, it } from 'vitest';
import { emailKey } from '../../../shared/domain/members/member.ts';
import { updateMembership, viewMembership } from '../../../shared/domain/members/update-membership.ts';
import { ZodError } from '../../../shared/zod.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { activeMember, mailRelay, outboxEvents, scanAll } from './helpers.ts';

describe('managing a membership', () => {
  let deps: TestDeps;
  let relay: ReturnType<typeof mailRelay>;
  beforeEach(async () => {
    deps = await testDeps();
    relay = mailRelay(deps);
  });

  it('turns check-in emails off and on, and unsubscribes from all email and back', async () => {
    const { manageToken } = await activeMember(deps, relay);

    deps.clock.advance(5_000);
    expect((await updateMembership(deps, { token: manageToken, action: 'checkin-emails-off' })).member).toMatchObject({
      checkinEmails: false,
      emailOptOut: false,
      preferencesUpdatedAt: '2026-11-22T10:00:05.000Z',
    });
    expect((await updateMembership(deps, { token: manageToken, action: 'checkin-emails-on' })).member.checkinEmails).toBe(true);
    expect((await updateMembership(deps, { token: manageToken, action: 'unsubscribe' })).member.emailOptOut).toBe(true);
    const back = await updateMembership(deps, { token: manageToken, action: 'resubscribe' });
    expect(back).toMatchObject({ done: 'resubscribe', member: { emailOptOut: false, checkinEmails: true, status: 'active' } });
  });

  it('does not erase without the explicit "I understand" step', async () => {
    const { manageToken, memberId } = await activeMember(deps, relay);

    const error = await updateMembership(deps, { token: manageToken, action: 'erase' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues[0]?.path).toEqual(['confirmErase']);
    expect((await deps.members.get(memberId))?.status).toBe('active');
  });

  it('erases so that no item in the table holds personal data, keeping a tombstone', async () => {
    const email = 'Jordan.Erase@Example.org';
    const displayName = 'Jordan Q';
    const { manageToken, memberId } = await activeMember(deps, relay, {
      email,
      displayName,
      groupId: '01JDQ3R8Y4V5W6X7Y8Z9A0B1C2',
    });
    await updateMembership(deps, { token: manageToken, action: 'unsubscribe' });
    deps.clock.advance(3_600_000);

    const { member, done } = await updateMembership(deps, { token: manageToken, action: 'erase', confirmErase: true });

    expect(done).toBe('erase');
    expect(member).toMatchObject({ memberId, status: 'erased', erasedAt: '2026-11-22T11:00:00.000Z' });
    const items = await scanAll(deps.table);
    const dump = JSON.stringify(items).toLowerCase();
    for (const secret of [email.toLowerCase(), 'jordan', emailKey(email), '01jdq3r8y4v5w6x7y8z9a0b1c2']) {
      expect(dump).not.toContain(secret);
    }
    expect(items.filter((i) => String(i.pk).startsWith('EMAIL#'))).toEqual([]);
    const tombstone = items.find((i) => i.pk === `MEMBER#${memberId}`);
    expect(tombstone).toEqual({
      pk: `MEMBER#${memberId}`,
      sk: 'PROFILE',
      entity: 'member',
      memberId,
      status: 'erased',
      erasedAt: '2026-11-22T11:00:00.000Z',
      consent: {
        groupAgreementVersion: deps.org.groupAgreement.version,
        privacyNoticeVersion: deps.org.privacyNotice.version,
        confidentialityVersion: deps.org.confidentiality.version,
        acceptedAt: '2026-11-22T10:00:00.000Z',
      },
    });
    expect((await outboxEvents(deps.table)).at(-1)).toMatchObject({ type: 'MemberErased', data: { memberId } });
  });

  it('shows an erased member as erased and changes nothing after', async () => {
    const { manageToken, memberId } = await activeMember(deps, relay);
    await updateMembership(deps, { token: manageToken, action: 'erase', confirmErase: true });
    const before = await scanAll(deps.table);

    expect((await viewMembership(deps, manageToken)).member.status).toBe('erased');
    const again = await updateMembership(deps, { token: manageToken, action: 'resubscribe' });
    const twice = await updateMembership(deps, { token: manageToken, action: 'erase', confirmErase: true });

    expect(again.done).toBe('none');
    expect(twice.done).toBe('none');
    expect(await scanAll(deps.table)).toEqual(before);
    expect((await deps.members.get(memberId))?.email).toBeUndefined();
  });
});
