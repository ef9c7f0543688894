import { afterEach, describe, expect, it } from 'vitest';
import { TooManyRequestsError, ValidationError } from '../../../shared/domain/errors.ts';
import { createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import { acknowledgeEscalation, MAX_WRONG_CODES } from '../../../shared/domain/safeguarding/acknowledge-escalation.ts';
import { escalationTimedOut } from '../../../shared/domain/safeguarding/escalation-timeout.ts';
import { getEscalation } from '../../../shared/domain/safeguarding/get-escalation.ts';
import { raiseEscalation } from '../../../shared/domain/safeguarding/raise-escalation.ts';
import { fireTimer } from '../../../shared/domain/timers/fire-timer.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { testDeps } from '../../support/deps.ts';
import { outboxItems, validEscalation } from './helpers.ts';

async function raised(urgency: 'immediate' | 'same_day' | 'routine' = 'immediate') {
  const deps = await testDeps();
  const { escalationId } = await raiseEscalation(
    deps,
    { ...validEscalation, urgency },
    { kind: 'webhook', webhookId: `msg_${Math.random()}` },
  );
  const escalation = (await deps.escalations.get(escalationId))!;
  return { deps, escalationId, code: escalation.ackCode };
}
const timer = (escalationId: string, level: number, round: number) => ({
  name: `escalation-timeout-${escalationId}-${level}-${round}`,
  kind: 'escalation-timeout',
  escalationId,
  level,
  round,
});

let restoreSink: (() => void) | undefined;
afterEach(() => restoreSink?.());

describe('acknowledging', () => {
  it('records who and when, once; a second acknowledgement reports the first', async () => {
    const { deps, escalationId, code } = await raised();
    const first = await acknowledgeEscalation(deps, escalationId, { code, name: 'Sam Lead' });
    expect(first).toEqual({ outcome: 'acknowledged', by: { name: 'Sam Lead', at: '2026-11-22T10:00:00.000Z' } });
    deps.clock.advance(60_000);
    const second = await acknowledgeEscalation(deps, escalationId, { code, name: 'Dee Deputy' });
    expect(second).toEqual({ outcome: 'already', by: { name: 'Sam Lead', at: '2026-11-22T10:00:00.000Z' } });
    const timeline = await deps.escalations.timeline(escalationId);
    expect(timeline.filter((e) => e.type === 'acknowledged')).toEqual([
      { type: 'acknowledged', at: '2026-11-22T10:00:00.000Z', name: 'Sam Lead' },
    ]);
  });

  it('lets exactly one of two simultaneous acknowledgements win', async () => {
    const { deps, escalationId, code } = await raised();
    const results = await Promise.all([
      acknowledgeEscalation(deps, escalationId, { code, name: 'A' }),
      acknowledgeEscalation(deps, escalationId, { code, name: 'B' }),
    ]);
    expect(results.filter((r) => r.outcome === 'acknowledged')).toHaveLength(1);
    expect(new Set(results.map((r) => r.by.name)).size).toBe(1);
  });

  it('refuses a wrong code with a field message, and locks after five wrong codes', async () => {
    const { deps, escalationId, code } = await raised();
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i < MAX_WRONG_CODES; i++) {
      await expect(acknowledgeEscalation(deps, escalationId, { code: wrong, name: 'X' })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(acknowledgeEscalation(deps, escalationId, { code: wrong, name: 'X' })).rejects.toBeInstanceOf(
      TooManyRequestsError,
    );
    // Locked: even the right code is refused now (phone instead)
    await expect(acknowledgeEscalation(deps, escalationId, { code, name: 'X' })).rejects.toBeInstanceOf(TooManyRequestsError);
    expect((await deps.escalations.get(escalationId))?.status).toBe('open');
  });
});

describe('moving up', () => {
  it('moves to the next level with an event for that level, and ignores the same timer fired again late', async () => {
    const { deps, escalationId } = await raised();
    expect(await escalationTimedOut(deps, timer(escalationId, 0, 0))).toBe('moved_up');
    expect(await escalationTimedOut(deps, timer(escalationId, 0, 0))).toBe('stale');
    expect(await deps.escalations.get(escalationId)).toMatchObject({ level: 1, round: 0, status: 'open' });
    const events = (await outboxItems(deps)).map((i) => i.event);
    expect(events.filter((e) => e.type === 'EscalationMovedUp')).toEqual([
      expect.objectContaining({
        data: { escalationId, level: 1, round: 0 },
        attributes: { urgency: 'immediate', category: 'self_harm' },
      }),
    ]);
  });

  it('does nothing once acknowledged', async () => {
    const { deps, escalationId, code } = await raised();
    await acknowledgeEscalation(deps, escalationId, { code, name: 'Sam' });
    expect(await escalationTimedOut(deps, timer(escalationId, 0, 0))).toBe('stale');
    expect((await outboxItems(deps)).length).toBe(1);
  });

  it('repeats from the top for repeatCount rounds, then marks it unacknowledged, emails the operator once and logs an alarm', async () => {
    const { deps, escalationId } = await raised();
    const lines: string[] = [];
    const previous = setLogSink((l) => lines.push(l));
    restoreSink = () => setLogSink(previous);
    const levels = deps.org.safeguarding.levels.length; // 3
    const outcomes: string[] = [];
    for (let round = 0; round <= deps.org.safeguarding.repeatCount; round++) {
      for (let level = 0; level < levels; level++)
        outcomes.push(
          await fireTimer(deps, timer(escalationId, level, round)).then(async () => {
            const e = await deps.escalations.get(escalationId);
            return `${e?.status}:${e?.level}:${e?.round}`;
          }),
        );
    }
    expect(outcomes).toEqual([
      'open:1:0',
      'open:2:0',
      'open:0:1',
      'open:1:1',
      'open:2:1',
      'open:0:2',
      'open:1:2',
      'open:2:2',
      'unacknowledged_after_all_levels:2:2',
    ]);
    await escalationTimedOut(deps, timer(escalationId, 2, 2)); // duplicate
    expect(deps.mail.sent.filter((m) => m.to === 'ops@example.org')).toHaveLength(1);
    expect(deps.mail.sent[0]?.text).not.toContain(validEscalation.summary);
    expect(lines.filter((l) => l.includes('ALARM escalation unacknowledged after all levels'))).toHaveLength(1);
    const timeline = await deps.escalations.timeline(escalationId);
    expect(timeline.at(-1)?.type).toBe('unacknowledged_after_all_levels');
  });

  it('retries the operator email when it fails, without marking first', async () => {
    const { deps, escalationId } = await raised();
    deps.org.safeguarding.repeatCount = 0;
    for (const level of [0, 1]) await escalationTimedOut(deps, timer(escalationId, level, 0));
    deps.mail.failNext(1);
    await expect(escalationTimedOut(deps, timer(escalationId, 2, 0))).rejects.toThrow();
    expect((await deps.escalations.get(escalationId))?.status).toBe('open');
    expect(await escalationTimedOut(deps, timer(escalationId, 2, 0))).toBe('exhausted');
    expect(deps.mail.sent.filter((m) => m.to === 'ops@example.org')).toHaveLength(1);
    expect(deps.mail.urgentTo).toEqual(['ops@example.org']);
  });
});

describe('GET /admin/escalations/{id}', () => {
  it('shows status, level and timeline to safeguarding leads and the raising facilitator only', async () => {
    const { deps, escalationId } = await raised();
    const lead = await createFacilitator(deps, { email: 'lead@example.org', displayName: 'Lead', role: 'safeguarding_lead' });
    const raiser = await createFacilitator(deps, {
      email: validEscalation.facilitatorEmail,
      displayName: 'Sam',
      role: 'facilitator',
    });
    const other = await createFacilitator(deps, { email: 'other@example.org', displayName: 'O', role: 'facilitator' });
    const view = await getEscalation(deps, `Bearer ${lead.token}`, escalationId);
    expect(view).toMatchObject({ status: 'open', level: 0, round: 0, timeline: [{ type: 'raised' }] });
    expect(JSON.stringify(view)).not.toContain(validEscalation.summary);
    expect((await getEscalation(deps, `Bearer ${raiser.token}`, escalationId)).status).toBe('open');
    await expect(getEscalation(deps, `Bearer ${other.token}`, escalationId)).rejects.toMatchObject({ name: 'ForbiddenError' });
    await expect(getEscalation(deps, 'Bearer nope', escalationId)).rejects.toMatchObject({ name: 'UnauthorizedError' });
  });
});
