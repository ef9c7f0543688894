import type { Deps, GroupGuard } from '../../ports/index.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.ts';
import { authenticateFacilitator } from '../facilitators/create-facilitator.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import type { Booking, Group, Session } from './model.ts';

/** The facilitator behind `Authorization: Bearer <token>`; 401 without a live token. */
export async function requireFacilitator(
  deps: Pick<Deps, 'facilitators'>,
  authorization: string | undefined,
): Promise<Facilitator> {
  const facilitator = await authenticateFacilitator(deps, authorization);
  if (!facilitator) throw new UnauthorizedError('Send a valid facilitator token as Authorization: Bearer <token>.');
  return facilitator;
}

/** Facilitators and admins create groups; a safeguarding lead alone does not. */
export function requireCanCreateGroups(facilitator: Facilitator): void {
  if (facilitator.role !== 'admin' && facilitator.role !== 'facilitator') {
    throw new ForbiddenError('Only facilitators and admins create groups.');
  }
}

/** Admins act on every group; anyone else only on the groups they facilitate (403). */
export function requireGroupAccess(facilitator: Facilitator, group: Group): void {
  if (facilitator.role === 'admin') return;
  if (!group.facilitatorIds.includes(facilitator.facilitatorId)) {
    throw notYourGroup();
  }
}

/** A group the facilitator may act on: 404 when unknown, 403 when not theirs. */
export async function groupForFacilitator(
  deps: Pick<Deps, 'sessions'>,
  facilitator: Facilitator,
  groupId: string,
): Promise<Group> {
  const group = await deps.sessions.getGroup(groupId);
  if (!group) throw new NotFoundError('No group has this id.');
  requireGroupAccess(facilitator, group);
  return group;
}

/**
 * A session the facilitator means to change, and its bookings, in one Query; the access check is
 * made by the write itself (`guard`, none for an admin: a ConditionCheck on the group in the write's
 * transaction), so a change costs the token, this read and the write. A path that answers from the
 * session's state without writing (a cancelled session, a member not booked) calls `requireAccess`
 * first (one read of the group), so a stranger is told 403, never anything about the session.
 */
export async function sessionForChange(
  deps: Pick<Deps, 'sessions'>,
  facilitator: Facilitator,
  sessionId: string,
): Promise<{ session: Session; bookings: Booking[]; guard?: GroupGuard; requireAccess: () => Promise<Group> }> {
  const found = await deps.sessions.getSessionWithBookings(sessionId);
  if (!found) throw new NotFoundError('No session has this id.');
  const { groupId } = found.session;
  return {
    ...found,
    ...(facilitator.role === 'admin' ? {} : { guard: { groupId, facilitatorId: facilitator.facilitatorId } }),
    requireAccess: async () => {
      const group = await deps.sessions.getGroup(groupId);
      if (!group) throw new NotFoundError('No session has this id.');
      requireGroupAccess(facilitator, group);
      return group;
    },
  };
}

/** The write's answer when the guard's group does not list the facilitator. */
export const notYourGroup = () => new ForbiddenError('You do not facilitate this group.');

/**
 * The time zone a session's times are shown in: the one it was scheduled in (on the session since
 * sessions carry it), else its group's.
 */
export async function sessionTimezone(deps: Pick<Deps, 'sessions'>, session: Session): Promise<string> {
  if (session.timezone) return session.timezone;
  const group = await deps.sessions.getGroup(session.groupId);
  if (!group) throw new NotFoundError('No session has this id.');
  return group.timezone;
}
