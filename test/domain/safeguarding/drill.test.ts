import { describe, expect, it } from 'vitest';
import { createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import type { Facilitator } from '../../../shared/domain/facilitators/facilitator.ts';
import { acknowledgeEscalation } from '../../../shared/domain/safeguarding/acknowledge-escalation.ts';
import { DRILL_MARK } from '../../../shared/domain/safeguarding/escalation-alerts.ts';
import { getEscalation } from '../../../shared/domain/safeguarding/get-escalation.ts';
import { notifyEscalation, parseEscalationAlertEvent } from '../../../shared/domain/safeguarding/notify-escalation.ts';
import { resolveEscalation } from '../../../shared/domain/safeguarding/resolve-escalation.ts';
import { runDrill } from '../../../shared/domain/safeguarding/run-drill.ts';
import { testDeps } from '../../support/deps.ts';
import { outboxItems } from './helpers.ts';

async function setup() {
  const deps = await testDeps();
  const person = async (role: Facilitator['role'], name: string) => {
    const { facilitatorId, token } = await createFacilitator(deps, { email: `${name}@example.org`, displayName: name, role });
    return { facilitator: (await deps.facilitators.get(facilitatorId))!, token };
  };
  return { deps, person };
}

describe('a safeguarding drill', () => {
  it('goes through the same path, every alert marked DRILL; no debrief; acknowledged and resolved like a real one; never the trustees', async () => {
    const { deps, person } = await setup();
    const admin = await person('admin', 'ada');
    const { escalationId, reference } = await runDrill(deps, admin.facilitator, { urgency: 'immediate' });
    const escalation = (await deps.escalations.get(escalationId))!;
    expect(escalation).toMatchObject({ drill: true, reference, record: { category: 'other_concern', urgency: 'immediate' } });

    const [raised] = await outboxItems(deps);
    const event = parseEscalationAlertEvent(JSON.stringify(raised?.event));
    await notifyEscalation(deps, event, 'email');
    await notifyEscalation(deps, event, 'sms');
    expect(deps.mail.sent.map((m) => m.to)).toEqual(['lead@example.org']); // no debrief for the admin
    const [mail] = deps.mail.sent;
    expect(mail?.subject.startsWith(DRILL_MARK)).toBe(true);
    expect(mail?.text.startsWith(DRILL_MARK)).toBe(true);
    expect(mail?.html).toContain('DRILL');
    expect(deps.sms.sent.map((s) => s.body.startsWith(DRILL_MARK))).toEqual([true]);

    await acknowledgeEscalation(deps, escalationId, { code: escalation.ackCode, name: 'Sam Lead' });
    const view = await getEscalation(deps, `Bearer ${admin.token}`, escalationId);
    expect(view).toMatchObject({ drill: true, status: 'acknowledged', acknowledgedBy: { name: 'Sam Lead' } });

    const result = await resolveEscalation(deps, admin.facilitator, escalationId, {
      outcome: 'no_further_action',
      seriousHarm: true,
    });
    expect(result.outcome).toBe('resolved');
    const serious = (await outboxItems(deps)).filter((i) => JSON.stringify(i).includes('EscalationSeriousHarmReported'));
    expect(serious).toEqual([]);
  });

  it('is for admins only, and validates the urgency', async () => {
    const { deps, person } = await setup();
    const lead = await person('safeguarding_lead', 'lee');
    await expect(runDrill(deps, lead.facilitator, { urgency: 'routine' })).rejects.toMatchObject({ name: 'ForbiddenError' });
    const admin = await person('admin', 'ada');
    await expect(runDrill(deps, admin.facilitator, { urgency: 'now' as never })).rejects.toMatchObject({ name: '$ZodError' });
    expect(await outboxItems(deps)).toEqual([]);
  });
});
