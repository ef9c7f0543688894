import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { InvalidTokenError, NotFoundError } from '../errors.ts';
import type { Member } from '../members/member.ts';
import { BOOKING_TOKEN_PURPOSE, type Booking, type Group, SESSIONS_TOPIC, type Session, type SessionEvent } from './model.ts';

export const BookingAction = z.object({
  token: z
    .string({ message: 'the link is incomplete' })
    .check(z.minLength(1, { message: 'the link is incomplete' }), z.maxLength(2048)),
  action: z.enum(['book', 'cancel', 'claim'], { message: 'choose Book a place, Claim my place or Cancel my place' }),
});
export type BookingAction = z.infer<typeof BookingAction>;

export interface BookingView {
  member: Member;
  group: Group;
  session: Session;
  booking?: Booking;
  /** The member may book: active, and the session is scheduled and not yet started. */
  canBook: boolean;
  reason?: 'not-active' | 'cancelled' | 'started';
}

/** Signs the per-member booking link for a group's sessions (one token serves each session of the group). */
export async function bookingLink(
  deps: Pick<Deps, 'tokens' | 'links' | 'org'>,
  memberId: string,
  groupId: string,
  sessionId: string,
) {
  const token = await deps.tokens.sign({
    purpose: BOOKING_TOKEN_PURPOSE,
    subject: memberId,
    data: { groupId },
    ttlSeconds: deps.org.members.manageTokenDays * 86400,
  });
  return deps.links.url(`/sessions/${sessionId}/book`, { t: token });
}

/** What the booking link's page shows. Reading changes nothing. */
export async function viewBooking(
  deps: Pick<Deps, 'tokens' | 'sessions' | 'clock'>,
  sessionId: string,
  token: string,
): Promise<BookingView> {
  const claims = await deps.tokens.verify(token, BOOKING_TOKEN_PURPOSE);
  const groupId = claims.data?.groupId ?? '';
  // One read: the session, the group the link names, the booking and the member.
  const { session, group, booking, member } = await deps.sessions.getBookingView(sessionId, groupId, claims.subject);
  if (!session) throw new NotFoundError('No session has this id.');
  // A link for one group's sessions opens no other group's.
  if (groupId !== session.groupId) throw new InvalidTokenError('This link is not valid.');
  if (!member || !group) throw new InvalidTokenError('This link is not valid.');
  const started = new Date(session.startsAt).getTime() <= deps.clock.now().getTime();
  const reason =
    member.status !== 'active' ? 'not-active' : session.status === 'cancelled' ? 'cancelled' : started ? 'started' : undefined;
  return { member, group, session, ...(booking ? { booking } : {}), canBook: !reason, ...(reason ? { reason } : {}) };
}

export type BookingResult =
  | 'booked'
  | 'waitlisted'
  | 'already'
  | 'cancelled'
  | 'not-booked'
  | 'unavailable'
  | 'claimed'
  | 'offer-closed';

/** The page's buttons: "Book a place" (a place, or the waitlist when full) and "Cancel my place". */
export async function updateBooking(
  deps: Pick<Deps, 'tokens' | 'sessions' | 'clock' | 'ids'>,
  sessionId: string,
  input: BookingAction,
): Promise<{ result: BookingResult; view: BookingView }> {
  const view = await viewBooking(deps, sessionId, input.token);
  const memberId = view.member.memberId;
  const at = deps.clock.now().toISOString();
  const event = (type: 'SessionBooked' | 'SessionWaitlisted' | 'BookingCancelled'): SessionEvent => ({
    id: deps.ids.newId(),
    type,
    topic: SESSIONS_TOPIC,
    occurredAt: at,
    data: { sessionId, memberId },
  });
  let result: BookingResult;
  if (input.action === 'book') {
    if (!view.canBook) {
      result = 'unavailable';
    } else {
      const outcome = await deps.sessions.book(
        sessionId,
        memberId,
        at,
        `${at}#${deps.ids.newId()}`,
        { booked: event('SessionBooked'), waitlisted: event('SessionWaitlisted') },
        { booking: view.booking },
      );
      result = outcome.outcome === 'session-closed' ? 'unavailable' : outcome.outcome;
    }
  } else if (input.action === 'claim') {
    const claimed = await deps.sessions.claimOffer(sessionId, memberId, at, event('SessionBooked'));
    result = claimed === 'claimed' ? 'claimed' : view.booking?.status === 'booked' ? 'already' : 'offer-closed';
  } else {
    result = await deps.sessions.cancelBooking(sessionId, memberId, at, event('BookingCancelled'), { booking: view.booking });
  }
  return { result, view: await viewBooking(deps, sessionId, input.token) };
}
