import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/admin/get-group-checkins.ts';
import { groupCheckinTrend } from '../../../shared/domain/checkins/group-trend.ts';
import { sessionCheckins } from '../../../shared/domain/checkins/session-checkins.ts';
import { createGroup } from '../../../shared/domain/sessions/manage-groups.ts';
import { scheduleSessions } from '../../../shared/domain/sessions/schedule-sessions.ts';
import { invoke } from '../../functions/members/helpers.ts';
import { exampleOrg, type TestDeps, testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { activeMember, facilitator, groupRequest } from '../sessions/helpers.ts';

const DAY = 86_400_000;

/** A group with three weekly sessions, the clock moved past them; returns who facilitates it. */
async function groupWithPastSessions(deps: TestDeps) {
  const owner = await facilitator(deps);
  const group = await createGroup(deps, owner.facilitator, groupRequest());
  const { sessions } = await scheduleSessions(deps, owner.facilitator, group.groupId, {
    startsAt: new Date(deps.clock.now().getTime() + DAY).toISOString(),
    durationMinutes: 60,
    recurrence: { frequency: 'weekly', count: 3 },
  });
  deps.clock.advance(30 * DAY);
  return { owner, group, sessions };
}

/** `scores` answers (null: a contact request without a score) and `unanswered` more who got the email. */
async function checkins(deps: TestDeps, sessionId: string, scores: (number | null)[], unanswered = 0) {
  const at = deps.clock.now().toISOString();
  const groupId = (await deps.sessions.getSession(sessionId))?.groupId ?? '';
  const ids: string[] = [];
  for (const [i, score] of scores.entries()) {
    const memberId = `M${sessionId.slice(-6)}A${i}`;
    ids.push(memberId);
    await deps.checkins.recordSent(sessionId, memberId, at, groupId);
    await deps.checkins.saveAnswer(sessionId, memberId, {
      ...(score === null ? {} : { score }),
      contact: score === null,
      answeredAt: at,
    });
  }
  for (let i = 0; i < unanswered; i++) await deps.checkins.recordSent(sessionId, `M${sessionId.slice(-6)}U${i}`, at, groupId);
  return ids;
}

describe('group check-in trend', () => {
  it('shows mean and distribution from 5 scored answers and hides them at 4, for every role', async () => {
    const deps = await testDeps();
    const { owner, group, sessions } = await groupWithPastSessions(deps);
    const [four, five, none] = sessions as [(typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0]];
    await checkins(deps, four.sessionId, [1, 2, 2, 5], 4);
    await checkins(deps, five.sessionId, [1, 2, 2, 5, 5, null], 2);
    void none; // no check-ins sent: not in the trend

    const trend = await groupCheckinTrend(deps, owner.facilitator, group.groupId);
    expect(trend.minimumAnswers).toBe(5);
    expect(trend.sessions.map((s) => s.sessionId)).toEqual([four.sessionId, five.sessionId]);
    const [a, b] = trend.sessions;
    expect(a).toMatchObject({ sent: 8, answered: 4, scored: 4, responseRate: 0.5, mean: null, distribution: null });
    expect(a?.hidden).toBe('fewer than 5 answers');
    expect(b).toMatchObject({ sent: 8, answered: 6, scored: 5, responseRate: 0.75, mean: 3 });
    expect(b?.distribution).toEqual({ '1': 1, '2': 2, '3': 0, '4': 0, '5': 2 });
    expect(b?.hidden).toBeUndefined();

    // the per-session view applies the same rule, to admins too
    const { facilitator: admin } = await facilitator(deps, 'admin');
    const view = await sessionCheckins(deps, admin, four.sessionId);
    expect(view).toMatchObject({ distribution: null, mean: null, hidden: 'fewer than 5 answers', answered: 4 });
    expect(JSON.stringify(view)).not.toMatch(/"score"/);
    expect((await sessionCheckins(deps, owner.facilitator, five.sessionId)).distribution).toEqual(b?.distribution);
  });

  it('counts loads flagged as automated apart, never as opened or answered', async () => {
    const deps = await testDeps();
    const { owner, group, sessions } = await groupWithPastSessions(deps);
    const s = sessions[0]!;
    await checkins(deps, s.sessionId, [4, 4, 4, 4, 4]);
    const at = deps.clock.now().toISOString();
    for (const m of ['MSCAN1', 'MSCAN2']) {
      await deps.checkins.recordSent(s.sessionId, m, at, s.groupId);
      for (const link of ['1', '2', '3', '4', '5', 'contact']) await deps.checkins.recordOpened(s.sessionId, m, link, at);
      await deps.checkins.markFlagged(s.sessionId, m);
    }
    await deps.checkins.recordOpened(s.sessionId, 'MPERSON', '3', at);
    await deps.checkins.recordSent(s.sessionId, 'MPERSON', at, s.groupId);

    const [row] = (await groupCheckinTrend(deps, owner.facilitator, group.groupId)).sessions;
    expect(row).toMatchObject({ sent: 8, flagged: 2, opened: 1, answered: 5, scored: 5, mean: 4 });
    expect(row?.distribution).toEqual({ '1': 0, '2': 0, '3': 0, '4': 5, '5': 0 });
  });

  it('leaves out answers past the retention period (read-time filter before TTL deletes them)', async () => {
    const deps = await testDeps();
    const { owner, group, sessions } = await groupWithPastSessions(deps);
    const s = sessions[0]!;
    const [first] = await checkins(deps, s.sessionId, [3, 3, 4, 4, 5]);
    expect((await groupCheckinTrend(deps, owner.facilitator, group.groupId)).sessions[0]?.mean).toBe(3.8);

    // one answer's retention has passed (TTL has not deleted it yet): it no longer counts
    await deps.table.client.send(
      new UpdateCommand({
        TableName: deps.table.tableName,
        Key: { pk: `CHECKIN#${s.sessionId}`, sk: `MEMBER#${first}` },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(deps.clock.now().getTime() / 1000) - 1 },
      }),
    );
    const [row] = (await groupCheckinTrend(deps, owner.facilitator, group.groupId)).sessions;
    expect(row).toMatchObject({ sent: 4, answered: 4, mean: null, distribution: null });

    // past the org's retention, the session leaves the trend altogether
    deps.clock.advance((deps.org.retention.checkinAnswersMonths * 31 + 1) * DAY);
    expect((await groupCheckinTrend(deps, owner.facilitator, group.groupId)).sessions).toEqual([]);
  });

  it('GET /admin/groups/{groupId}/checkins: the group facilitator and admins; 403 for others, 404 unknown, 401 without a token', async () => {
    const deps = await testDeps();
    const { owner, group, sessions } = await groupWithPastSessions(deps);
    await checkins(deps, sessions[0]!.sessionId, [2, 3, 4, 5, 5]);
    const handler = makeHandler(deps);
    const call = (token: string | undefined, groupId = group.groupId) =>
      invoke(
        handler,
        httpEvent('GET', `/admin/groups/${groupId}/checkins`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
          pathParameters: { groupId },
        }),
      );
    const ok = await call(owner.token);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).sessions[0]).toMatchObject({ sent: 5, answered: 5, mean: 3.8 });
    expect((await call((await facilitator(deps, 'admin')).token)).status).toBe(200);
    expect((await call((await facilitator(deps)).token)).status).toBe(403);
    expect((await call((await facilitator(deps, 'safeguarding_lead')).token)).status).toBe(403);
    expect((await call(owner.token, '01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
    expect((await call(undefined)).status).toBe(401);
  });

  it('the session view names who the alert was about (never the score), only while staff alerts are on', async () => {
    for (const staffAlerts of [true, false]) {
      const deps = await testDeps({
        org: exampleOrg((o) => {
          o.checkins.staffAlerts = staffAlerts;
        }),
      });
      const { owner, sessions } = await groupWithPastSessions(deps);
      const s = sessions[0]!;
      const at = deps.clock.now().toISOString();
      const [low, asked, fine] = await Promise.all(['low', 'asked', 'fine'].map((n) => activeMember(deps, n)));
      const answers = [
        [low!, { score: 1, contact: false }],
        [asked!, { contact: true }],
        [fine!, { score: 4, contact: false }],
      ] as const;
      for (const [m, a] of answers) {
        await deps.checkins.recordSent(s.sessionId, m.memberId, at, s.groupId);
        await deps.checkins.saveAnswer(s.sessionId, m.memberId, { ...a, answeredAt: at });
      }
      const view = await sessionCheckins(deps, owner.facilitator, s.sessionId);
      expect(view.contactRequests.map((c) => c.displayName)).toEqual(['Member asked']);
      if (staffAlerts) {
        expect(view.followUps.map((f) => [f.displayName, f.reason]).sort()).toEqual([
          ['Member asked', 'contact_request'],
          ['Member low', 'answer_below_threshold'],
        ]);
        expect(JSON.stringify(view.followUps)).not.toMatch(/score|"1"/);
      } else expect(view.followUps).toEqual([]);
    }
  });
});
