import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { makeHandler as cancelSession } from '../../../functions/admin/cancel-session.ts';
import { makeHandler as createGroup } from '../../../functions/admin/create-group.ts';
import { makeHandler as createSessions } from '../../../functions/admin/create-sessions.ts';
import { makeHandler as getRoster } from '../../../functions/admin/get-roster.ts';
import { makeHandler as recordAttendance } from '../../../functions/admin/record-attendance.ts';
import { makeHandler as reschedule } from '../../../functions/admin/reschedule-session.ts';
import { makeHandler as directory } from '../../../functions/sessions/get-directory-page.ts';
import { makeHandler as listGroups } from '../../../functions/sessions/list-groups.ts';
import { facilitator, groupRequest } from '../../domain/sessions/helpers.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { BROWSER, invoke, textOf } from '../members/helpers.ts';

const auth = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

async function call(
  handler: Parameters<typeof invoke>[0],
  method: string,
  path: string,
  options: { token?: string; body?: unknown; pathParameters?: Record<string, string>; query?: Record<string, string> } = {},
) {
  const result = await invoke(
    handler,
    httpEvent(method, path, {
      headers: options.token ? auth(options.token) : { 'content-type': 'application/json' },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      ...(options.query ? { query: options.query } : {}),
    }),
  );
  return {
    ...result,
    json: result.body && result.headers['content-type']?.includes('json') ? JSON.parse(result.body) : undefined,
  };
}

async function withGroup(deps: TestDeps, overrides = {}) {
  const { token } = await facilitator(deps);
  const created = await call(createGroup(deps), 'POST', '/admin/groups', { token, body: groupRequest(overrides) });
  return { token, groupId: created.json.id as string, created };
}

describe('admin API', () => {
  it('answers 401 without a token or with a wrong or revoked one', async () => {
    const deps = await testDeps();
    const h = createGroup(deps);
    expect((await call(h, 'POST', '/admin/groups', { body: groupRequest() })).status).toBe(401);
    expect((await call(h, 'POST', '/admin/groups', { token: 'kith_nope', body: groupRequest() })).status).toBe(401);
    // Authentication comes before the body: a stranger learns nothing from validation messages
    expect((await call(h, 'POST', '/admin/groups', { body: { name: '' } })).status).toBe(401);
    const { facilitator: f, token } = await facilitator(deps);
    await deps.facilitators.revoke(f.facilitatorId, deps.clock.now().toISOString());
    const revoked = await call(h, 'POST', '/admin/groups', { token, body: groupRequest() });
    expect(revoked.status).toBe(401);
    expect(revoked.json.error.code).toBe('unauthorized');
  });

  it('creates a group (201) that its creator facilitates', async () => {
    const deps = await testDeps();
    const { created } = await withGroup(deps);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'Thursday grief circle',
      format: 'in_person',
      capacity: 10,
      timezone: 'Europe/London',
    });
    expect(created.json.facilitatorIds).toHaveLength(1);
  });

  it('answers 400 with field messages for a bad group', async () => {
    const deps = await testDeps();
    const { token } = await facilitator(deps);
    const bad = await call(createGroup(deps), 'POST', '/admin/groups', {
      token,
      body: { name: '', format: 'online', capacity: 0, access: 'maybe', timezone: 'Mars/Base' },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json.error.fields).sort()).toEqual(['access', 'capacity', 'name', 'timezone']);
    const online = await call(createGroup(deps), 'POST', '/admin/groups', {
      token,
      body: groupRequest({ format: 'online', location: undefined }),
    });
    expect(online.status).toBe(400);
    expect(online.json.error.fields.meetingUrl).toMatch(/required/);
  });

  it('schedules a weekly series over the clock change (201) with room-booking ends', async () => {
    const deps = await testDeps();
    const { token, groupId } = await withGroup(deps);
    const res = await call(createSessions(deps), 'POST', `/admin/groups/${groupId}/sessions`, {
      token,
      pathParameters: { groupId },
      body: { startsAt: '2027-03-25T19:00:00+00:00', durationMinutes: 90, recurrence: { frequency: 'weekly', count: 2 } },
    });
    expect(res.status).toBe(201);
    expect(res.json.sessions.map((s: { startsAt: string }) => s.startsAt)).toEqual([
      '2027-03-25T19:00:00+00:00',
      '2027-04-01T19:00:00+01:00',
    ]);
    expect(res.json.sessions[1]).toMatchObject({
      endsAt: '2027-04-01T20:30:00+01:00',
      roomBookedUntil: '2027-04-01T21:30:00+01:00',
    });
  });

  it('answers 403 to a facilitator of another group, 404 for an unknown group, 400 for a past start', async () => {
    const deps = await testDeps();
    const { groupId, token } = await withGroup(deps);
    const { token: stranger } = await facilitator(deps);
    const body = { startsAt: '2027-03-25T19:00:00+00:00', durationMinutes: 60 };
    const h = createSessions(deps);
    expect((await call(h, 'POST', '/x', { token: stranger, pathParameters: { groupId }, body })).status).toBe(403);
    expect((await call(h, 'POST', '/x', { token, pathParameters: { groupId: 'UNKNOWN' }, body })).status).toBe(404);
    const past = await call(h, 'POST', '/x', {
      token,
      pathParameters: { groupId },
      body: { ...body, startsAt: '2020-01-01T10:00:00Z' },
    });
    expect(past.status).toBe(400);
    expect(past.json.error.fields.startsAt).toBeDefined();
    const noOffset = await call(h, 'POST', '/x', {
      token,
      pathParameters: { groupId },
      body: { ...body, startsAt: '2027-03-25T19:00:00' },
    });
    expect(noOffset.status).toBe(400);
    const tooMany = await call(h, 'POST', '/x', {
      token,
      pathParameters: { groupId },
      body: { ...body, recurrence: { frequency: 'weekly', until: '2030-01-01T00:00:00Z' } },
    });
    expect(tooMany.status).toBe(400);
  });

  it('reschedules, cancels, lists the roster and records attendance; 403 for strangers', async () => {
    const deps = await testDeps();
    const { groupId, token } = await withGroup(deps);
    const { token: stranger } = await facilitator(deps);
    const created = await call(createSessions(deps), 'POST', '/x', {
      token,
      pathParameters: { groupId },
      body: { startsAt: '2027-01-07T19:00:00Z', durationMinutes: 60 },
    });
    const sessionId = created.json.sessions[0].id as string;
    const p = { sessionId };
    expect((await call(getRoster(deps), 'GET', '/x', { token: stranger, pathParameters: p })).status).toBe(403);
    expect((await call(getRoster(deps), 'GET', '/x', { token, pathParameters: p })).json).toEqual({ bookings: [] });
    const bad = await call(recordAttendance(deps), 'PUT', '/x', {
      token,
      pathParameters: p,
      body: { present: ['01JABCDEFGHJKMNPQRSTVWXYZ0'] },
    });
    expect(bad.status).toBe(400);
    const moved = await call(reschedule(deps), 'PATCH', '/x', {
      token,
      pathParameters: p,
      body: { startsAt: '2027-01-08T19:00:00Z' },
    });
    expect(moved.status).toBe(200);
    expect(moved.json.startsAt).toBe('2027-01-08T19:00:00+00:00');
    expect((await call(cancelSession(deps), 'POST', '/x', { token: stranger, pathParameters: p })).status).toBe(403);
    const cancelled = await call(cancelSession(deps), 'POST', '/x', { token, pathParameters: p });
    expect(cancelled.json.status).toBe('cancelled');
    expect(
      (await call(reschedule(deps), 'PATCH', '/x', { token, pathParameters: p, body: { startsAt: '2027-01-09T19:00:00Z' } }))
        .status,
    ).toBe(400);
  });
});

describe('admin API: who may change a session', () => {
  async function scheduled(deps: TestDeps) {
    const { groupId, token } = await withGroup(deps, { timezone: 'Europe/London' });
    const created = await call(createSessions(deps), 'POST', '/x', {
      token,
      pathParameters: { groupId },
      body: { startsAt: '2027-07-08T18:00:00Z', durationMinutes: 60 },
    });
    return { token, p: { sessionId: created.json.sessions[0].id as string } };
  }

  it('tells a stranger 403 and never the state of the session (cancelled, who is booked); nothing changes', async () => {
    const deps = await testDeps();
    const { token, p } = await scheduled(deps);
    const { token: stranger } = await facilitator(deps);
    const { token: lead } = await facilitator(deps, 'safeguarding_lead');
    const attendance = { present: ['01JABCDEFGHJKMNPQRSTVWXYZ0'] };
    for (const who of [stranger, lead]) {
      expect((await call(recordAttendance(deps), 'PUT', '/x', { token: who, pathParameters: p, body: attendance })).status).toBe(
        403,
      );
      expect(
        (await call(recordAttendance(deps), 'PUT', '/x', { token: who, pathParameters: p, body: { present: [] } })).status,
      ).toBe(403);
      const move = { startsAt: '2027-07-09T18:00:00Z' };
      expect((await call(reschedule(deps), 'PATCH', '/x', { token: who, pathParameters: p, body: move })).status).toBe(403);
    }
    expect((await call(cancelSession(deps), 'POST', '/x', { token, pathParameters: p })).status).toBe(200);
    const again = await call(cancelSession(deps), 'POST', '/x', { token: stranger, pathParameters: p });
    expect(again.status).toBe(403);
    expect(again.json.error.code).toBe('forbidden');
    const moveCancelled = { startsAt: '2027-07-09T18:00:00Z' };
    expect(
      (await call(reschedule(deps), 'PATCH', '/x', { token: stranger, pathParameters: p, body: moveCancelled })).status,
    ).toBe(403);
    expect((await call(reschedule(deps), 'PATCH', '/x', { token, pathParameters: p, body: moveCancelled })).status).toBe(400);
    const session = await deps.sessions.getSession(p.sessionId);
    expect(session).toMatchObject({ startsAt: '2027-07-08T18:00:00.000Z', sequence: 1 });
    expect(session).not.toHaveProperty('attendance');
  });

  it("lets an admin change any group's session, shown in the group's time zone (also for a session stored without one)", async () => {
    const deps = await testDeps();
    const { p } = await scheduled(deps);
    const { token: admin } = await facilitator(deps, 'admin');
    const moved = await call(reschedule(deps), 'PATCH', '/x', {
      token: admin,
      pathParameters: p,
      body: { startsAt: '2027-07-09T18:00:00Z' },
    });
    expect(moved.status).toBe(200);
    expect(moved.json.startsAt).toBe('2027-07-09T19:00:00+01:00');
    expect(
      (await call(recordAttendance(deps), 'PUT', '/x', { token: admin, pathParameters: p, body: { present: [] } })).json,
    ).toEqual({
      present: [],
    });
    // A session scheduled before sessions carried their time zone: the group's is read
    await deps.table.client.send(
      new UpdateCommand({
        TableName: deps.table.tableName,
        Key: { pk: `SESSION#${p.sessionId}`, sk: 'SESSION' },
        UpdateExpression: 'REMOVE #tz',
        ExpressionAttributeNames: { '#tz': 'timezone' },
      }),
    );
    const cancelled = await call(cancelSession(deps), 'POST', '/x', { token: admin, pathParameters: p });
    expect(cancelled.json).toMatchObject({ status: 'cancelled', startsAt: '2027-07-09T19:00:00+01:00' });
  });
});

describe('public directory', () => {
  it('lists groups and upcoming sessions with places left, never the meeting link, filterable', async () => {
    const deps = await testDeps();
    const { token, groupId } = await withGroup(deps, { topics: ['grief', 'loss'] });
    await call(createGroup(deps), 'POST', '/admin/groups', {
      token,
      body: groupRequest({
        name: 'Online evening',
        format: 'online',
        location: undefined,
        meetingUrl: 'https://meet.example.org/secret',
        topics: ['anxiety'],
      }),
    });
    await call(createSessions(deps), 'POST', '/x', {
      token,
      pathParameters: { groupId },
      body: { startsAt: '2027-01-07T19:00:00Z', durationMinutes: 60 },
    });

    const all = await call(listGroups(deps), 'GET', '/groups');
    expect(all.status).toBe(200);
    expect(all.body).not.toContain('meet.example.org');
    expect(all.body).not.toContain('facilitator');
    expect(all.json.groups.map((g: { name: string }) => g.name)).toEqual(['Online evening', 'Thursday grief circle']);
    const grief = all.json.groups[1];
    expect(grief.sessions).toEqual([
      { id: expect.any(String), startsAt: '2027-01-07T19:00:00+00:00', endsAt: '2027-01-07T20:00:00+00:00', placesLeft: 10 },
    ]);

    const online = await call(listGroups(deps), 'GET', '/groups', { query: { format: 'online' } });
    expect(online.json.groups.map((g: { name: string }) => g.name)).toEqual(['Online evening']);
    const loss = await call(listGroups(deps), 'GET', '/groups', { query: { topic: 'loss' } });
    expect(loss.json.groups.map((g: { name: string }) => g.name)).toEqual(['Thursday grief circle']);

    const pageRes = await invoke(
      directory(deps),
      httpEvent('GET', '/directory', { headers: BROWSER, query: { topic: 'anxiety' } }),
    );
    expect(pageRes.status).toBe(200);
    expect(textOf(pageRes.body)).toContain('Online evening');
    expect(textOf(pageRes.body)).not.toContain('Thursday grief circle');
    expect(pageRes.body).not.toContain('meet.example.org');
  });
});
