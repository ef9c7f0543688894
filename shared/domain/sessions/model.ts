import * as z from '../../zod.ts';
import type { DomainEvent } from '../events.ts';
import { isTimeZone } from './zoned-time.ts';

/** Groups, sessions and bookings (the sessions feature). */

export type GroupFormat = 'in_person' | 'online' | 'activity';
export type GroupAccess = 'open' | 'closed';

export interface Group {
  groupId: string;
  name: string;
  description?: string;
  format: GroupFormat;
  location?: string;
  /** Online groups only; shown only to booked members (emails), never in the directory. */
  meetingUrl?: string;
  capacity: number;
  access: GroupAccess;
  timezone: string;
  topics: string[];
  /** Facilitators who act on this group (its creator first). */
  facilitatorIds: string[];
  createdAt: string;
}

export type SessionStatus = 'scheduled' | 'cancelled';

export interface Session {
  sessionId: string;
  groupId: string;
  /** UTC instants (ISO); shown with the group's offset. */
  startsAt: string;
  endsAt: string;
  /** Session end plus the org's room buffer (facilitators keep the room for a debrief). */
  roomBookedUntil: string;
  durationMinutes: number;
  /**
   * The group's time zone, the one the session was scheduled in (its times are shown with this
   * offset). Copied at scheduling like `capacity`, so a change to a session needs no read of its
   * group; absent on sessions scheduled before it was (the group's is read then).
   */
  timezone?: string;
  contentNote?: string;
  status: SessionStatus;
  capacity: number;
  /** Booked places, held by conditional writes (`bookedCount < capacity`). */
  bookedCount: number;
  /** Members on the waitlist; while any wait, a freed place goes to them first (first come first served). */
  waitlistCount?: number;
  /** Rises on every change that members are told about (reschedule, cancel). */
  sequence: number;
  createdAt: string;
  cancelledAt?: string;
  /** Members recorded as present. */
  attendance?: string[];
}

/** `offered`: a freed place held for a waitlisted member until `offerExpiresAt`. */
export type BookingStatus = 'booked' | 'waitlisted' | 'offered' | 'cancelled';

export interface Booking {
  sessionId: string;
  memberId: string;
  status: BookingStatus;
  /** When the member asked (ISO); waitlist order is this plus an id, first come first served. */
  requestedAt: string;
  /** Sortable position among the waitlisted (`<requestedAt>#<ulid>`); set while waitlisted. */
  waitlistPosition?: string;
  /** While `offered`: the member may claim the held place until this time (ISO). */
  offerExpiresAt?: string;
  bookedAt?: string;
  cancelledAt?: string;
}

const text = (max: number) =>
  z
    .string()
    .check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(max, { message: `at most ${max} characters` }));

/** A whole number from `min` to `max`, with the API's short messages. */
const count = (min: number, max: number) =>
  z
    .number({ message: 'must be a number' })
    .check(z.int(), z.gte(min, { message: `at least ${min}` }), z.lte(max, { message: `at most ${max}` }));

export const Topic = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.regex(/^[a-z0-9][a-z0-9 -]{0,39}$/, { message: 'letters, digits, spaces and dashes, at most 40' }),
  );

export const CreateGroupRequest = z
  .object({
    name: text(120),
    description: z.optional(text(2000)),
    format: z.enum(['in_person', 'online', 'activity'], { message: 'must be in_person, online or activity' }),
    location: z.optional(text(300)),
    meetingUrl: z.optional(z.url({ protocol: /^https$/, message: 'must be an https:// link' }).check(z.maxLength(500))),
    capacity: count(1, 500),
    access: z.enum(['open', 'closed'], { message: 'must be open or closed' }),
    timezone: z.string().check(z.refine(isTimeZone, { message: 'must be an IANA time zone, e.g. Europe/London' })),
    topics: z._default(z.array(Topic).check(z.maxLength(10, { message: 'at most 10 topics' })), []),
  })
  .check(
    z.superRefine((group, ctx) => {
      if (group.format === 'online' && !group.meetingUrl) {
        ctx.addIssue({ code: 'custom', path: ['meetingUrl'], message: 'is required for an online group' });
      }
      if (group.format !== 'online' && !group.location) {
        ctx.addIssue({ code: 'custom', path: ['location'], message: 'is required for an in-person group or activity' });
      }
    }),
  );
export type CreateGroupRequest = z.input<typeof CreateGroupRequest>;

const Instant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 time with an offset, e.g. 2027-03-04T19:00:00+00:00',
});

export const CreateSessionsRequest = z.object({
  startsAt: Instant,
  durationMinutes: count(15, 600),
  contentNote: z.optional(text(300)),
  recurrence: z.optional(
    z.object({
      frequency: z.enum(['weekly', 'fortnightly', 'monthly'], { message: 'must be weekly, fortnightly or monthly' }),
      count: z.optional(count(1, 52)),
      until: z.optional(Instant),
    }),
  ),
});
export type CreateSessionsRequest = z.input<typeof CreateSessionsRequest>;

export const RescheduleSessionRequest = z.object({
  startsAt: Instant,
  durationMinutes: z.optional(z.number({ message: 'must be a number' }).check(z.int(), z.gte(15), z.lte(600))),
});

export const AttendanceRequest = z.object({
  present: z
    .array(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a member id' })))
    .check(z.maxLength(500)),
});

/** Every sessions event goes to the member-notifications topic; a `session-mail` consumer sends. */
export const SESSIONS_TOPIC = 'member-notifications' as const;

export type SessionEvent =
  | DomainEvent<'SessionsScheduled', { groupId: string; sessionIds: string[] }>
  | DomainEvent<'SessionBooked', { sessionId: string; memberId: string }>
  | DomainEvent<'SessionWaitlisted', { sessionId: string; memberId: string }>
  | DomainEvent<'BookingCancelled', { sessionId: string; memberId: string }>
  | DomainEvent<'WaitlistOffered', { sessionId: string; memberId: string; offerExpiresAt: string }>
  | DomainEvent<'GroupJoinApproved', { groupId: string; memberId: string }>
  | DomainEvent<'SessionRescheduled', { sessionId: string; memberIds: string[] }>
  | DomainEvent<'SessionCancelled', { sessionId: string; memberIds: string[] }>
  /**
   * The rest of a member fan-out (an announcement, a change notice) that its consumer had no time
   * left to finish: the original event's id, type and ids, the members still to go (the ones after
   * `resumeAfter`, in id order). Written by the session-mail consumer itself.
   */
  | DomainEvent<
      'SessionMailContinued',
      {
        of: string;
        ofType: 'SessionsScheduled' | 'SessionRescheduled' | 'SessionCancelled';
        resumeAfter: string;
        groupId?: string;
        sessionId?: string;
        sessionIds?: string[];
        memberIds?: string[];
      }
    >;

export type SessionEventType = SessionEvent['type'];

export const SESSION_EVENT_TYPES: readonly SessionEventType[] = [
  'SessionsScheduled',
  'SessionBooked',
  'SessionWaitlisted',
  'BookingCancelled',
  'WaitlistOffered',
  'GroupJoinApproved',
  'SessionRescheduled',
  'SessionCancelled',
  'SessionMailContinued',
];

/** Link-token purpose of the per-member booking link (data: the group id). */
export const BOOKING_TOKEN_PURPOSE = 'book-session';
