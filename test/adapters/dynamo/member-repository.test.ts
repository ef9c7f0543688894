import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TableRef } from '../../../shared/adapters/aws/dynamo/document-client.ts';
import { createDynamoMemberRepository } from '../../../shared/adapters/aws/dynamo/member-repository.ts';
import type { DomainEvent } from '../../../shared/domain/events.ts';
import { emailKey, type Member } from '../../../shared/domain/members/member.ts';
import type { MemberRepository } from '../../../shared/ports/index.ts';
import { scanAll } from '../../domain/members/helpers.ts';
import { settableClock } from '../../support/deps.ts';
import { testTable } from '../../support/dynamo.ts';

const at = '2026-11-22T10:00:00.000Z';
let seq = 0;
const event = (type = 'MemberSignupRequested', memberId = 'M1'): DomainEvent => ({
  id: `EVT${String(++seq).padStart(6, '0')}`,
  type,
  topic: 'member-notifications',
  occurredAt: at,
  data: { memberId },
});
const member = (memberId: string, email: string, overrides: Partial<Member> = {}): Member => ({
  memberId,
  status: 'pending',
  email,
  displayName: 'Robin',
  consent: { groupAgreementVersion: 'g1', privacyNoticeVersion: 'p1', confidentialityVersion: 'c1', acceptedAt: at },
  checkinEmails: false,
  emailOptOut: false,
  createdAt: at,
  signupEmails: { windowStart: at, count: 1 },
  ...overrides,
});
const limit = (max = 5, now = at) => ({
  at: now,
  windowStartAfter: new Date(Date.parse(now) - 86_400_000).toISOString(),
  max,
});

describe('the DynamoDB member repository', () => {
  let table: TableRef;
  let repo: MemberRepository;
  beforeEach(async () => {
    table = await testTable();
    repo = createDynamoMemberRepository(table, settableClock(at));
  });

  const outboxCount = async () => (await scanAll(table)).filter((i) => i.kind === 'outbox').length;

  it('writes the member, the hashed email record and the outbox item together', async () => {
    const e = event();
    expect(await repo.create(member('M1', 'Robin@Example.org'), e)).toBe('created');

    const items = await scanAll(table);
    expect(items.map((i) => `${i.pk}|${i.sk}`).sort()).toEqual(
      [`EMAIL#${emailKey('robin@example.org')}|EMAIL`, 'MEMBER#M1|PROFILE', `OUTBOX#${e.id}|OUTBOX`].sort(),
    );
    expect((await repo.findByEmail(' ROBIN@example.org '))?.memberId).toBe('M1');
  });

  it('reads many members at once (a roster), more than one batch of 100, leaving unknown ids out', async () => {
    const ids = Array.from({ length: 105 }, (_, i) => `R${i}`);
    for (const id of ids) await repo.create(member(id, `${id}@example.org`), event());
    const found = await repo.getMany([...ids, 'UNKNOWN', 'R0']);
    expect(found.size).toBe(105);
    expect(found.get('R104')?.email).toBe('R104@example.org');
    expect(found.has('UNKNOWN')).toBe(false);
    expect((await repo.getMany([])).size).toBe(0);
  });

  it('writes nothing when any part of the transaction fails', async () => {
    const e = event();
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: { pk: `OUTBOX#${e.id}`, sk: 'OUTBOX' } }));

    await expect(repo.create(member('M1', 'robin@example.org'), e)).rejects.toThrow();

    expect((await scanAll(table)).map((i) => i.pk)).toEqual([`OUTBOX#${e.id}`]);
    expect(await repo.get('M1')).toBeUndefined();
    expect(await repo.findByEmail('robin@example.org')).toBeUndefined();
  });

  it('answers `exists` for a taken address and writes nothing', async () => {
    await repo.create(member('M1', 'robin@example.org'), event());

    expect(await repo.create(member('M2', 'ROBIN@example.org'), event())).toBe('exists');

    expect(await repo.get('M2')).toBeUndefined();
    expect(await outboxCount()).toBe(1);
  });

  it('counts sign-up emails atomically: 10 concurrent requests, limit 5, four more recorded', async () => {
    await repo.create(member('M1', 'robin@example.org'), event());

    const results = await Promise.all(
      Array.from({ length: 10 }, () => repo.recordSignupEmail('M1', 'pending', limit(5), event())),
    );

    expect(results.filter((r) => r === 'recorded')).toHaveLength(4);
    expect((await repo.get('M1'))?.signupEmails).toEqual({ windowStart: at, count: 5 });
    expect(await outboxCount()).toBe(5);
  });

  it('starts a new window once the last one is over', async () => {
    await repo.create(member('M1', 'robin@example.org', { signupEmails: { windowStart: at, count: 5 } }), event());
    const later = '2026-11-23T10:00:00.001Z';

    expect(await repo.recordSignupEmail('M1', 'pending', limit(5, '2026-11-23T09:59:59.999Z'), event())).toBe('limited');
    expect(await repo.recordSignupEmail('M1', 'pending', limit(5, later), event())).toBe('recorded');

    expect((await repo.get('M1'))?.signupEmails).toEqual({ windowStart: later, count: 1 });
  });

  it('records nothing when the member no longer has the expected status', async () => {
    await repo.create(member('M1', 'robin@example.org'), event());

    expect(await repo.recordSignupEmail('M1', 'active', limit(), event())).toBe('limited');
    expect(await repo.recordSignupEmail('NOPE', 'pending', limit(), event())).toBe('limited');
    expect(await outboxCount()).toBe(1);
  });

  it('confirms only a pending member, once', async () => {
    await repo.create(member('M1', 'robin@example.org'), event());

    expect(await repo.confirm('M1', at, event('MemberConfirmed'))).toBe('confirmed');
    expect(await repo.confirm('M1', at, event('MemberConfirmed'))).toBe('already');
    expect(await repo.confirm('NOPE', at, event('MemberConfirmed'))).toBe('already');

    expect((await repo.get('M1'))?.status).toBe('active');
    expect(await outboxCount()).toBe(2);
  });

  it('changes preferences of live members only', async () => {
    await repo.create(member('M1', 'robin@example.org'), event());

    expect(await repo.updatePreferences('M1', { emailOptOut: true })).toMatchObject({ memberId: 'M1', emailOptOut: true });
    expect(await repo.get('M1')).toMatchObject({ emailOptOut: true, preferencesUpdatedAt: expect.any(String) });
    expect(await repo.get('M1')).toMatchObject({ emailOptOut: true, checkinEmails: false, preferencesUpdatedAt: at });
    await repo.erase('M1', at, event('MemberErased'));
    expect(await repo.updatePreferences('M1', { emailOptOut: false })).toBe('gone');
    expect(await repo.updatePreferences('NOPE', { emailOptOut: false })).toBe('gone');
  });

  it('erases to a tombstone, frees the address, and reports a second erase as already done', async () => {
    await repo.create(member('M1', 'robin@example.org', { groupId: 'G1', checkinEmails: true }), event());

    expect(await repo.erase('M1', at, event('MemberErased'))).toBe('erased');
    expect(await repo.erase('M1', at, event('MemberErased'))).toBe('already');
    expect(await repo.erase('NOPE', at, event('MemberErased'))).toBe('already');

    expect(await repo.get('M1')).toEqual({
      memberId: 'M1',
      status: 'erased',
      erasedAt: at,
      consent: { groupAgreementVersion: 'g1', privacyNoticeVersion: 'p1', confidentialityVersion: 'c1', acceptedAt: at },
      checkinEmails: false,
      emailOptOut: true,
    });
    expect(await repo.findByEmail('robin@example.org')).toBeUndefined();
    expect(await outboxCount()).toBe(2);
  });

  it('never deletes a uniqueness record that belongs to another member', async () => {
    await repo.create(member('M1', 'robin@example.org'), event());
    const key = { pk: `EMAIL#${emailKey('robin@example.org')}`, sk: 'EMAIL' };
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...key, memberId: 'M2' } }));

    await expect(repo.erase('M1', at, event('MemberErased'))).rejects.toThrow();

    expect((await table.client.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item?.memberId).toBe('M2');
    expect((await repo.get('M1'))?.email).toBe('robin@example.org');
  });
});
