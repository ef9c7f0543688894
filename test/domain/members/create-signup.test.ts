import { beforeEach, describe, expect, it } from 'vitest';
import { createSignup, SignupRequest, signupFromForm } from '../../../shared/domain/members/create-signup.ts';
import { emailKey } from '../../../shared/domain/members/member.ts';
import { updateMembership } from '../../../shared/domain/members/update-membership.ts';
import { ZodError } from '../../../shared/zod.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { activeMember, mailRelay, outboxEvents, scanAll, signupRequest } from './helpers.ts';

describe('sign-up (createSignup)', () => {
  let deps: TestDeps;
  let relay: ReturnType<typeof mailRelay>;
  beforeEach(async () => {
    deps = await testDeps();
    relay = mailRelay(deps);
  });

  it('creates a pending member, its uniqueness record and MemberSignupRequested in one go', async () => {
    const { outcome } = await createSignup(
      deps,
      signupRequest({ email: '  Robin@Example.org ', groupId: '01JDQ3R8Y4V5W6X7Y8Z9A0B1C2' }),
    );

    expect(outcome).toBe('created');
    const member = await deps.members.findByEmail('robin@example.org');
    expect(member).toMatchObject({
      status: 'pending',
      email: 'Robin@Example.org',
      displayName: 'Robin',
      checkinEmails: true,
      emailOptOut: false,
      groupId: '01JDQ3R8Y4V5W6X7Y8Z9A0B1C2',
      consent: {
        groupAgreementVersion: deps.org.groupAgreement.version,
        privacyNoticeVersion: deps.org.privacyNotice.version,
        confidentialityVersion: deps.org.confidentiality.version,
        acceptedAt: '2026-11-22T10:00:00.000Z',
      },
    });
    const items = await scanAll(deps.table);
    const emailRecord = items.find((i) => String(i.pk).startsWith('EMAIL#'));
    expect(emailRecord).toMatchObject({ pk: `EMAIL#${emailKey('robin@example.org')}`, sk: 'EMAIL', memberId: member?.memberId });
    expect(JSON.stringify(emailRecord)).not.toMatch(/robin/i);
    const events = await outboxEvents(deps.table);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'MemberSignupRequested',
        topic: 'member-notifications',
        data: { memberId: member?.memberId },
      }),
    ]);
  });

  it('treats addresses that differ only in case and surrounding spaces as one', async () => {
    await createSignup(deps, signupRequest({ email: 'Sam@Example.org' }));
    const again = await createSignup(deps, signupRequest({ email: '  sam@EXAMPLE.ORG  ', displayName: 'Someone else' }));

    expect(again.outcome).toBe('confirmation-resent');
    const members = (await scanAll(deps.table)).filter((i) => String(i.pk).startsWith('MEMBER#'));
    expect(members).toHaveLength(1);
    // A second sign-up never changes what the first stored.
    expect(members[0]?.displayName).toBe('Robin');
  });

  it('creates exactly one member when 20 sign-ups of the same address race', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createSignup(deps, signupRequest({ email: i % 2 ? 'RACE@example.org' : 'race@example.org ' })),
      ),
    );

    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    const items = await scanAll(deps.table);
    expect(items.filter((i) => String(i.pk).startsWith('MEMBER#'))).toHaveLength(1);
    expect(items.filter((i) => String(i.pk).startsWith('EMAIL#'))).toHaveLength(1);
    // The first email plus resends, never more than the daily limit.
    const events = await outboxEvents(deps.table);
    expect(events.length).toBeLessThanOrEqual(deps.org.members.maxSignupEmailsPerDay);
    expect((await deps.members.findByEmail('race@example.org'))?.signupEmails?.count).toBe(events.length);
  });

  it('sends the confirmation again to a pending address, up to the daily limit, then silently nothing', async () => {
    const max = deps.org.members.maxSignupEmailsPerDay;
    const outcomes = [];
    for (let i = 0; i < max + 2; i++) outcomes.push((await createSignup(deps, signupRequest())).outcome);

    expect(outcomes).toEqual(['created', ...Array(max - 1).fill('confirmation-resent'), 'limited', 'limited']);
    const sent = await relay();
    expect(sent).toHaveLength(max);
    expect(sent.every((m) => m.subject.startsWith('Confirm your email address'))).toBe(true);

    // A day after the window opened, the address may be sent one again.
    deps.clock.advance(24 * 3600 * 1000 + 1);
    expect((await createSignup(deps, signupRequest())).outcome).toBe('confirmation-resent');
    expect(await relay()).toHaveLength(1);
  });

  it('tells an active member by email instead, under the same limit', async () => {
    await activeMember(deps, relay);
    const before = (await deps.members.findByEmail('robin@example.org'))?.signupEmails?.count ?? 0;

    const { outcome } = await createSignup(deps, signupRequest({ displayName: 'Mallory' }));

    expect(outcome).toBe('already-member-notified');
    const sent = await relay();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toMatch(/already have an account/);
    expect(sent[0]?.text).toContain('Hello Robin,');
    expect(sent[0]?.text).not.toContain('Mallory');
    const max = deps.org.members.maxSignupEmailsPerDay;
    for (let i = before + 1; i < max; i++) await createSignup(deps, signupRequest());
    expect((await createSignup(deps, signupRequest())).outcome).toBe('limited');
    expect((await deps.members.findByEmail('robin@example.org'))?.status).toBe('active');
  });

  it('lets an erased member’s address sign up again as a new member', async () => {
    const { memberId, manageToken } = await activeMember(deps, relay);
    await updateMembership(deps, { token: manageToken, action: 'erase', confirmErase: true });

    const { outcome } = await createSignup(deps, signupRequest());

    expect(outcome).toBe('created');
    const fresh = await deps.members.findByEmail('ROBIN@example.org');
    expect(fresh?.status).toBe('pending');
    expect(fresh?.memberId).not.toBe(memberId);
    expect((await deps.members.get(memberId))?.status).toBe('erased');
  });

  it('refuses a sign-up without both consents, with a message per field, and writes nothing', async () => {
    const error = await createSignup(deps, {
      email: 'x@example.org',
      displayName: 'X',
      consents: { groupAgreement: false, privacyNotice: 'yes' },
    } as never).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ZodError);
    const paths = (error as ZodError).issues.map((i) => [i.path.join('.'), i.message]);
    expect(paths).toEqual(
      expect.arrayContaining([
        ['consents.groupAgreement', 'you need to accept the group agreement to join'],
        ['consents.privacyNotice', 'you need to accept the privacy notice to join'],
      ]),
    );
    expect(await scanAll(deps.table)).toEqual([]);
  });
});

describe('the sign-up request schema', () => {
  const issues = (input: unknown) => {
    const result = SignupRequest.safeParse(input);
    return result.success ? {} : Object.fromEntries(result.error.issues.map((i) => [i.path.join('.'), i.message]));
  };

  it('names each bad field', () => {
    expect(issues({})).toEqual({
      email: 'enter your email address',
      displayName: 'enter a first name or nickname',
      'consents.groupAgreement': 'you need to accept the group agreement to join',
      'consents.privacyNotice': 'you need to accept the privacy notice to join',
    });
    expect(issues({ ...signupRequest(), email: 'not-an-address' })).toEqual({
      email: 'enter an email address like name@example.org',
    });
    expect(issues({ ...signupRequest(), email: `${'a'.repeat(250)}@example.org` })).toEqual({
      email: 'an email address can be at most 254 characters',
    });
    expect(issues({ ...signupRequest(), displayName: '   ' })).toEqual({ displayName: 'enter a first name or nickname' });
    expect(issues({ ...signupRequest(), displayName: 'x'.repeat(61) })).toEqual({ displayName: 'use 60 characters or fewer' });
    expect(issues({ ...signupRequest(), displayName: 'Robin\nP.S. visit evil.example' })).toHaveProperty('displayName');
    expect(issues({ ...signupRequest(), groupId: '../etc' })).toEqual({ groupId: 'is not a valid group reference' });
  });

  it('accepts consents only when literally true', () => {
    expect(issues({ ...signupRequest(), consents: { groupAgreement: 'true', privacyNotice: 1 } })).toEqual({
      'consents.groupAgreement': 'you need to accept the group agreement to join',
      'consents.privacyNotice': 'you need to accept the privacy notice to join',
    });
  });

  it('trims the name and keeps 60 characters', () => {
    const parsed = SignupRequest.parse({ ...signupRequest(), displayName: `  ${'é'.repeat(60)}  ` });
    expect(parsed.displayName).toBe('é'.repeat(60));
  });

  it('maps form fields: an unticked checkbox is a refusal', () => {
    expect(signupFromForm({ email: 'a@b.org', displayName: 'A', groupAgreement: 'yes' })).toEqual({
      email: 'a@b.org',
      displayName: 'A',
      consents: { groupAgreement: true, privacyNotice: false, checkinEmails: false },
    });
  });
});
