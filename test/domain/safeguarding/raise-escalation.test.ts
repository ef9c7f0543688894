import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { raiseEscalation } from '../../../shared/domain/safeguarding/raise-escalation.ts';
import { testDeps } from '../../support/deps.ts';
import { outboxItems, validEscalation } from './helpers.ts';

describe('raiseEscalation', () => {
  it('writes the escalation at level 0, its raised timeline entry, its outbox event and the dedupe record together', async () => {
    const deps = await testDeps();
    const { escalationId, created } = await raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: 'msg_1' });
    expect(created).toBe(true);

    const escalation = await deps.escalations.get(escalationId);
    expect(escalation).toMatchObject({
      escalationId,
      status: 'open',
      level: 0,
      round: 0,
      wrongCodeAttempts: 0,
      source: { kind: 'webhook', webhookId: 'msg_1' },
      record: { ...validEscalation },
    });
    expect(escalation?.reference).toMatch(/^S-[2-9A-Z]{6}$/);
    expect(escalation?.ackCode).toMatch(/^\d{6}$/);
    expect(await deps.escalations.timeline(escalationId)).toEqual([
      { type: 'raised', at: '2026-11-22T10:00:00.000Z', source: 'webhook' },
    ]);

    const [outbox, ...more] = await outboxItems(deps);
    expect(more).toHaveLength(0);
    expect(outbox?.event).toMatchObject({
      type: 'EscalationRaised',
      topic: 'safeguarding-escalations',
      attributes: { urgency: 'immediate', category: 'self_harm' },
      data: { escalationId, level: 0, round: 0 },
    });
    // Thin: no free text in the event.
    expect(JSON.stringify(outbox?.event)).not.toContain('plan');

    const dedupe = await deps.table.client.send(
      new GetCommand({ TableName: deps.table.tableName, Key: { pk: 'WEBHOOK#msg_1', sk: 'WEBHOOK' } }),
    );
    expect(dedupe.Item).toMatchObject({ escalationId });
    // Kept 30 days (TTL tidies up later; nothing relies on it for timing).
    expect(dedupe.Item?.expiresAt).toBe(Date.parse('2026-11-22T10:00:00.000Z') / 1000 + 30 * 24 * 3600);
  });

  it('answers a repeated webhook id with the first escalation and writes nothing more', async () => {
    const deps = await testDeps();
    const first = await raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: 'msg_2' });
    deps.clock.advance(3 * 24 * 3600 * 1000); // a sender retrying days later
    const second = await raiseEscalation(
      deps,
      { ...validEscalation, summary: 'changed' },
      { kind: 'webhook', webhookId: 'msg_2' },
    );
    expect(second).toEqual({ escalationId: first.escalationId, created: false });
    expect(await outboxItems(deps)).toHaveLength(1);
    expect((await deps.escalations.get(first.escalationId))?.record.summary).toBe(validEscalation.summary);
  });

  it('makes one escalation and one event out of 50 concurrent deliveries of the same webhook', async () => {
    const deps = await testDeps();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: 'msg_burst' })),
    );
    const ids = new Set(results.map((r) => r.escalationId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await outboxItems(deps)).toHaveLength(1);
    const [id] = [...ids];
    const items = await deps.table.client.send(
      new QueryCommand({
        TableName: deps.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ESCALATION#${id}` },
      }),
    );
    expect(items.Items?.map((i) => i.sk.split('#')[0])).toEqual(['ESCALATION', 'TIMELINE']);
  });

  it('makes separate escalations for different webhook ids', async () => {
    const deps = await testDeps();
    const a = await raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: 'msg_a' });
    const b = await raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: 'msg_b' });
    expect(a.escalationId).not.toBe(b.escalationId);
    expect(await outboxItems(deps)).toHaveLength(2);
  });

  it('refuses an invalid record with field messages and writes nothing', async () => {
    const deps = await testDeps();
    const attempt = raiseEscalation(
      deps,
      { ...validEscalation, category: 'worry' as never, urgency: undefined as never, summary: '  ', facts: 'bad\u0000byte' },
      { kind: 'webhook', webhookId: 'msg_bad' },
    );
    await expect(attempt).rejects.toMatchObject({
      issues: expect.arrayContaining([
        expect.objectContaining({ path: ['category'] }),
        expect.objectContaining({ path: ['urgency'] }),
        expect.objectContaining({ path: ['summary'] }),
        expect.objectContaining({ path: ['facts'] }),
      ]),
    });
    expect(await outboxItems(deps)).toHaveLength(0);
  });
});
