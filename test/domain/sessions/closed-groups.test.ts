import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../../shared/domain/errors.ts';
import { approveJoinRequest, listJoinRequests } from '../../../shared/domain/sessions/join-requests.ts';
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
});
