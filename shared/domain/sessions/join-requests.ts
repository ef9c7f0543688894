import type { Deps } from '../../ports/index.ts';
import { NotFoundError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { groupForFacilitator } from './admin-access.ts';
import { SESSIONS_TOPIC, type SessionEvent } from './model.ts';

/** GET /admin/groups/{groupId}/requests: who asked to join a closed group, oldest first. */
export async function listJoinRequests(deps: Pick<Deps, 'sessions' | 'members'>, facilitator: Facilitator, groupId: string) {
  await groupForFacilitator(deps, facilitator, groupId);
  const requests = (await deps.sessions.listJoinRequests(groupId)).sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  const out = [];
  for (const r of requests) {
    const member = await deps.members.get(r.memberId);
    if (member?.status !== 'active') continue;
    out.push({ memberId: r.memberId, displayName: member.displayName ?? '', requestedAt: r.requestedAt });
  }
  return { requests: out };
}

/** POST /admin/groups/{groupId}/requests/{memberId}/approve: the member joins and is told by email. */
export async function approveJoinRequest(
  deps: Pick<Deps, 'sessions' | 'members' | 'ids' | 'clock'>,
  facilitator: Facilitator,
  groupId: string,
  memberId: string,
) {
  await groupForFacilitator(deps, facilitator, groupId);
  const member = await deps.members.get(memberId);
  if (member?.status !== 'active') throw new NotFoundError('No request from this member.');
  const at = deps.clock.now().toISOString();
  const event: SessionEvent = {
    id: deps.ids.newId(),
    type: 'GroupJoinApproved',
    topic: SESSIONS_TOPIC,
    occurredAt: at,
    data: { groupId, memberId },
  };
  const result = await deps.sessions.approveJoinRequest(groupId, memberId, at, event);
  if (result === 'no-request') {
    const members = await deps.sessions.listGroupMembers(groupId);
    if (members.includes(memberId)) return { status: 'already_member' as const };
    throw new NotFoundError('No request from this member.');
  }
  return { status: 'approved' as const };
}
