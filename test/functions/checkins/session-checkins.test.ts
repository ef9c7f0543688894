import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/admin/get-session-checkins.ts';
import { answerCheckin, openCheckin } from '../../../shared/domain/checkins/answer-checkin.ts';
import { checkinLinks } from '../../../shared/domain/checkins/send-checkins.ts';
import { sessionCheckins } from '../../../shared/domain/checkins/session-checkins.ts';
import { activeMember, facilitator, groupWithSession } from '../../domain/sessions/helpers.ts';
import { testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { invoke } from '../members/helpers.ts';

const SENTINEL = 'SENTINEL-comment-9b1';

describe('GET /admin/sessions/{sessionId}/checkins', () => {
  it('counts sent, opened, flagged and answered; comments only for admins and safeguarding leads', async () => {
    const deps = await testDeps();
    const { session, facilitator: owner } = await groupWithSession(deps);
    const people = await Promise.all(['a', 'b', 'c'].map((n) => activeMember(deps, n)));
    const tokens = [];
    for (const m of people) {
      await deps.checkins.recordSent(session.sessionId, m.memberId, deps.clock.now().toISOString(), session.groupId);
      tokens.push(new URL((await checkinLinks(deps, session.sessionId, m.memberId)).answers['1']).searchParams.get('t') ?? '');
    }
    // a: a scanner opens every link; b: a person opens one and answers low with a comment and a contact request
    for (const a of ['1', '2', '3', '4', '5', 'contact'] as const) await openCheckin(deps, session.sessionId, tokens[0]!, a);
    await openCheckin(deps, session.sessionId, tokens[1]!, '2');
    await answerCheckin(deps, session.sessionId, { token: tokens[1]!, score: 2, contact: true, comment: SENTINEL });

    const view = async (token: string) => {
      const r = await invoke(
        makeHandler(deps),
        httpEvent('GET', `/admin/sessions/${session.sessionId}/checkins`, {
          headers: { authorization: `Bearer ${token}` },
          pathParameters: { sessionId: session.sessionId },
        }),
      );
      return { status: r.status, body: r.body, json: JSON.parse(r.body || '{}') };
    };
    const { token: admin } = await facilitator(deps, 'admin');
    const asAdmin = await view(admin);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.json).toMatchObject({ sent: 3, opened: 1, flagged: 1, answered: 1 });
    // one answer: the distribution would name it (k-anonymity, for admins too)
    expect(asAdmin.json).toMatchObject({ distribution: null, mean: null, hidden: 'fewer than 5 answers' });
    expect(asAdmin.json.contactRequests).toHaveLength(1);
    expect(asAdmin.json.contactRequests[0].memberId).toBe(people[1]!.memberId);
    expect(asAdmin.body).toContain(SENTINEL);

    const { token: lead } = await facilitator(deps, 'safeguarding_lead');
    expect((await view(lead)).body).toContain(SENTINEL);

    // the group's own facilitator sees the counts and contact requests, never comments
    const asOwner = await sessionCheckins(deps, owner, session.sessionId);
    expect(asOwner).toMatchObject({ sent: 3, answered: 1, flagged: 1 });
    expect(asOwner.contactRequests).toHaveLength(1);
    expect(JSON.stringify(asOwner)).not.toContain(SENTINEL);
    expect('comments' in asOwner).toBe(false);

    const { token: stranger } = await facilitator(deps);
    expect((await view(stranger)).status).toBe(403);
  });

  it('answers from the session when no check-in names its group yet: empty before sending, 403 and 404 as ever', async () => {
    const deps = await testDeps();
    const { session, facilitator: owner } = await groupWithSession(deps);
    const { facilitator: stranger } = await facilitator(deps);
    expect(await sessionCheckins(deps, owner, session.sessionId)).toMatchObject({ sessionId: session.sessionId, sent: 0 });
    await expect(sessionCheckins(deps, stranger, session.sessionId)).rejects.toMatchObject({ name: 'ForbiddenError' });
    await expect(sessionCheckins(deps, owner, 'no-such-session')).rejects.toMatchObject({ name: 'NotFoundError' });
    // A record without the group (opened before it was recorded as sent): the session is read instead
    const m = await activeMember(deps, 'd');
    const token = new URL((await checkinLinks(deps, session.sessionId, m.memberId)).answers['3']).searchParams.get('t') ?? '';
    await openCheckin(deps, session.sessionId, token, '3');
    await answerCheckin(deps, session.sessionId, { token, score: 3, contact: true });
    const view = await sessionCheckins(deps, owner, session.sessionId);
    expect(view.contactRequests.map((c) => c.memberId)).toEqual([m.memberId]);
    expect(view.groupId).toBe(session.groupId);
    await expect(sessionCheckins(deps, stranger, session.sessionId)).rejects.toMatchObject({ name: 'ForbiddenError' });
  });

  it("never takes a check-in's group over the session's own", async () => {
    const deps = await testDeps();
    const { session, facilitator: owner } = await groupWithSession(deps);
    const other = await groupWithSession(deps, { name: 'Another group' });
    // A record naming another group (never written so; a stale or wrong copy must not grant access)
    await deps.checkins.recordSent(session.sessionId, 'M1', deps.clock.now().toISOString(), other.group.groupId);
    await expect(sessionCheckins(deps, other.facilitator, session.sessionId)).rejects.toMatchObject({ name: 'ForbiddenError' });
    expect(await sessionCheckins(deps, owner, session.sessionId)).toMatchObject({ groupName: 'Thursday grief circle', sent: 1 });
  });
});
