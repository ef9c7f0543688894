import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/platform/fire-timer.ts';
import { CHECKIN_SEND_KIND, checkinDueAt, checkinTimerName } from '../../../shared/domain/checkins/send-checkins.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { activeMember, groupWithSession } from '../../domain/sessions/helpers.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { lambdaContext } from '../../support/events.ts';

const sqsEvent = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m-${i}`, body })) }) as unknown as SQSEvent;

describe('the timer worker and the heartbeat metric', () => {
  let deps: TestDeps;
  let lines: string[];
  let restore: (line: string) => void;
  beforeEach(async () => {
    deps = await testDeps();
    lines = [];
    restore = setLogSink((line) => lines.push(line));
  });
  afterEach(() => setLogSink(restore));

  const metricLines = () => lines.map((l) => JSON.parse(l)).filter((l) => l._aws);

  it("records the heartbeat schedule's body and emits one Embedded Metric Format line for it, with the org as dimension", async () => {
    // Act: the exact body the recurring schedule sends (infra/constructs/timers.ts)
    const result = await makeHandler(deps)(sqsEvent('{"name":"heartbeat","kind":"heartbeat"}'), lambdaContext);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect((await deps.heartbeats.last())?.at).toBe(deps.clock.now().toISOString());
    const [metric, ...more] = metricLines();
    expect(more).toEqual([]);
    expect(metric).toMatchObject({
      _aws: {
        CloudWatchMetrics: [{ Namespace: 'kith', Dimensions: [['Org']], Metrics: [{ Name: 'TimerHeartbeat', Unit: 'Count' }] }],
      },
      Org: 'example',
      TimerHeartbeat: 1,
    });
    expect(typeof metric._aws.Timestamp).toBe('number');
  });

  it('emits no heartbeat metric when recording the heartbeat failed (the alarm must see the silence)', async () => {
    deps.heartbeats.record = async () => {
      throw new Error('table down');
    };
    const result = await makeHandler(deps)(sqsEvent('{"name":"heartbeat","kind":"heartbeat"}'), lambdaContext);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(metricLines()).toEqual([]);
  });

  it("hands the invocation's remaining time to a check-in fan-out, which leaves the rest to a continuation timer", async () => {
    // Prepare: three members recorded present who want check-ins; the clock at the check-in time
    const { session } = await groupWithSession(deps);
    const present = [];
    for (const n of ['a', 'b', 'c']) {
      const m = await activeMember(deps, n);
      await deps.members.updatePreferences(m.memberId, { checkinEmails: true });
      present.push(m.memberId);
    }
    await deps.sessions.recordAttendance(session.sessionId, present);
    deps.clock.set(checkinDueAt(deps, session));
    const body = JSON.stringify({
      name: checkinTimerName(session.sessionId),
      kind: CHECKIN_SEND_KIND,
      sessionId: session.sessionId,
    });

    // Act: an invocation with less time left than a send needs
    const result = await makeHandler(deps)(sqsEvent(body), { ...lambdaContext, getRemainingTimeInMillis: () => 5_000 });

    // Assess: one sent (the first always is), the record done, the rest scheduled to go on
    expect(result).toEqual({ batchItemFailures: [] });
    expect(deps.mail.sent.filter((m) => m.subject.startsWith('How are you after'))).toHaveLength(1);
    expect(deps.scheduler.timers.get(checkinTimerName(session.sessionId))?.payload).toEqual({
      kind: CHECKIN_SEND_KIND,
      sessionId: session.sessionId,
      resumeAfter: present.sort()[0],
    });
  });
});
