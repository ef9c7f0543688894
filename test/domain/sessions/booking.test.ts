import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidTokenError, NotFoundError, ValidationError } from '../../../shared/domain/errors.ts';
import { updateBooking, viewBooking } from '../../../shared/domain/sessions/book-session.ts';
import { createGroup } from '../../../shared/domain/sessions/manage-groups.ts';
import { getRoster, recordAttendance } from '../../../shared/domain/sessions/roster.ts';
import { cancelSession, rescheduleSession } from '../../../shared/domain/sessions/schedule-sessions.ts';
import { testDeps } from '../../support/deps.ts';
import { activeMember, facilitator, groupRequest, groupWithSession, sessionRelay, tokenFor } from './helpers.ts';

describe('booking a place', () => {
  it('gives exactly 10 places and 40 waitlist places to 50 concurrent bookings for 10 places', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps, { capacity: 10 });
    const members = await Promise.all(Array.from({ length: 50 }, (_, i) => activeMember(deps, i)));
    const tokens = await Promise.all(members.map((m) => tokenFor(deps, m.memberId, group.groupId, session.sessionId)));

    const results = await Promise.all(
      tokens.map((token) => updateBooking(deps, session.sessionId, { token, action: 'book' }).then((r) => r.result)),
    );

    expect(results.filter((r) => r === 'booked')).toHaveLength(10);
    expect(results.filter((r) => r === 'waitlisted')).toHaveLength(40);
    const bookings = await deps.sessions.listBookings(session.sessionId);
    expect(bookings.filter((b) => b.status === 'booked')).toHaveLength(10);
    expect(bookings.filter((b) => b.status === 'waitlisted')).toHaveLength(40);
    expect((await deps.sessions.getSession(session.sessionId))?.bookedCount).toBe(10);
  }, 120_000);

  it('books once: a second press says so and changes nothing', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    const m = await activeMember(deps, 1);
    const token = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    expect((await updateBooking(deps, session.sessionId, { token, action: 'book' })).result).toBe('booked');
    expect((await updateBooking(deps, session.sessionId, { token, action: 'book' })).result).toBe('already');
    expect((await deps.sessions.getSession(session.sessionId))?.bookedCount).toBe(1);
  });

  it('frees the place when a member cancels, and lets them book again', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps, { capacity: 1 });
    const a = await activeMember(deps, 'a');
    const b = await activeMember(deps, 'b');
    const ta = await tokenFor(deps, a.memberId, group.groupId, session.sessionId);
    const tb = await tokenFor(deps, b.memberId, group.groupId, session.sessionId);
    expect((await updateBooking(deps, session.sessionId, { token: ta, action: 'book' })).result).toBe('booked');
    expect((await updateBooking(deps, session.sessionId, { token: tb, action: 'book' })).result).toBe('waitlisted');
    expect((await updateBooking(deps, session.sessionId, { token: ta, action: 'cancel' })).result).toBe('cancelled');
    expect((await deps.sessions.getSession(session.sessionId))?.bookedCount).toBe(0);
    expect((await updateBooking(deps, session.sessionId, { token: ta, action: 'cancel' })).result).toBe('not-booked');
    // The freed place belongs to those already waiting: asking again joins the waitlist behind b
    expect((await updateBooking(deps, session.sessionId, { token: ta, action: 'book' })).result).toBe('waitlisted');
    expect((await deps.sessions.getSession(session.sessionId))?.waitlistCount).toBe(2);
  });

  it('books a freed place directly when nobody waits', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps, { capacity: 1 });
    const a = await activeMember(deps, 'a');
    const ta = await tokenFor(deps, a.memberId, group.groupId, session.sessionId);
    await updateBooking(deps, session.sessionId, { token: ta, action: 'book' });
    await updateBooking(deps, session.sessionId, { token: ta, action: 'cancel' });
    expect((await updateBooking(deps, session.sessionId, { token: ta, action: 'book' })).result).toBe('booked');
  });

  it('only viewing the page books nothing', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    const m = await activeMember(deps, 1);
    const token = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    const view = await viewBooking(deps, session.sessionId, token);
    expect(view.canBook).toBe(true);
    expect(view.session.contentNote).toBe('Anniversaries');
    expect(await deps.sessions.listBookings(session.sessionId)).toEqual([]);
  });

  it('refuses a link for another group, and books nothing for a member who is not active', async () => {
    const deps = await testDeps();
    const first = await groupWithSession(deps);
    const second = await groupWithSession(deps, { name: 'Other' });
    const m = await activeMember(deps, 1);
    const wrong = await tokenFor(deps, m.memberId, first.group.groupId, second.session.sessionId);
    await expect(viewBooking(deps, second.session.sessionId, wrong)).rejects.toThrow(InvalidTokenError);
    await expect(viewBooking(deps, 'NOPE', wrong)).rejects.toThrow(NotFoundError);

    await deps.members.erase(m.memberId, deps.clock.now().toISOString(), {
      id: deps.ids.newId(),
      type: 'MemberErased',
      topic: 'member-notifications',
      occurredAt: deps.clock.now().toISOString(),
      data: { memberId: m.memberId },
    });
    const token = await tokenFor(deps, m.memberId, first.group.groupId, first.session.sessionId);
    const { result } = await updateBooking(deps, first.session.sessionId, { token, action: 'book' });
    expect(result).toBe('unavailable');
    expect(await deps.sessions.listBookings(first.session.sessionId)).toEqual([]);
  });

  it('books nothing on a cancelled session', async () => {
    const deps = await testDeps();
    const { facilitator: f, group, session } = await groupWithSession(deps);
    await cancelSession(deps, f, session.sessionId);
    const m = await activeMember(deps, 1);
    const token = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    expect((await updateBooking(deps, session.sessionId, { token, action: 'book' })).result).toBe('unavailable');
  });
});

describe('session emails', () => {
  it('confirms a booking with the meeting link, and keeps it from the waitlisted', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps, {
      format: 'online',
      location: undefined,
      meetingUrl: 'https://meet.example.org/grief-123',
      capacity: 1,
    });
    const relay = sessionRelay(deps);
    await relay();
    const a = await activeMember(deps, 'a');
    const b = await activeMember(deps, 'b');
    await updateBooking(deps, session.sessionId, {
      token: await tokenFor(deps, a.memberId, group.groupId, session.sessionId),
      action: 'book',
    });
    await updateBooking(deps, session.sessionId, {
      token: await tokenFor(deps, b.memberId, group.groupId, session.sessionId),
      action: 'book',
    });
    const sent = await relay();
    const toA = sent.filter((m) => m.to === a.email);
    const toB = sent.filter((m) => m.to === b.email);
    expect(toA).toHaveLength(1);
    expect(toA[0]!.text).toContain('https://meet.example.org/grief-123');
    expect(toA[0]!.text).toContain('Anniversaries');
    expect(toB).toHaveLength(1);
    expect(toB[0]!.subject).toMatch(/waitlist/i);
    expect(toB[0]!.text).not.toContain('meet.example.org');
    expect(toB[0]!.html).not.toContain('meet.example.org');
    // Replaying every event sends nothing twice
    const relayAgain = sessionRelay(deps);
    expect(await relayAgain()).toEqual([]);
  });

  it('tells everyone booked when a session moves or is cancelled', async () => {
    const deps = await testDeps();
    const { facilitator: f, group, session } = await groupWithSession(deps);
    const relay = sessionRelay(deps);
    const a = await activeMember(deps, 'a');
    await updateBooking(deps, session.sessionId, {
      token: await tokenFor(deps, a.memberId, group.groupId, session.sessionId),
      action: 'book',
    });
    await relay();
    const moved = new Date(deps.clock.now().getTime() + 3 * 86_400_000).toISOString();
    const { session: after } = await rescheduleSession(deps, f, session.sessionId, { startsAt: moved });
    expect(after.sequence).toBe(1);
    const movedMail = await relay();
    expect(movedMail.map((m) => [m.to, m.subject])).toEqual([[a.email, `New time: ${group.name}`]]);
    await cancelSession(deps, f, session.sessionId);
    const cancelMail = await relay();
    expect(cancelMail.map((m) => [m.to, m.subject])).toEqual([[a.email, `Cancelled: ${group.name}`]]);
    // A second cancel is not a second notice
    await cancelSession(deps, f, session.sessionId);
    expect(await relay()).toEqual([]);
  });

  it('announces new sessions once to the group members, with a booking link each', async () => {
    const deps = await testDeps();
    const { facilitator: f } = await facilitator(deps);
    const group = await createGroup(deps, f, groupRequest());
    const relay = sessionRelay(deps);
    const member = await activeMember(deps, 'joined', group.groupId);
    await deps.sessions.addGroupMember(group.groupId, member.memberId, deps.clock.now().toISOString());
    await activeMember(deps, 'elsewhere');
    const { scheduleSessions } = await import('../../../shared/domain/sessions/schedule-sessions.ts');
    const startsAt = new Date(deps.clock.now().getTime() + 86_400_000).toISOString();
    await scheduleSessions(deps, f, group.groupId, {
      startsAt,
      durationMinutes: 60,
      recurrence: { frequency: 'weekly', count: 3 },
    });
    const sent = await relay();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(member.email);
    expect(sent[0]!.text.match(/\/sessions\/[0-9A-Z]{26}\/book\?t=/g)).toHaveLength(3);
  });

  it('erases an erased member’s bookings and frees their place (MemberErased)', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    const relay = sessionRelay(deps);
    const m = await activeMember(deps, 1);
    await updateBooking(deps, session.sessionId, {
      token: await tokenFor(deps, m.memberId, group.groupId, session.sessionId),
      action: 'book',
    });
    await deps.sessions.addGroupMember(group.groupId, m.memberId, deps.clock.now().toISOString());
    await relay();
    const at = deps.clock.now().toISOString();
    await deps.members.erase(m.memberId, at, {
      id: deps.ids.newId(),
      type: 'MemberErased',
      topic: 'member-notifications',
      occurredAt: at,
      data: { memberId: m.memberId },
    });
    await relay();
    expect(await deps.sessions.listBookings(session.sessionId)).toEqual([]);
    expect(await deps.sessions.listGroupMembers(group.groupId)).toEqual([]);
    expect((await deps.sessions.getSession(session.sessionId))?.bookedCount).toBe(0);
  });
});

describe('roster, attendance and access', () => {
  it('lists booked then waitlisted members, and records attendance only for booked ones', async () => {
    const deps = await testDeps();
    const { facilitator: f, group, session } = await groupWithSession(deps, { capacity: 1 });
    const a = await activeMember(deps, 'a');
    const b = await activeMember(deps, 'b');
    for (const m of [a, b]) {
      await updateBooking(deps, session.sessionId, {
        token: await tokenFor(deps, m.memberId, group.groupId, session.sessionId),
        action: 'book',
      });
    }
    const roster = await getRoster(deps, f, session.sessionId);
    expect(roster.bookings.map((x) => [x.displayName, x.status])).toEqual([
      ['Member a', 'booked'],
      ['Member b', 'waitlisted'],
    ]);
    await expect(recordAttendance(deps, f, session.sessionId, { present: [b.memberId] })).rejects.toThrow(ValidationError);
    expect(await recordAttendance(deps, f, session.sessionId, { present: [a.memberId] })).toEqual({ present: [a.memberId] });
    expect((await getRoster(deps, f, session.sessionId)).bookings[0]?.present).toBe(true);
  });

  it('lets only the group’s facilitators and admins act on it', async () => {
    const deps = await testDeps();
    const { session } = await groupWithSession(deps);
    const { facilitator: other } = await facilitator(deps);
    const { facilitator: admin } = await facilitator(deps, 'admin');
    const { facilitator: lead } = await facilitator(deps, 'safeguarding_lead');
    await expect(getRoster(deps, other, session.sessionId)).rejects.toThrow(ForbiddenError);
    await expect(getRoster(deps, admin, session.sessionId)).resolves.toEqual({ bookings: [] });
    await expect(createGroup(deps, lead, groupRequest())).rejects.toThrow(ForbiddenError);
    await expect(getRoster(deps, admin, 'UNKNOWN')).rejects.toThrow(NotFoundError);
  });
});
