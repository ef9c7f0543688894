import type { Deps } from '../../ports/index.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { notYourGroup, requireGroupAccess, sessionForChange } from './admin-access.ts';
import { AttendanceRequest } from './model.ts';

/** GET /admin/sessions/{id}/roster: booked and waitlisted members (waitlist in order), with display names. */
export async function getRoster(deps: Pick<Deps, 'sessions'>, facilitator: Facilitator, sessionId: string) {
  const found = await deps.sessions.getSessionWithBookings(sessionId);
  if (!found) throw new NotFoundError('No session has this id.');
  const { session, bookings: all } = found;
  const bookings = all
    .filter((b) => b.status !== 'cancelled')
    .sort((a, b) =>
      a.status === b.status
        ? (a.waitlistPosition ?? a.requestedAt).localeCompare(b.waitlistPosition ?? b.requestedAt)
        : a.status === 'booked'
          ? -1
          : 1,
    );
  const present = new Set(session.attendance ?? []);
  // The group (for the access check) and the names in one read; nothing is shown before the check.
  const { group, members } = await deps.sessions.getGroupWithMembers(
    session.groupId,
    bookings.map((b) => b.memberId),
  );
  if (!group) throw new NotFoundError('No session has this id.');
  requireGroupAccess(facilitator, group);
  return {
    bookings: bookings.map((b) => ({
      memberId: b.memberId,
      displayName: members.get(b.memberId)?.displayName ?? '',
      status: b.status,
      present: present.has(b.memberId),
    })),
  };
}

/** PUT /admin/sessions/{id}/attendance: replaces the present list; every id must be a booked member. */
export async function recordAttendance(
  deps: Pick<Deps, 'sessions'>,
  facilitator: Facilitator,
  sessionId: string,
  input: unknown,
) {
  const { bookings, guard, requireAccess } = await sessionForChange(deps, facilitator, sessionId);
  const { present } = AttendanceRequest.parse(input);
  const booked = new Set(bookings.filter((b) => b.status === 'booked').map((b) => b.memberId));
  const fields: Record<string, string> = {};
  present.forEach((id, i) => {
    if (!booked.has(id)) fields[`present.${i}`] = 'is not a member booked on this session';
  });
  if (Object.keys(fields).length) {
    await requireAccess();
    throw new ValidationError('Some members are not booked on this session.', fields);
  }
  const unique = [...new Set(present)];
  if ((await deps.sessions.recordAttendance(sessionId, unique, guard)) === 'forbidden') throw notYourGroup();
  return { present: unique };
}
