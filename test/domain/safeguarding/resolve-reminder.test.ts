import { describe, expect, it } from 'vitest';
import { createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import { acknowledgeEscalation } from '../../../shared/domain/safeguarding/acknowledge-escalation.ts';
import { raiseEscalation } from '../../../shared/domain/safeguarding/raise-escalation.ts';
import { resolveEscalation } from '../../../shared/domain/safeguarding/resolve-escalation.ts';
import { RESOLVE_REMINDER_KIND, resolveReminderTimerName } from '../../../shared/domain/safeguarding/resolve-reminder.ts';
import { fireTimer } from '../../../shared/domain/timers/fire-timer.ts';
import { testDeps } from '../../support/deps.ts';
import { validEscalation } from './helpers.ts';

async function acknowledged() {
  const deps = await testDeps();
  const { escalationId } = await raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: `msg_${Math.random()}` });
  const escalation = (await deps.escalations.get(escalationId))!;
  await acknowledgeEscalation(deps, escalationId, { code: escalation.ackCode, name: 'Sam Lead' });
  const timer = deps.scheduler.timers.get(resolveReminderTimerName(escalationId))!;
  const fire = () => fireTimer(deps, { ...(timer.payload as { kind: string }), name: timer.name, dueAt: timer.at.toISOString() });
  const reminders = () => deps.mail.sent.filter((m) => m.subject.includes('not resolved'));
  return { deps, escalationId, escalation, timer, fire, reminders };
}

describe('the resolve reminder', () => {
  it('is scheduled on acknowledgement at resolveWithinHours, and again (same time) by a repeated acknowledgement', async () => {
    const { deps, escalationId, escalation, timer } = await acknowledged();
    expect(timer).toMatchObject({
      at: new Date('2026-11-23T10:00:00.000Z'),
      payload: { kind: RESOLVE_REMINDER_KIND, escalationId },
    });
    deps.scheduler.timers.clear();
    deps.clock.advance(60_000);
    await acknowledgeEscalation(deps, escalationId, { code: escalation.ackCode, name: 'Dee' });
    expect(deps.scheduler.timers.get(resolveReminderTimerName(escalationId))?.at).toEqual(timer.at);
  });

  it('emails the acknowledging level once, thin, and records it on the timeline; a duplicate firing sends nothing', async () => {
    const { deps, escalationId, escalation, fire, reminders } = await acknowledged();
    deps.clock.advance(24 * 3_600_000);
    await fire();
    await fire();
    expect(reminders().map((m) => m.to)).toEqual(['lead@example.org']);
    const [mail] = reminders();
    expect(mail?.text).toContain(escalation.reference);
    expect(mail?.text).toContain(`http://kith.test/admin/escalations/${escalationId}`);
    for (const secret of [validEscalation.summary, validEscalation.facts!, validEscalation.memberRef!, escalation.ackCode]) {
      expect(mail?.text).not.toContain(secret);
      expect(mail?.html).not.toContain(secret);
    }
    const timeline = await deps.escalations.timeline(escalationId);
    expect(timeline.filter((e) => e.type === 'resolve_reminder')).toEqual([
      { type: 'resolve_reminder', at: '2026-11-23T10:00:00.000Z', level: 0 },
    ]);
  });

  it('sends nothing when it was resolved in time (a late firing is harmless)', async () => {
    const { deps, escalationId, fire, reminders } = await acknowledged();
    const { facilitatorId } = await createFacilitator(deps, { email: 'a@example.org', displayName: 'A', role: 'admin' });
    await resolveEscalation(deps, (await deps.facilitators.get(facilitatorId))!, escalationId, {
      outcome: 'advice_given',
      seriousHarm: false,
    });
    deps.clock.advance(48 * 3_600_000);
    await fire();
    expect(reminders()).toEqual([]);
    expect((await deps.escalations.timeline(escalationId)).some((e) => e.type === 'resolve_reminder')).toBe(false);
  });

  it('retries a failed send: the claim is released and the retry sends', async () => {
    const { deps, fire, reminders } = await acknowledged();
    deps.mail.failNext(1);
    await expect(fire()).rejects.toThrow();
    await fire();
    expect(reminders()).toHaveLength(1);
  });
});
