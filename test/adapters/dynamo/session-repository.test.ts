import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../shared/domain/events.ts';
import { outboxEvents } from '../../domain/members/helpers.ts';
import { activeMember, groupWithSession } from '../../domain/sessions/helpers.ts';
import { testDeps } from '../../support/deps.ts';

const event = (id: string, type: string): DomainEvent => ({
  id,
  type,
  topic: 'member-notifications',
  occurredAt: '2026-11-22T10:00:00.000Z',
  data: {},
});

describe('session repository: booking reads', () => {
  it('reads the session, the group, the booking and the member of a booking page in one read', async () => {
    // Prepare
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    const member = await activeMember(deps, 1);
    await deps.sessions.book(session.sessionId, member.memberId, '2026-11-22T10:00:00.000Z', 'p', {
      booked: event(deps.ids.newId(), 'SessionBooked'),
      waitlisted: event(deps.ids.newId(), 'SessionWaitlisted'),
    });
    // Act
    const view = await deps.sessions.getBookingView(session.sessionId, group.groupId, member.memberId);
    // Assess
    expect(view.session).toMatchObject({ sessionId: session.sessionId, bookedCount: 1 });
    expect(view.group).toMatchObject({ groupId: group.groupId, name: group.name });
    expect(view.booking).toMatchObject({ memberId: member.memberId, status: 'booked' });
    expect(view.member).toMatchObject({ memberId: member.memberId, status: 'active' });
    expect(view.session).not.toHaveProperty('pk');
    expect(view.member).not.toHaveProperty('pk');
  });

  it('reads a session with all its bookings, cancelled ones included, in one Query; nothing for an unknown id', async () => {
    // Prepare: two bookings, one then cancelled
    const deps = await testDeps();
    const { session } = await groupWithSession(deps);
    const [a, b] = [await activeMember(deps, 1), await activeMember(deps, 2)];
    for (const m of [a, b]) {
      await deps.sessions.book(session.sessionId, m.memberId, '2026-11-22T10:00:00.000Z', 'p', {
        booked: event(deps.ids.newId(), 'SessionBooked'),
        waitlisted: event(deps.ids.newId(), 'SessionWaitlisted'),
      });
    }
    await deps.sessions.cancelBooking(
      session.sessionId,
      b.memberId,
      '2026-11-22T10:05:00.000Z',
      event(deps.ids.newId(), 'BookingCancelled'),
    );

    // Act
    const found = await deps.sessions.getSessionWithBookings(session.sessionId);

    // Assert
    expect(found?.session).toMatchObject({ sessionId: session.sessionId, bookedCount: 1 });
    expect(found?.session).not.toHaveProperty('pk');
    expect(found?.bookings.map((x) => [x.memberId, x.status]).sort()).toEqual(
      [
        [a.memberId, 'booked'],
        [b.memberId, 'cancelled'],
      ].sort(),
    );
    expect(await deps.sessions.getSessionWithBookings('no-such-session')).toBeUndefined();
  });

  it('leaves out what does not exist, and an unconfirmed member past its expiry', async () => {
    const deps = await testDeps();
    const { session } = await groupWithSession(deps);
    expect(await deps.sessions.getBookingView(session.sessionId, 'no-group', 'no-member')).toEqual({
      session: expect.anything(),
    });
    const pending = {
      ...(await activeMember(deps, 'x')),
      memberId: deps.ids.newId(),
      email: 'p@example.com',
      status: 'pending' as const,
    };
    await deps.members.create(pending, event(deps.ids.newId(), 'MemberSignupRequested'));
    expect((await deps.sessions.getBookingView(session.sessionId, 'g', pending.memberId)).member?.status).toBe('pending');
    deps.clock.advance(8 * 86_400_000); // past the 7-day expiry of an unconfirmed sign-up
    expect((await deps.sessions.getBookingView(session.sessionId, 'g', pending.memberId)).member).toBeUndefined();
  });

  it('books once even when the caller says it had no booking but it had one (a stale read)', async () => {
    const deps = await testDeps();
    const { session } = await groupWithSession(deps);
    const member = await activeMember(deps, 2);
    const events = () => ({
      booked: event(deps.ids.newId(), 'SessionBooked'),
      waitlisted: event(deps.ids.newId(), 'SessionWaitlisted'),
    });
    const first = await deps.sessions.book(session.sessionId, member.memberId, '2026-11-22T10:00:00.000Z', 'a', events(), {
      booking: undefined,
    });
    expect(first.outcome).toBe('booked');
    const again = await deps.sessions.book(session.sessionId, member.memberId, '2026-11-22T10:01:00.000Z', 'b', events(), {
      booking: undefined,
    });
    expect(again.outcome).toBe('already');
    expect((await deps.sessions.getSession(session.sessionId))?.bookedCount).toBe(1);
  });

  it('cancels with a stale hint by reading again when the booking changed meanwhile', async () => {
    const deps = await testDeps();
    const { session } = await groupWithSession(deps);
    const member = await activeMember(deps, 3);
    const booked = await deps.sessions.book(session.sessionId, member.memberId, '2026-11-22T10:00:00.000Z', 'a', {
      booked: event(deps.ids.newId(), 'SessionBooked'),
      waitlisted: event(deps.ids.newId(), 'SessionWaitlisted'),
    });
    const stale = {
      booking: booked.outcome === 'session-closed' ? undefined : { ...booked.booking, status: 'waitlisted' as const },
    };
    const result = await deps.sessions.cancelBooking(
      session.sessionId,
      member.memberId,
      '2026-11-22T10:05:00.000Z',
      event(deps.ids.newId(), 'BookingCancelled'),
      stale,
    );
    expect(result).toBe('cancelled');
    const after = await deps.sessions.getSession(session.sessionId);
    expect(after?.bookedCount).toBe(0);
    expect(after?.waitlistCount ?? 0).toBe(0);
  });
});

describe('session repository: every scheduled session of the org (the directory)', () => {
  it('lists scheduled sessions of all groups from a time, soonest first; a cancelled one leaves, a moved one moves', async () => {
    // Prepare: two groups, three sessions
    const deps = await testDeps();
    const a = await groupWithSession(deps);
    deps.clock.advance(60_000); // b starts a minute after a: equal start times would order by random id
    const b = await groupWithSession(deps, { name: 'Tuesday carers' });
    deps.clock.advance(86_400_000);
    const c = await groupWithSession(deps, { name: 'Saturday walk' });
    const ids = (sessions: { sessionId: string }[]) => sessions.map((s) => s.sessionId);
    const now = deps.clock.now().toISOString();
    expect(ids(await deps.sessions.listScheduledSessions(now))).toEqual([
      a.session.sessionId,
      b.session.sessionId,
      c.session.sessionId,
    ]);

    // Act: cancel b, move c before a
    await deps.sessions.cancelSession(b.session.sessionId, now, event(deps.ids.newId(), 'SessionCancelled'));
    const earlier = new Date(new Date(a.session.startsAt).getTime() - 3_600_000);
    await deps.sessions.reschedule(
      c.session.sessionId,
      {
        startsAt: earlier.toISOString(),
        endsAt: new Date(earlier.getTime() + 5_400_000).toISOString(),
        roomBookedUntil: new Date(earlier.getTime() + 5_400_000).toISOString(),
        durationMinutes: 90,
      },
      event(deps.ids.newId(), 'SessionRescheduled'),
    );

    // Assess
    const listed = await deps.sessions.listScheduledSessions(now);
    expect(ids(listed)).toEqual([c.session.sessionId, a.session.sessionId]);
    expect(listed[0]).not.toHaveProperty('gsi2pk');
    expect(ids(await deps.sessions.listScheduledSessions(a.session.startsAt))).toEqual([a.session.sessionId]);
  });
});

describe('session repository: admin writes guarded by the group in the same transaction', () => {
  const moveBy = (startsAt: string, hours: number) => {
    const start = new Date(new Date(startsAt).getTime() + hours * 3_600_000);
    const end = new Date(start.getTime() + 5_400_000).toISOString();
    return { startsAt: start.toISOString(), endsAt: end, roomBookedUntil: end, durationMinutes: 90 };
  };

  it('writes nothing for a facilitator the group does not list, whatever the state of the session', async () => {
    // Prepare: a group its creator facilitates, and a stranger
    const deps = await testDeps();
    const { facilitator: owner, group, session } = await groupWithSession(deps);
    const stranger = { groupId: group.groupId, facilitatorId: deps.ids.newId() };
    const ownerGuard = { groupId: group.groupId, facilitatorId: owner.facilitatorId };
    const at = deps.clock.now().toISOString();
    const events = async () => (await outboxEvents(deps.table)).length;
    const before = await events();

    // Act and assess: the stranger changes nothing on a scheduled session
    expect(
      await deps.sessions.reschedule(session.sessionId, moveBy(session.startsAt, 1), event(deps.ids.newId(), 'X'), stranger),
    ).toBe('forbidden');
    expect(await deps.sessions.cancelSession(session.sessionId, at, event(deps.ids.newId(), 'X'), stranger)).toBe('forbidden');
    expect(await deps.sessions.recordAttendance(session.sessionId, ['m1'], stranger)).toBe('forbidden');
    expect(await deps.sessions.getSession(session.sessionId)).toEqual(session);
    expect(await events()).toBe(before);

    // The owner's writes go through
    expect(
      await deps.sessions.reschedule(session.sessionId, moveBy(session.startsAt, 1), event(deps.ids.newId(), 'X'), ownerGuard),
    ).toBe('rescheduled');
    expect(await deps.sessions.recordAttendance(session.sessionId, ['m1'], ownerGuard)).toBe('recorded');
    expect(await deps.sessions.cancelSession(session.sessionId, at, event(deps.ids.newId(), 'X'), ownerGuard)).toBe('cancelled');
    expect(await events()).toBe(before + 2);

    // On a cancelled session both conditions fail: the stranger is still told `forbidden`, the owner the state
    expect(await deps.sessions.cancelSession(session.sessionId, at, event(deps.ids.newId(), 'X'), stranger)).toBe('forbidden');
    expect(
      await deps.sessions.reschedule(session.sessionId, moveBy(session.startsAt, 2), event(deps.ids.newId(), 'X'), stranger),
    ).toBe('forbidden');
    expect(await deps.sessions.cancelSession(session.sessionId, at, event(deps.ids.newId(), 'X'), ownerGuard)).toBe('already');
    expect(
      await deps.sessions.reschedule(session.sessionId, moveBy(session.startsAt, 2), event(deps.ids.newId(), 'X'), ownerGuard),
    ).toBe('gone');
    expect(await deps.sessions.getSession(session.sessionId)).toMatchObject({
      status: 'cancelled',
      attendance: ['m1'],
      sequence: 2,
      startsAt: moveBy(session.startsAt, 1).startsAt,
    });
    expect(await events()).toBe(before + 2);
  });

  it('a guard naming an unknown group forbids; no guard (an admin) writes', async () => {
    const deps = await testDeps();
    const { facilitator: owner, session } = await groupWithSession(deps);
    const elsewhere = { groupId: deps.ids.newId(), facilitatorId: owner.facilitatorId };
    expect(await deps.sessions.recordAttendance(session.sessionId, ['m2'], elsewhere)).toBe('forbidden');
    expect(await deps.sessions.recordAttendance(session.sessionId, ['m2'])).toBe('recorded');
    expect((await deps.sessions.getSession(session.sessionId))?.attendance).toEqual(['m2']);
  });
});

describe('session repository: a group with members in one read', () => {
  it('reads the group and the members asked for; unknown ids are absent, duplicates read once', async () => {
    const deps = await testDeps();
    const { group } = await groupWithSession(deps);
    const [a, b] = [await activeMember(deps, 1), await activeMember(deps, 2)];
    const read = await deps.sessions.getGroupWithMembers(group.groupId, [a.memberId, b.memberId, a.memberId, 'nobody']);
    expect(read.group).toMatchObject({ groupId: group.groupId, name: group.name, facilitatorIds: group.facilitatorIds });
    expect(read.group).not.toHaveProperty('pk');
    expect([...read.members.keys()].sort()).toEqual([a.memberId, b.memberId].sort());
    expect(read.members.get(a.memberId)).toMatchObject({ status: 'active', displayName: a.displayName });
    expect((await deps.sessions.getGroupWithMembers('no-such-group', [a.memberId])).group).toBeUndefined();
  });
});
