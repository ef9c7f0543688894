import type { Deps, EmailMessage } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { scheduleCheckin } from '../checkins/send-checkins.ts';
import { bookingLink } from './book-session.ts';
import { sessionInvite } from './ics.ts';
import type { Group, Session } from './model.ts';
import { cancelReminders, scheduleReminders } from './reminders.ts';
import {
  bookingCancelledEmail,
  bookingConfirmedEmail,
  joinApprovedEmail,
  sessionChangedEmail,
  sessionsAnnouncedEmail,
  waitlistedEmail,
  waitlistOfferEmail,
} from './session-emails.ts';
import { OFFER_EXPIRY_KIND, offerFreedPlaces, offerTimerName } from './waitlist.ts';

/** The part of an event the session-mail consumer reads (the queue body is the whole DomainEvent). */
export const SessionMailEvent = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  type: z.string().check(z.minLength(1), z.maxLength(128)),
  data: z.looseObject({
    memberId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    sessionId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    groupId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    sessionIds: z.optional(z.array(z.string().check(z.maxLength(128))).check(z.maxLength(99))),
    memberIds: z.optional(z.array(z.string().check(z.maxLength(128))).check(z.maxLength(5000))),
    offerExpiresAt: z.optional(z.iso.datetime({ offset: true })),
  }),
});
export type SessionMailEvent = z.infer<typeof SessionMailEvent>;

export function parseSessionMailEvent(body: string): SessionMailEvent {
  return SessionMailEvent.parse(JSON.parse(body));
}

type SessionMailDeps = Pick<
  Deps,
  'org' | 'members' | 'sessions' | 'checkins' | 'mail' | 'deliveries' | 'tokens' | 'links' | 'clock' | 'scheduler' | 'ids'
>;

/** The member's calendar invite for a session (REQUEST while they have a place, CANCEL otherwise). */
function withInvite(
  deps: Pick<Deps, 'org' | 'clock'>,
  message: EmailMessage,
  group: Group,
  session: Session,
  memberId: string,
  attendeeName: string,
  method: 'REQUEST' | 'CANCEL',
): EmailMessage {
  const content = sessionInvite({
    sessionId: session.sessionId,
    memberId,
    organizer: { name: deps.org.name, email: deps.org.email.from },
    attendee: { name: attendeeName, email: message.to },
    summary: group.name,
    ...(session.contentNote ? { description: session.contentNote } : {}),
    ...(group.format === 'online'
      ? method === 'REQUEST' && group.meetingUrl
        ? { location: group.meetingUrl }
        : {}
      : group.location
        ? { location: group.location }
        : {}),
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    sequence: session.sequence,
    stamp: deps.clock.now().toISOString(),
    method,
  });
  return {
    ...message,
    attachments: [{ filename: 'session.ics', contentType: `text/calendar; method=${method}; charset=UTF-8`, content }],
  };
}

/** Sends one email at most once per event and member (claim, send, complete; release on failure). */
async function sendOnce(
  deps: SessionMailDeps,
  eventId: string,
  memberId: string,
  build: (to: string, name: string) => Promise<EmailMessage | undefined>,
) {
  const member = await deps.members.get(memberId);
  // A bounced address (SES said it does not exist) gets nothing more: resending hurts the sender reputation.
  if (!member?.email || member.status !== 'active' || member.emailBouncedAt) return;
  const message = await build(member.email, member.displayName ?? '');
  if (!message) return;
  // Its own namespace: member-mail sends the welcome email for the same MemberConfirmed event.
  const key = `${eventId}#session-email#${memberId}`;
  if (!(await deps.deliveries.begin(key))) return;
  let sent: { messageId: string };
  try {
    sent = await deps.mail.send(message);
  } catch (error) {
    await deps.deliveries.release(key);
    throw error;
  }
  await deps.deliveries.complete(key, sent.messageId);
}

/**
 * The `session-mail` consumer (topic `member-notifications`, filtered to sessions events,
 * `MemberConfirmed` (joins the group signed up from, or asks to join a closed one) and `MemberErased`). Loads current state (events carry ids only) and skips what became stale: a
 * confirmation for a place since cancelled is not sent. `MemberErased` deletes the member's
 * check-ins and bookings (freeing their places), so neither outlives the person's data.
 */
export async function sendSessionEmail(deps: SessionMailDeps, event: SessionMailEvent): Promise<void> {
  const { data } = event;
  if (event.type === 'MemberErased' && data.memberId) {
    // Their wellbeing answers and comments go with their data.
    await deps.checkins.eraseMember(data.memberId);
    const freed = await deps.sessions.eraseMemberBookings(data.memberId);
    for (const sessionId of freed) {
      await cancelReminders(deps, sessionId, data.memberId);
      await offerFreedPlaces(deps, sessionId);
    }
    return;
  }
  if (event.type === 'MemberConfirmed' && data.memberId) {
    // A member who signed up from a group: an open group takes them at once; a closed one gets a
    // request that a facilitator approves.
    const member = await deps.members.get(data.memberId);
    const group = member?.status === 'active' && member.groupId ? await deps.sessions.getGroup(member.groupId) : undefined;
    if (member && group) {
      const at = deps.clock.now().toISOString();
      if (group.access === 'open') {
        await deps.sessions.addGroupMember(group.groupId, member.memberId, at);
        // Sessions announced before they joined: send their booking links now.
        await sendGroupWelcome(deps, event.id, group, member.memberId, 'open');
      } else await deps.sessions.addJoinRequest(group.groupId, member.memberId, at);
    }
    return;
  }
  if (event.type === 'GroupJoinApproved' && data.groupId && data.memberId) {
    const group = await deps.sessions.getGroup(data.groupId);
    if (!group) return;
    await sendGroupWelcome(deps, event.id, group, data.memberId, 'approved');
    return;
  }
  if (event.type === 'SessionsScheduled' && data.groupId && data.sessionIds) {
    const group = await deps.sessions.getGroup(data.groupId);
    if (!group) return;
    const sessions = (await Promise.all(data.sessionIds.map((id) => deps.sessions.getSession(id)))).filter(
      (s): s is NonNullable<typeof s> => s !== undefined && s.status === 'scheduled',
    );
    if (sessions.length === 0) return;
    // The post-session check-in of each session (before the announcement: it must not depend on members).
    for (const session of sessions) await scheduleCheckin(deps, session);
    await forEachMember(await deps.sessions.listGroupMembers(group.groupId), async (memberId) => {
      await sendOnce(deps, event.id, memberId, async (to, name) => {
        const member = await deps.members.get(memberId);
        if (member?.emailOptOut) return undefined; // an announcement is not mail they asked for
        const links = await Promise.all(
          sessions.map(async (session) => ({
            session,
            url: await bookingLink(deps, memberId, group.groupId, session.sessionId),
          })),
        );
        return sessionsAnnouncedEmail(deps.org, to, name, group, links);
      });
    });
    return;
  }
  if (!data.sessionId) return;
  const session = await deps.sessions.getSession(data.sessionId);
  const group = session && (await deps.sessions.getGroup(session.groupId));
  if (!session || !group) return;

  if (
    (event.type === 'SessionBooked' || event.type === 'SessionWaitlisted' || event.type === 'BookingCancelled') &&
    data.memberId
  ) {
    const memberId = data.memberId;
    const booking = await deps.sessions.getBooking(session.sessionId, memberId);
    const expected = event.type === 'SessionBooked' ? 'booked' : event.type === 'SessionWaitlisted' ? 'waitlisted' : 'cancelled';
    if (expected === 'cancelled') {
      // Whatever else happens, a cancelled place gets no reminders, and a freed place goes to the waitlist.
      await cancelReminders(deps, session.sessionId, memberId);
      await offerFreedPlaces(deps, session.sessionId);
    }
    if (booking?.status !== expected) return; // stale: the place changed since
    if (expected === 'booked' && session.status === 'scheduled') await scheduleReminders(deps, session, memberId);
    await sendOnce(deps, event.id, memberId, async (to, name) => {
      if (expected === 'cancelled') {
        return withInvite(
          deps,
          bookingCancelledEmail(deps.org, to, name, group, session),
          group,
          session,
          memberId,
          name,
          'CANCEL',
        );
      }
      const url = await bookingLink(deps, memberId, group.groupId, session.sessionId);
      return expected === 'booked'
        ? withInvite(
            deps,
            bookingConfirmedEmail(deps.org, to, name, group, session, url),
            group,
            session,
            memberId,
            name,
            'REQUEST',
          )
        : waitlistedEmail(deps.org, to, name, group, session, url);
    });
    return;
  }
  if (event.type === 'WaitlistOffered' && data.memberId && data.offerExpiresAt) {
    const memberId = data.memberId;
    const booking = await deps.sessions.getBooking(session.sessionId, memberId);
    if (booking?.status !== 'offered' || booking.offerExpiresAt !== data.offerExpiresAt) return;
    // The expiry timer first: an offer must never hold a place for ever.
    await deps.scheduler.schedule({
      name: offerTimerName(session.sessionId, memberId),
      at: new Date(data.offerExpiresAt),
      payload: { kind: OFFER_EXPIRY_KIND, sessionId: session.sessionId, memberId },
    });
    await sendOnce(deps, event.id, memberId, async (to, name) =>
      waitlistOfferEmail(
        deps.org,
        to,
        name,
        group,
        session,
        data.offerExpiresAt ?? '',
        await bookingLink(deps, memberId, group.groupId, session.sessionId),
      ),
    );
    return;
  }
  if ((event.type === 'SessionRescheduled' || event.type === 'SessionCancelled') && data.memberIds) {
    const change = event.type === 'SessionCancelled' ? 'cancelled' : 'rescheduled';
    // Moves (or, for a cancelled session, cancels) the check-in timer from the current state.
    await scheduleCheckin(deps, session);
    await forEachMember(data.memberIds, async (memberId) => {
      const booking = await deps.sessions.getBooking(session.sessionId, memberId);
      if (!booking || booking.status === 'cancelled') return;
      if (change === 'cancelled') await cancelReminders(deps, session.sessionId, memberId);
      else if (booking.status === 'booked' && session.status === 'scheduled') await scheduleReminders(deps, session, memberId);
      await sendOnce(deps, event.id, memberId, async (to, name) => {
        const email = sessionChangedEmail(deps.org, to, name, group, session, change, booking.status === 'booked');
        if (booking.status !== 'booked') return email;
        return withInvite(deps, email, group, session, memberId, name, change === 'cancelled' ? 'CANCEL' : 'REQUEST');
      });
    });
  }
}

/**
 * Runs `fn` for every member, even when it fails for some: one member's failure (a throttled send)
 * must not keep the others from their email. Then fails with the first error, so the message is
 * retried (those already sent are not sent again: `sendOnce`) and, if it keeps failing, parked.
 */
async function forEachMember(memberIds: readonly string[], fn: (memberId: string) => Promise<void>): Promise<void> {
  const failures: unknown[] = [];
  for (const memberId of memberIds) {
    try {
      await fn(memberId);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
}

/** The "you have joined" email with a booking link for each upcoming session, sent once per event. */
async function sendGroupWelcome(
  deps: SessionMailDeps,
  eventId: string,
  group: Group,
  memberId: string,
  how: 'approved' | 'open',
): Promise<void> {
  const upcoming = (await deps.sessions.listSessions(group.groupId, deps.clock.now().toISOString())).filter(
    (s) => s.status === 'scheduled',
  );
  // An open group with nothing scheduled yet: the welcome email already said what happens next.
  if (how === 'open' && upcoming.length === 0) return;
  await sendOnce(deps, eventId, memberId, async (to, name) =>
    joinApprovedEmail(
      deps.org,
      to,
      name,
      group,
      await Promise.all(
        upcoming.map(async (session) => ({
          session,
          url: await bookingLink(deps, memberId, group.groupId, session.sessionId),
        })),
      ),
      how,
    ),
  );
}
