import type { Deps } from '../../ports/index.ts';
import { ValidationError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { groupForFacilitator, notYourGroup, sessionForChange, sessionTimezone } from './admin-access.ts';
import {
  type Booking,
  CreateSessionsRequest,
  RescheduleSessionRequest,
  SESSIONS_TOPIC,
  type Session,
  type SessionEvent,
} from './model.ts';
import { expandStarts } from './recurrence.ts';

type ScheduleDeps = Pick<Deps, 'sessions' | 'ids' | 'clock' | 'org'>;

const MINUTE = 60_000;

function times(deps: Pick<Deps, 'org'>, start: Date, durationMinutes: number) {
  const end = new Date(start.getTime() + durationMinutes * MINUTE);
  return {
    startsAt: start.toISOString(),
    endsAt: end.toISOString(),
    roomBookedUntil: new Date(end.getTime() + deps.org.sessions.roomBufferMinutes * MINUTE).toISOString(),
    durationMinutes,
  };
}

/**
 * POST /admin/groups/{groupId}/sessions: one session or a series expanded in the group's time zone.
 * All sessions and `SessionsScheduled` (→ one announcement to the group's members) are one transaction.
 */
export async function scheduleSessions(
  deps: ScheduleDeps,
  facilitator: Facilitator,
  groupId: string,
  input: CreateSessionsRequest,
): Promise<{ group: Awaited<ReturnType<typeof groupForFacilitator>>; sessions: Session[] }> {
  const group = await groupForFacilitator(deps, facilitator, groupId);
  const request = CreateSessionsRequest.parse(input);
  const first = new Date(request.startsAt);
  const now = deps.clock.now();
  if (first.getTime() <= now.getTime()) {
    throw new ValidationError('A session must start in the future.', { startsAt: 'must be in the future' });
  }
  const starts = expandStarts(
    first,
    group.timezone,
    request.recurrence && {
      frequency: request.recurrence.frequency,
      ...(request.recurrence.count !== undefined ? { count: request.recurrence.count } : {}),
      ...(request.recurrence.until ? { until: new Date(request.recurrence.until) } : {}),
    },
  );
  const at = now.toISOString();
  const sessions: Session[] = starts.map((start) => ({
    sessionId: deps.ids.newId(),
    groupId,
    ...times(deps, start, request.durationMinutes),
    timezone: group.timezone,
    ...(request.contentNote ? { contentNote: request.contentNote } : {}),
    status: 'scheduled',
    capacity: group.capacity,
    bookedCount: 0,
    sequence: 0,
    createdAt: at,
  }));
  const event: SessionEvent = {
    id: deps.ids.newId(),
    type: 'SessionsScheduled',
    topic: SESSIONS_TOPIC,
    occurredAt: at,
    data: { groupId, sessionIds: sessions.map((s) => s.sessionId) },
  };
  await deps.sessions.createSessions(sessions, event);
  return { group, sessions };
}

const activeMembers = (bookings: Booking[]) =>
  bookings.filter((b) => b.status === 'booked' || b.status === 'waitlisted').map((b) => b.memberId);

/** PATCH /admin/sessions/{id}: moves a session; everyone booked or waitlisted is told. */
export async function rescheduleSession(deps: ScheduleDeps, facilitator: Facilitator, sessionId: string, input: unknown) {
  const { session, bookings, guard, requireAccess } = await sessionForChange(deps, facilitator, sessionId);
  const request = RescheduleSessionRequest.parse(input);
  const start = new Date(request.startsAt);
  const now = deps.clock.now();
  if (start.getTime() <= now.getTime()) {
    throw new ValidationError('A session must start in the future.', { startsAt: 'must be in the future' });
  }
  const cancelled = () => new ValidationError('This session is cancelled.', { sessionId: 'is cancelled' });
  if (session.status !== 'scheduled') {
    await requireAccess();
    throw cancelled();
  }
  const next = times(deps, start, request.durationMinutes ?? session.durationMinutes);
  const event: SessionEvent = {
    id: deps.ids.newId(),
    type: 'SessionRescheduled',
    topic: SESSIONS_TOPIC,
    occurredAt: now.toISOString(),
    data: { sessionId, memberIds: activeMembers(bookings) },
  };
  const result = await deps.sessions.reschedule(sessionId, next, event, guard);
  if (result === 'forbidden') throw notYourGroup();
  if (result === 'gone') throw cancelled();
  return {
    timezone: await sessionTimezone(deps, session),
    session: { ...session, ...next, sequence: session.sequence + 1 },
  };
}

/** POST /admin/sessions/{id}/cancel: everyone booked or waitlisted is told; cancelling twice changes nothing. */
export async function cancelSession(deps: ScheduleDeps, facilitator: Facilitator, sessionId: string) {
  const { session, bookings, guard } = await sessionForChange(deps, facilitator, sessionId);
  const at = deps.clock.now().toISOString();
  const event: SessionEvent = {
    id: deps.ids.newId(),
    type: 'SessionCancelled',
    topic: SESSIONS_TOPIC,
    occurredAt: at,
    data: { sessionId, memberIds: activeMembers(bookings) },
  };
  const result = await deps.sessions.cancelSession(sessionId, at, event, guard);
  if (result === 'forbidden') throw notYourGroup();
  return {
    timezone: await sessionTimezone(deps, session),
    session: { ...session, status: 'cancelled' as const },
    result,
  };
}
