import type { DomainEvent } from '../domain/events.ts';
import type { Member } from '../domain/members/member.ts';
import type { Booking, Group, Session } from '../domain/sessions/model.ts';

/** The result of asking for a place: booked, on the waitlist, or the member already had one. */
export type BookOutcome =
  | { outcome: 'booked' | 'waitlisted'; booking: Booking }
  | { outcome: 'already'; booking: Booking }
  | { outcome: 'session-closed' };

/**
 * Groups, their sessions and bookings. Capacity is a counter on the session changed only in a
 * transaction with the booking item (`bookedCount < capacity`), so places are never oversold.
 */
/**
 * What the caller read of a booking a moment ago (`booking` undefined: none): the write skips its
 * own read. A stale hint is safe: the write is conditional, and on failure the booking is read again.
 */
export interface BookingHint {
  booking: Booking | undefined;
}

/**
 * The access check of an admin write, made inside the write itself (a ConditionCheck on the group
 * item in the same transaction, so it holds at the moment of writing): the group must list this
 * facilitator. Writes by an admin carry none.
 */
export interface GroupGuard {
  groupId: string;
  facilitatorId: string;
}

export interface SessionRepository {
  createGroup(group: Group): Promise<void>;
  getGroup(groupId: string): Promise<Group | undefined>;
  listGroups(): Promise<Group[]>;
  /** Writes the sessions and the event in one transaction (at most 99 sessions). */
  createSessions(sessions: Session[], event: DomainEvent): Promise<void>;
  getSession(sessionId: string): Promise<Session | undefined>;
  /**
   * Writes an event to the outbox with no state change beside it: the session-mail consumer's
   * continuation of a fan-out it had no time left to finish (the relay publishes it like any other).
   */
  appendEvent(event: DomainEvent): Promise<void>;
  /** Every scheduled session of the org (all groups) starting at or after `from` (ISO), soonest first: one Query. */
  listScheduledSessions(from: string): Promise<Session[]>;
  /** Sessions of a group starting at or after `from` (ISO), soonest first. */
  listSessions(groupId: string, from: string): Promise<Session[]>;
  getBooking(sessionId: string, memberId: string): Promise<Booking | undefined>;
  /**
   * Everything a booking page shows, in one consistent read: the session, its group (by the id the
   * link names), the member's booking and the member.
   */
  getBookingView(
    sessionId: string,
    groupId: string,
    memberId: string,
  ): Promise<{ session?: Session; group?: Group; booking?: Booking; member?: Member }>;
  /**
   * A group, some members and (given its id) a session, in one consistent BatchGetItem (per 100
   * keys): the access check and the names of a roster or a check-in summary in one read. Members
   * missing or erased are absent.
   */
  getGroupWithMembers(
    groupId: string,
    memberIds: string[],
    sessionId?: string,
  ): Promise<{ group?: Group; session?: Session; members: Map<string, Member> }>;
  listBookings(sessionId: string): Promise<Booking[]>;
  /** The session and all its bookings, in one consistent Query of the session's partition. */
  getSessionWithBookings(sessionId: string): Promise<{ session: Session; bookings: Booking[] } | undefined>;
  /** Books a place if one is left, else adds the member to the waitlist; the event as per outcome. */
  book(
    sessionId: string,
    memberId: string,
    at: string,
    position: string,
    events: { booked: DomainEvent; waitlisted: DomainEvent },
    known?: BookingHint,
  ): Promise<BookOutcome>;
  /**
   * Offers a free place (if any, and if anyone waits) to the first waitlisted member: their booking
   * becomes `offered` until `offerExpiresAt` and the place is held (counted as booked). Returns the
   * member offered, or undefined when there was no free place or nobody waiting.
   */
  offerNext(sessionId: string, offerExpiresAt: string, event: (memberId: string) => DomainEvent): Promise<string | undefined>;
  /** offered → booked while the offer is open (`at` before `offerExpiresAt`). */
  claimOffer(sessionId: string, memberId: string, at: string, event: DomainEvent): Promise<'claimed' | 'not-offered'>;
  /** offered → cancelled once the offer has expired at `at`, freeing the held place. */
  expireOffer(sessionId: string, memberId: string, at: string): Promise<'expired' | 'not-offered'>;
  /** booked/waitlisted/offered → cancelled (a booked place is freed); `not-booked` when there was nothing to cancel. */
  cancelBooking(
    sessionId: string,
    memberId: string,
    at: string,
    event: DomainEvent,
    known?: BookingHint,
  ): Promise<'cancelled' | 'not-booked'>;
  /**
   * Moves a scheduled session, raising its sequence; `gone` when it is cancelled or unknown,
   * `forbidden` (nothing written) when the guard's group does not list its facilitator.
   */
  reschedule(
    sessionId: string,
    times: Pick<Session, 'startsAt' | 'endsAt' | 'roomBookedUntil' | 'durationMinutes'>,
    event: DomainEvent,
    guard?: GroupGuard,
  ): Promise<'rescheduled' | 'gone' | 'forbidden'>;
  /** scheduled → cancelled with the event; `already` when it was; `forbidden` as for reschedule. */
  cancelSession(
    sessionId: string,
    at: string,
    event: DomainEvent,
    guard?: GroupGuard,
  ): Promise<'cancelled' | 'already' | 'forbidden'>;
  /** Replaces the present list; `forbidden` as for reschedule. */
  recordAttendance(sessionId: string, present: string[], guard?: GroupGuard): Promise<'recorded' | 'forbidden'>;
  /** The sessions a member has a booking item on (for erasure). */
  listMemberBookings(memberId: string): Promise<Booking[]>;
  /** Records that an active member belongs to a group (idempotent); announcements go to these. */
  addGroupMember(groupId: string, memberId: string, at: string): Promise<void>;
  listGroupMembers(groupId: string): Promise<string[]>;
  /**
   * A group and where a member stands with it (a member of it; asked to join it), in one consistent
   * BatchGetItem: for a member asking to join another group from their manage page.
   */
  groupStanding(groupId: string, memberId: string): Promise<{ group?: Group; member: boolean; requested: boolean }>;
  /** A confirmed member's request to join a closed group (idempotent). */
  addJoinRequest(groupId: string, memberId: string, at: string): Promise<void>;
  listJoinRequests(groupId: string): Promise<{ memberId: string; requestedAt: string }[]>;
  /** Request → membership with the event, in one transaction; `no-request` when there was none. */
  /**
   * The request becomes a membership, with its event, in one transaction behind the guard (the group
   * lists the facilitator; none for an admin): `forbidden` when the guard fails (or the group is
   * unknown), `no-request` when there is no request from this member.
   */
  approveJoinRequest(
    groupId: string,
    memberId: string,
    at: string,
    event: DomainEvent,
    guard?: GroupGuard,
  ): Promise<'approved' | 'no-request' | 'forbidden'>;
  /** Deletes a member's booking items (freeing held places) and group memberships; returns the sessions whose places freed. */
  eraseMemberBookings(memberId: string): Promise<string[]>;
}
