import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/sessions/send-session-email.ts';
import type { DomainEvent } from '../../../shared/domain/events.ts';
import { createGroup } from '../../../shared/domain/sessions/manage-groups.ts';
import { scheduleSessions } from '../../../shared/domain/sessions/schedule-sessions.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { outboxEvents } from '../../domain/members/helpers.ts';
import { activeMember, facilitator, groupRequest } from '../../domain/sessions/helpers.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { lambdaContext } from '../../support/events.ts';

const sqsEvent = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m-${i}`, body })) }) as unknown as SQSEvent;

describe('the session-mail consumer within its timeout', () => {
  let deps: TestDeps;
  let restore: (line: string) => void;
  beforeEach(async () => {
    deps = await testDeps();
    restore = setLogSink(() => {});
  });
  afterEach(() => setLogSink(restore));

  it("hands the invocation's remaining time to an announcement, which leaves the rest to a SessionMailContinued event", async () => {
    // Prepare: a group of three members and a new session in it
    const { facilitator: f } = await facilitator(deps);
    const group = await createGroup(deps, f, groupRequest());
    const ids: string[] = [];
    for (const n of ['a', 'b', 'c']) {
      const m = await activeMember(deps, n, group.groupId);
      await deps.sessions.addGroupMember(group.groupId, m.memberId, deps.clock.now().toISOString());
      ids.push(m.memberId);
    }
    const startsAt = new Date(deps.clock.now().getTime() + 86_400_000).toISOString();
    await scheduleSessions(deps, f, group.groupId, { startsAt, durationMinutes: 60 });
    const announced = (await outboxEvents(deps.table)).find((e) => e.type === 'SessionsScheduled') as DomainEvent;

    // Act: an invocation with less time left than a send needs, then the continuation with time to spare
    const first = await makeHandler(deps)(sqsEvent(JSON.stringify(announced)), {
      ...lambdaContext,
      getRemainingTimeInMillis: () => 5_000,
    });
    const continued = (await outboxEvents(deps.table)).filter((e) => e.type === 'SessionMailContinued');
    const second = await makeHandler(deps)(sqsEvent(JSON.stringify(continued[0])), lambdaContext);

    // Assess: one sent (the first always is), the record done, the rest sent by the continuation
    expect(first).toEqual({ batchItemFailures: [] });
    expect(continued).toHaveLength(1);
    expect(continued[0]).toMatchObject({
      topic: 'member-notifications',
      data: { of: announced.id, ofType: 'SessionsScheduled', resumeAfter: ids.sort()[0] },
    });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(deps.mail.sent.map((m) => m.to).sort()).toEqual([
      'member-a@example.com',
      'member-b@example.com',
      'member-c@example.com',
    ]);
  });
});
