import { describe, expect, it } from 'vitest';
import { createDynamoOperatorStore } from '../../../shared/adapters/aws/dynamo/operator-store.ts';
import { createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import type { Facilitator } from '../../../shared/domain/facilitators/facilitator.ts';
import { acknowledgeEscalation } from '../../../shared/domain/safeguarding/acknowledge-escalation.ts';
import { raiseEscalation } from '../../../shared/domain/safeguarding/raise-escalation.ts';
import { resolveEscalation } from '../../../shared/domain/safeguarding/resolve-escalation.ts';
import { testDeps } from '../../support/deps.ts';
import { validEscalation } from './helpers.ts';

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
    ).rejects.toMatchObject({ name: 'ZodError' });
    await expect(
      resolveEscalation(deps, lead, escalationId, { outcome: 'advice_given', seriousHarm: false, note: 'x'.repeat(2001) }),
    ).rejects.toMatchObject({ name: 'ZodError' });
    await expect(resolveEscalation(deps, lead, 'nope', { outcome: 'advice_given', seriousHarm: false })).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect((await deps.escalations.get(escalationId))?.status).toBe('acknowledged');
  });
});
