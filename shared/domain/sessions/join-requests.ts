import type { Deps } from '../../ports/index.ts';
import { NotFoundError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { groupForFacilitator, notYourGroup, requireGroupAccess } from './admin-access.ts';
import { type Group, SESSIONS_TOPIC, type SessionEvent } from './model.ts';

export interface JoinRequestView {
  memberId: string;
  displayName: string;
  requestedAt: string;
}

/**
 * A closed group and who asked to join it, oldest first (members since erased or gone are left
 * out): one Query of the requests, then the group and the people in one BatchGetItem, checked
 * before anything is returned (404 unknown group, 403 not theirs).
 */
export async function joinRequestsView(
  deps: Pick<Deps, 'sessions'>,
  facilitator: Facilitator,
  groupId: string,
): Promise<{ group: Group; requests: JoinRequestView[] }> {
  const asked = await deps.sessions.listJoinRequests(groupId);
  const { group, members } = await deps.sessions.getGroupWithMembers(
    groupId,
    asked.map((r) => r.memberId),
  );
  if (!group) throw new NotFoundError('No group has this id.');
  requireGroupAccess(facilitator, group);
  const requests = asked
    .filter((r) => members.get(r.memberId)?.status === 'active')
    .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt))
    .map((r) => ({ memberId: r.memberId, displayName: members.get(r.memberId)?.displayName ?? '', requestedAt: r.requestedAt }));
  return { group, requests };
}

/** GET /admin/groups/{groupId}/requests: who asked to join a closed group, oldest first. */
export async function listJoinRequests(deps: Pick<Deps, 'sessions'>, facilitator: Facilitator, groupId: string) {
  return { requests: (await joinRequestsView(deps, facilitator, groupId)).requests };
}

/**
 * POST /admin/groups/{groupId}/requests/{memberId}/approve (and the dashboard's Approve button): the
 * member joins and is told by email. The access check is made by the write itself (a ConditionCheck
 * on the group, none for an admin), so an approval costs the caller's authentication, the member's
 * read and the write. Paths that answer without writing check access first, so a stranger learns
 * nothing of who asked.
 */
export async function approveJoinRequest(
  deps: Pick<Deps, 'sessions' | 'members' | 'ids' | 'clock'>,
  facilitator: Facilitator,
  groupId: string,
  memberId: string,
) {
  const requireAccess = () => groupForFacilitator(deps, facilitator, groupId);
  const member = await deps.members.get(memberId);
  if (member?.status !== 'active') {
    await requireAccess();
    throw new NotFoundError('No request from this member.');
  }
  const at = deps.clock.now().toISOString();
  const event: SessionEvent = {
    id: deps.ids.newId(),
    type: 'GroupJoinApproved',
    topic: SESSIONS_TOPIC,
    occurredAt: at,
    data: { groupId, memberId },
  };
  const guard = facilitator.role === 'admin' ? undefined : { groupId, facilitatorId: facilitator.facilitatorId };
  const result = await deps.sessions.approveJoinRequest(groupId, memberId, at, event, guard);
  if (result === 'approved') return { status: 'approved' as const };
  // 404 for an unknown group, 403 when not theirs
  await requireAccess();
  if (result === 'forbidden') throw notYourGroup();
  const members = await deps.sessions.listGroupMembers(groupId);
  if (members.includes(memberId)) return { status: 'already_member' as const };
  throw new NotFoundError('No request from this member.');
}
