import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/safeguarding/resolve-escalation.ts';
import { createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import { acknowledgeEscalation } from '../../../shared/domain/safeguarding/acknowledge-escalation.ts';
import { raiseEscalation } from '../../../shared/domain/safeguarding/raise-escalation.ts';
import { validEscalation } from '../../domain/safeguarding/helpers.ts';
import { testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { invoke } from '../members/helpers.ts';

async function setup() {
  const deps = await testDeps();
  const { escalationId } = await raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: `msg_${Math.random()}` });
  const escalation = (await deps.escalations.get(escalationId))!;
  const lead = await createFacilitator(deps, { email: 'lead@example.org', displayName: 'Lee Lead', role: 'safeguarding_lead' });
  const handler = makeHandler(deps);
  const post = async (body: unknown, token?: string) => {
    const res = await invoke(
      handler,
      httpEvent('POST', `/admin/escalations/${escalationId}/resolve`, {
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
        pathParameters: { escalationId },
      }),
    );
    return { ...res, json: JSON.parse(res.body) };
  };
  const acknowledge = () => acknowledgeEscalation(deps, escalationId, { code: escalation.ackCode, name: 'Sam' });
  return { deps, escalationId, lead, post, acknowledge };
}

describe('POST /admin/escalations/{id}/resolve', () => {
  it('answers 401 without a token before looking at the body', async () => {
    const { post } = await setup();
    expect((await post({ outcome: 'nonsense' })).status).toBe(401);
  });

  it('answers 400 with a message by each bad field, and 409 before acknowledgement', async () => {
    const { post, lead } = await setup();
    const bad = await post({ outcome: 'sorted', seriousHarm: 'yes', note: 'x'.repeat(2001) }, lead.token);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('outcome');
    expect(JSON.stringify(bad.json)).toContain('seriousHarm');
    expect(JSON.stringify(bad.json)).toContain('2000 characters');
    const early = await post({ outcome: 'advice_given', seriousHarm: false }, lead.token);
    expect(early.status).toBe(409);
  });

  it('resolves an acknowledged escalation (200) and answers the same resolution again', async () => {
    const { deps, escalationId, post, lead, acknowledge } = await setup();
    await acknowledge();
    const first = await post({ outcome: 'referred_to_other_service', seriousHarm: false }, lead.token);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      status: 'resolved',
      resolution: { outcome: 'referred_to_other_service', seriousHarm: false, by: { name: 'Lee Lead' } },
    });
    const again = await post({ outcome: 'advice_given', seriousHarm: true }, lead.token);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'already', resolution: first.json.resolution });
    expect((await deps.escalations.get(escalationId))?.status).toBe('resolved');
  });

  it('answers 403 to a facilitator who is not a lead or an admin', async () => {
    const { deps, post, acknowledge } = await setup();
    await acknowledge();
    const other = await createFacilitator(deps, { email: 'f@example.org', displayName: 'F', role: 'facilitator' });
    expect((await post({ outcome: 'advice_given', seriousHarm: false }, other.token)).status).toBe(403);
  });
});
