import { describe, expect, it } from 'vitest';
import { createDynamoOperatorStore } from '../../../shared/adapters/aws/dynamo/operator-store.ts';
import { createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import type { Facilitator } from '../../../shared/domain/facilitators/facilitator.ts';
import { acknowledgeEscalation } from '../../../shared/domain/safeguarding/acknowledge-escalation.ts';
import { notifyTrustees, parseSeriousHarmEvent } from '../../../shared/domain/safeguarding/notify-trustees.ts';
import { raiseEscalation } from '../../../shared/domain/safeguarding/raise-escalation.ts';
import { resolveEscalation } from '../../../shared/domain/safeguarding/resolve-escalation.ts';
import { testDeps } from '../../support/deps.ts';
import { outboxItems, validEscalation } from './helpers.ts';

async function setup() {
  const deps = await testDeps();
  const { escalationId } = await raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: `msg_${Math.random()}` });
  const escalation = (await deps.escalations.get(escalationId))!;
  const person = async (role: Facilitator['role'], displayName: string): Promise<Facilitator> => {
    const { facilitatorId } = await createFacilitator(deps, { email: `${displayName}@example.org`, displayName, role });
    return (await deps.facilitators.get(facilitatorId))!;
  };
  const acknowledge = () => acknowledgeEscalation(deps, escalationId, { code: escalation.ackCode, name: 'Sam Lead' });
  const openIds = async () => (await createDynamoOperatorStore(deps.table).openEscalations()).map((e) => e.escalationId);
  return { deps, escalationId, person, acknowledge, openIds };
}

describe('resolving an escalation', () => {
  it('records outcome, who and when on the escalation and its timeline, and leaves the open list', async () => {
    const { deps, escalationId, person, acknowledge, openIds } = await setup();
    const lead = await person('safeguarding_lead', 'lead');
    await acknowledge();
    expect(await openIds()).toContain(escalationId);
    deps.clock.advance(3_600_000);
    const result = await resolveEscalation(deps, lead, escalationId, {
      outcome: 'referred_to_local_authority',
      seriousHarm: false,
      note: '  Referred to the MASH by phone.  ',
    });
    const resolution = {
      outcome: 'referred_to_local_authority',
      seriousHarm: false,
      note: 'Referred to the MASH by phone.',
      by: { facilitatorId: lead.facilitatorId, name: 'lead' },
      at: '2026-11-22T11:00:00.000Z',
    };
    expect(result).toEqual({ outcome: 'resolved', resolution });
    expect(await deps.escalations.get(escalationId)).toMatchObject({ status: 'resolved', resolution });
    const timeline = await deps.escalations.timeline(escalationId);
    expect(timeline.at(-1)).toEqual({
      type: 'resolved',
      at: '2026-11-22T11:00:00.000Z',
      outcome: 'referred_to_local_authority',
      seriousHarm: false,
      by: { facilitatorId: lead.facilitatorId, name: 'lead' },
    });
    // The free-text note stays on the record, not on the timeline the admin view shows.
    expect(JSON.stringify(timeline)).not.toContain('MASH');
    expect(await openIds()).not.toContain(escalationId);
  });

  it('is idempotent: a second resolution (even a different one) changes nothing and answers the first', async () => {
    const { deps, escalationId, person, acknowledge } = await setup();
    const lead = await person('safeguarding_lead', 'lead');
    const admin = await person('admin', 'admin');
    await acknowledge();
    const first = await resolveEscalation(deps, lead, escalationId, { outcome: 'advice_given', seriousHarm: false });
    deps.clock.advance(60_000);
    const second = await resolveEscalation(deps, admin, escalationId, { outcome: 'emergency_services', seriousHarm: true });
    expect(second).toEqual({ outcome: 'already', resolution: first.resolution });
    const timeline = await deps.escalations.timeline(escalationId);
    expect(timeline.filter((e) => e.type === 'resolved')).toHaveLength(1);
  });

  it('lets exactly one of two simultaneous resolutions win', async () => {
    const { deps, escalationId, person, acknowledge } = await setup();
    const lead = await person('safeguarding_lead', 'lead');
    const admin = await person('admin', 'admin');
    await acknowledge();
    const results = await Promise.all([
      resolveEscalation(deps, lead, escalationId, { outcome: 'advice_given', seriousHarm: false }),
      resolveEscalation(deps, admin, escalationId, { outcome: 'no_further_action', seriousHarm: false }),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['already', 'resolved']);
    expect(results[0].resolution).toEqual(results[1].resolution);
    expect((await deps.escalations.timeline(escalationId)).filter((e) => e.type === 'resolved')).toHaveLength(1);
  });

  it('refuses an escalation nobody has acknowledged (409) and changes nothing', async () => {
    const { deps, escalationId, person, openIds } = await setup();
    const lead = await person('safeguarding_lead', 'lead');
    await expect(
      resolveEscalation(deps, lead, escalationId, { outcome: 'advice_given', seriousHarm: false }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect((await deps.escalations.get(escalationId))?.status).toBe('open');
    expect(await openIds()).toContain(escalationId);
  });

  it('is for safeguarding leads and admins only, and validates the outcome and the note', async () => {
    const { deps, escalationId, person, acknowledge } = await setup();
    await acknowledge();
    const facilitator = await person('facilitator', 'fac');
    await expect(
      resolveEscalation(deps, facilitator, escalationId, { outcome: 'advice_given', seriousHarm: false }),
    ).rejects.toMatchObject({ name: 'ForbiddenError' });
    const lead = await person('safeguarding_lead', 'lead');
    await expect(
      resolveEscalation(deps, lead, escalationId, { outcome: 'sorted' as never, seriousHarm: false }),
    ).rejects.toMatchObject({ name: '$ZodError' });
    await expect(
      resolveEscalation(deps, lead, escalationId, { outcome: 'advice_given', seriousHarm: false, note: 'x'.repeat(2001) }),
    ).rejects.toMatchObject({ name: '$ZodError' });
    await expect(resolveEscalation(deps, lead, 'nope', { outcome: 'advice_given', seriousHarm: false })).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect((await deps.escalations.get(escalationId))?.status).toBe('acknowledged');
  });
});

describe('serious harm', () => {
  const seriousEvents = async (deps: Awaited<ReturnType<typeof setup>>['deps']) =>
    (await outboxItems(deps)).filter((item) => JSON.stringify(item).includes('EscalationSeriousHarmReported'));

  it('emits no trustee event without serious harm', async () => {
    const { deps, escalationId, person, acknowledge } = await setup();
    await acknowledge();
    await resolveEscalation(deps, await person('admin', 'admin'), escalationId, { outcome: 'advice_given', seriousHarm: false });
    expect(await seriousEvents(deps)).toEqual([]);
  });

  it('emails the trustees once: the reference and a link, nothing of the record; a redelivery sends nothing', async () => {
    const { deps, escalationId, person, acknowledge } = await setup();
    await acknowledge();
    const lead = await person('safeguarding_lead', 'lead');
    await resolveEscalation(deps, lead, escalationId, {
      outcome: 'emergency_services',
      seriousHarm: true,
      note: 'SENTINEL-NOTE',
    });
    await resolveEscalation(deps, lead, escalationId, { outcome: 'emergency_services', seriousHarm: true });
    const events = await seriousEvents(deps);
    expect(events).toHaveLength(1);
    const body = JSON.stringify(events[0]?.event);
    expect(body).not.toContain(validEscalation.summary);
    const event = parseSeriousHarmEvent(body);
    const sentBefore = deps.mail.sent.length;
    expect(await notifyTrustees(deps, event)).toBe('sent');
    expect(await notifyTrustees(deps, event)).toBe('duplicate');
    const [mail, ...more] = deps.mail.sent.slice(sentBefore);
    expect(more).toEqual([]);
    if (!mail) throw new Error('no trustees email');
    const { reference } = (await deps.escalations.get(escalationId))!;
    expect(mail).toMatchObject({ to: deps.org.trustees.email, stream: 'staff' });
    expect(deps.mail.urgentTo).toContain(deps.org.trustees.email);
    expect(mail.subject).toContain(reference);
    expect(mail.text).toContain(`http://kith.test/admin/escalations/${escalationId}`);
    for (const secret of [
      validEscalation.summary,
      validEscalation.facts!,
      validEscalation.memberRef!,
      'SENTINEL-NOTE',
      'lead@example.org',
      'Sam Lead',
    ]) {
      expect(mail.text).not.toContain(secret);
      expect(mail.html).not.toContain(secret);
    }
  });

  it('releases the claim when the send fails, so the retry sends', async () => {
    const { deps, escalationId, person, acknowledge } = await setup();
    await acknowledge();
    await resolveEscalation(deps, await person('admin', 'admin'), escalationId, {
      outcome: 'emergency_services',
      seriousHarm: true,
    });
    const event = parseSeriousHarmEvent(JSON.stringify((await seriousEvents(deps))[0]?.event));
    deps.mail.failNext(1);
    await expect(notifyTrustees(deps, event)).rejects.toThrow();
    expect(await notifyTrustees(deps, event)).toBe('sent');
  });
});
