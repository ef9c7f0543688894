import type { Deps } from '../../ports/index.ts';
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
    throw new ForbiddenError('You do not facilitate this group.');
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

/** A session the facilitator may act on, its group and its bookings (one Query and one Get). */
export async function sessionWithBookingsForFacilitator(
  deps: Pick<Deps, 'sessions'>,
  facilitator: Facilitator,
  sessionId: string,
): Promise<{ session: Session; group: Group; bookings: Booking[] }> {
  const found = await deps.sessions.getSessionWithBookings(sessionId);
  if (!found) throw new NotFoundError('No session has this id.');
  const group = await deps.sessions.getGroup(found.session.groupId);
  if (!group) throw new NotFoundError('No session has this id.');
  requireGroupAccess(facilitator, group);
  return { ...found, group };
}
