import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../../shared/domain/errors.ts';
import { approveJoinRequest, joinRequestsView, listJoinRequests } from '../../../shared/domain/sessions/join-requests.ts';
import { createGroup } from '../../../shared/domain/sessions/manage-groups.ts';
import { scheduleSessions } from '../../../shared/domain/sessions/schedule-sessions.ts';
import { testDeps } from '../../support/deps.ts';
import { activeMember, facilitator, groupRequest, sessionRelay } from './helpers.ts';

describe('closed groups', () => {
  it('turns a confirmed sign-up into a request; approval makes a member, who is told with booking links', async () => {
    const deps = await testDeps();
    const { facilitator: f } = await facilitator(deps);
    const group = await createGroup(deps, f, groupRequest({ access: 'closed', name: 'Closed circle' }));
    const startsAt = new Date(deps.clock.now().getTime() + 86_400_000).toISOString();
    await scheduleSessions(deps, f, group.groupId, { startsAt, durationMinutes: 60 });
    const relay = sessionRelay(deps);
    await relay();
    const m = await activeMember(deps, 'asker', group.groupId);
    // The member's confirmation event (MemberConfirmed) reaches the session-mail consumer
    const { sendSessionEmail } = await import('../../../shared/domain/sessions/send-session-email.ts');
    await sendSessionEmail(deps, { id: deps.ids.newId(), type: 'MemberConfirmed', data: { memberId: m.memberId } });

    expect(await deps.sessions.listGroupMembers(group.groupId)).toEqual([]);
    const { requests } = await listJoinRequests(deps, f, group.groupId);
    expect(requests.map((r) => r.displayName)).toEqual(['Member asker']);

    const { facilitator: stranger } = await facilitator(deps);
    await expect(approveJoinRequest(deps, stranger, group.groupId, m.memberId)).rejects.toThrow(ForbiddenError);
    // A stranger learns nothing of who asked: an unknown member is 403 for them too
    await expect(approveJoinRequest(deps, stranger, group.groupId, deps.ids.newId())).rejects.toThrow(ForbiddenError);
    await expect(approveJoinRequest(deps, f, deps.ids.newId(), m.memberId)).rejects.toThrow(NotFoundError);
    expect(await deps.sessions.listJoinRequests(group.groupId)).toHaveLength(1);
    expect(await approveJoinRequest(deps, f, group.groupId, m.memberId)).toEqual({ status: 'approved' });
    expect(await approveJoinRequest(deps, f, group.groupId, m.memberId)).toEqual({ status: 'already_member' });
    await expect(approveJoinRequest(deps, f, group.groupId, deps.ids.newId())).rejects.toThrow(NotFoundError);
    expect(await deps.sessions.listGroupMembers(group.groupId)).toEqual([m.memberId]);
    expect((await listJoinRequests(deps, f, group.groupId)).requests).toEqual([]);

    const sent = await relay();
    expect(sent.map((x) => [x.to, x.subject])).toEqual([[m.email, 'You have joined Closed circle']]);
    expect(sent[0]!.text).toMatch(/\/sessions\/[0-9A-Z]{26}\/book\?t=/);
  });

  it('lets an open group take a confirmed member at once', async () => {
    const deps = await testDeps();
    const { facilitator: f } = await facilitator(deps);
    const group = await createGroup(deps, f, groupRequest());
    const m = await activeMember(deps, 'open', group.groupId);
    const { sendSessionEmail } = await import('../../../shared/domain/sessions/send-session-email.ts');
    await sendSessionEmail(deps, { id: deps.ids.newId(), type: 'MemberConfirmed', data: { memberId: m.memberId } });
    expect(await deps.sessions.listGroupMembers(group.groupId)).toEqual([m.memberId]);
    expect((await listJoinRequests(deps, f, group.groupId)).requests).toEqual([]);
  });

  it('tells the group’s facilitators of a request once, without saying who; not for an open group', async () => {
    // Prepare: a closed and an open group of the same facilitator
    const deps = await testDeps();
    const { facilitator: f } = await facilitator(deps);
    const closed = await createGroup(deps, f, groupRequest({ access: 'closed', name: 'Closed circle' }));
    const open = await createGroup(deps, f, groupRequest({ name: 'Open circle' }));
    const { sendSessionEmail } = await import('../../../shared/domain/sessions/send-session-email.ts');
    const asker = await activeMember(deps, 'asker', closed.groupId);
    const joiner = await activeMember(deps, 'joiner', open.groupId);
    const asked = { id: deps.ids.newId(), type: 'MemberConfirmed', data: { memberId: asker.memberId } };

    // Act: each confirmation reaches the consumer; the closed group's twice (a redelivery)
    await sendSessionEmail(deps, asked);
    await sendSessionEmail(deps, asked);
    await sendSessionEmail(deps, { id: deps.ids.newId(), type: 'MemberConfirmed', data: { memberId: joiner.memberId } });

    // Assess
    const toFacilitator = deps.mail.sent.filter((m) => m.to === f.email);
    expect(toFacilitator.map((m) => [m.subject, m.stream])).toEqual([['Someone asked to join Closed circle', 'staff']]);
    expect(toFacilitator[0]!.text).toContain(`http://kith.test/dashboard/groups/${closed.groupId}/requests`);
    expect(`${toFacilitator[0]!.text}${toFacilitator[0]!.html}`).not.toMatch(/asker/i);
  });

  it('does not email a facilitator whose access was revoked', async () => {
    const deps = await testDeps();
    const { facilitator: f } = await facilitator(deps);
    const group = await createGroup(deps, f, groupRequest({ access: 'closed' }));
    await deps.facilitators.revoke(f.facilitatorId, deps.clock.now().toISOString());
    const m = await activeMember(deps, 'asker', group.groupId);
    const { sendSessionEmail } = await import('../../../shared/domain/sessions/send-session-email.ts');
    await sendSessionEmail(deps, { id: deps.ids.newId(), type: 'MemberConfirmed', data: { memberId: m.memberId } });
    expect((await deps.sessions.listJoinRequests(group.groupId)).map((r) => r.memberId)).toEqual([m.memberId]);
    expect(deps.mail.sent.filter((x) => x.to === f.email)).toEqual([]);
  });

  it('shows the requests page only to the group’s facilitators and admins', async () => {
    const deps = await testDeps();
    const { facilitator: f } = await facilitator(deps);
    const group = await createGroup(deps, f, groupRequest({ access: 'closed' }));
    const m = await activeMember(deps, 'asker', group.groupId);
    await deps.sessions.addJoinRequest(group.groupId, m.memberId, deps.clock.now().toISOString());
    const { facilitator: stranger } = await facilitator(deps);
    const { facilitator: admin } = await facilitator(deps, 'admin');

    await expect(joinRequestsView(deps, stranger, group.groupId)).rejects.toThrow(ForbiddenError);
    await expect(joinRequestsView(deps, f, deps.ids.newId())).rejects.toThrow(NotFoundError);
    expect((await joinRequestsView(deps, f, group.groupId)).requests.map((r) => r.displayName)).toEqual(['Member asker']);
    expect((await joinRequestsView(deps, admin, group.groupId)).group.name).toBe(group.name);
  });
});
