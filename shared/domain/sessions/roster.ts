import type { Deps } from '../../ports/index.ts';
import { ValidationError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { sessionWithBookingsForFacilitator } from './admin-access.ts';
import { AttendanceRequest } from './model.ts';

/** GET /admin/sessions/{id}/roster: booked and waitlisted members (waitlist in order), with display names. */
export async function getRoster(deps: Pick<Deps, 'sessions' | 'members'>, facilitator: Facilitator, sessionId: string) {
  const { session, bookings: all } = await sessionWithBookingsForFacilitator(deps, facilitator, sessionId);
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
  const members = await deps.members.getMany(bookings.map((b) => b.memberId));
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
  const { bookings } = await sessionWithBookingsForFacilitator(deps, facilitator, sessionId);
  const { present } = AttendanceRequest.parse(input);
  const booked = new Set(bookings.filter((b) => b.status === 'booked').map((b) => b.memberId));
  const fields: Record<string, string> = {};
  present.forEach((id, i) => {
    if (!booked.has(id)) fields[`present.${i}`] = 'is not a member booked on this session';
  });
  if (Object.keys(fields).length) throw new ValidationError('Some members are not booked on this session.', fields);
  const unique = [...new Set(present)];
  await deps.sessions.recordAttendance(sessionId, unique);
  return { present: unique };
}
