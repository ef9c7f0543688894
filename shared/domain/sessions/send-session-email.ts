import type { Deps, EmailMessage, SendOptions } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { scheduleCheckin } from '../checkins/send-checkins.ts';
import { SendTimeBudgetError } from '../errors.ts';
import type { Member } from '../members/member.ts';
import { outOfTime, type Run, sendBudget } from '../time-budget.ts';
import { bookingLink } from './book-session.ts';
import { sessionInvite } from './ics.ts';
import { type Group, SESSIONS_TOPIC, type Session } from './model.ts';
import { cancelReminders, scheduleReminders } from './reminders.ts';
import {
  bookingCancelledEmail,
  bookingConfirmedEmail,
  joinApprovedEmail,
  joinRequestedEmail,
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
    // SessionMailContinued: what it continues, and from which member on
    of: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    ofType: z.optional(z.enum(['SessionsScheduled', 'SessionRescheduled', 'SessionCancelled'])),
    resumeAfter: z.optional(z.string().check(z.maxLength(128))),
  }),
});
export type SessionMailEvent = z.infer<typeof SessionMailEvent>;

export function parseSessionMailEvent(body: string): SessionMailEvent {
  return SessionMailEvent.parse(JSON.parse(body));
}

/** What the session-mail consumer may touch. */
export type SessionMailDeps = Pick<
  Deps,
  | 'org'
  | 'members'
  | 'sessions'
  | 'checkins'
  | 'mail'
  | 'deliveries'
  | 'tokens'
  | 'links'
  | 'clock'
  | 'scheduler'
  | 'ids'
  | 'facilitators'
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
  build: (to: string, name: string, member: Member) => Promise<EmailMessage | undefined>,
  options?: SendOptions,
) {
  const member = await deps.members.get(memberId);
  // A bounced address (SES said it does not exist) gets nothing more: resending hurts the sender reputation.
  if (!member?.email || member.status !== 'active' || member.emailBouncedAt) return;
  const message = await build(member.email, member.displayName ?? '', member);
  if (!message) return;
  // Its own namespace: member-mail sends the welcome email for the same MemberConfirmed event.
  const key = `${eventId}#session-email#${memberId}`;
  if (!(await deps.deliveries.begin(key))) return;
  let sent: { messageId: string };
  try {
    sent = await deps.mail.send(message, options);
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
export async function sendSessionEmail(deps: SessionMailDeps, event: SessionMailEvent, run?: Run): Promise<void> {
  const { data } = event;
  if (event.type === 'SessionMailContinued') {
    // The rest of a fan-out: the original event (its id keeps everyone to one email), from where it stopped.
    const { of, ofType, resumeAfter } = data;
    if (!of || !ofType || resumeAfter === undefined) throw new Error('SessionMailContinued without the event it continues');
    await handle(deps, { id: of, type: ofType, data: pickIds(data) }, run, resumeAfter);
    return;
  }
  await handle(deps, event, run);
}

/** The ids a continued fan-out needs of its original event (and nothing else it may carry). */
function pickIds(data: SessionMailEvent['data']): SessionMailEvent['data'] {
  return {
    ...(data.groupId ? { groupId: data.groupId } : {}),
    ...(data.sessionId ? { sessionId: data.sessionId } : {}),
    ...(data.sessionIds ? { sessionIds: data.sessionIds } : {}),
    ...(data.memberIds ? { memberIds: data.memberIds } : {}),
  };
}

/** `resumeAfter`: a continued fan-out (its one-off steps, such as moving the check-in timer, are done). */
async function handle(deps: SessionMailDeps, event: SessionMailEvent, run?: Run, resumeAfter?: string): Promise<void> {
  const { data } = event;
  const fanOut = { event, run, ...(resumeAfter !== undefined ? { resumeAfter } : {}) };
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
  if ((event.type === 'MemberConfirmed' || event.type === 'MemberJoinRequested') && data.memberId) {
    // A member who signed up from a group (confirmed), or pressed Join for another group on their
    // manage page (which writes the event only when they are neither in it nor asked): an open group
    // takes them at once; a closed one gets a request that a facilitator approves. Idempotent by
    // event, so a retry finishes what a failed attempt began.
    const member = await deps.members.get(data.memberId);
    const groupId = event.type === 'MemberJoinRequested' ? data.groupId : member?.groupId;
    const group = member?.status === 'active' && groupId ? await deps.sessions.getGroup(groupId) : undefined;
    if (!member || !group) return;
    const at = deps.clock.now().toISOString();
    if (group.access === 'open') {
      await deps.sessions.addGroupMember(group.groupId, member.memberId, at);
      // Sessions announced before they joined: send their booking links now.
      await sendGroupWelcome(deps, event.id, group, member.memberId, 'open');
    } else {
      await deps.sessions.addJoinRequest(group.groupId, member.memberId, at);
      await tellFacilitators(deps, event.id, group);
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
    if (resumeAfter === undefined) for (const session of sessions) await scheduleCheckin(deps, session);
    await forEachMember(deps, fanOut, await deps.sessions.listGroupMembers(group.groupId), async (memberId, options) => {
      await sendOnce(
        deps,
        event.id,
        memberId,
        async (to, name, member) => {
          if (member.emailOptOut) return undefined; // an announcement is not mail they asked for
          const links = await Promise.all(
            sessions.map(async (session) => ({
              session,
              url: await bookingLink(deps, memberId, group.groupId, session.sessionId),
            })),
          );
          return sessionsAnnouncedEmail(deps.org, to, name, group, links);
        },
        options,
      );
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
    if (resumeAfter === undefined) await scheduleCheckin(deps, session);
    await forEachMember(deps, fanOut, data.memberIds, async (memberId, options) => {
      const booking = await deps.sessions.getBooking(session.sessionId, memberId);
      if (!booking || booking.status === 'cancelled') return;
      if (change === 'cancelled') await cancelReminders(deps, session.sessionId, memberId);
      else if (booking.status === 'booked' && session.status === 'scheduled') await scheduleReminders(deps, session, memberId);
      await sendOnce(
        deps,
        event.id,
        memberId,
        async (to, name) => {
          const email = sessionChangedEmail(deps.org, to, name, group, session, change, booking.status === 'booked');
          if (booking.status !== 'booked') return email;
          return withInvite(deps, email, group, session, memberId, name, change === 'cancelled' ? 'CANCEL' : 'REQUEST');
        },
        options,
      );
    });
  }
}

type FanOutEvent = 'SessionsScheduled' | 'SessionRescheduled' | 'SessionCancelled';
const isFanOutEvent = (type: string): type is FanOutEvent =>
  type === 'SessionsScheduled' || type === 'SessionRescheduled' || type === 'SessionCancelled';

/**
 * Runs `fn` for every member in id order (after `resumeAfter` when continuing), even when it fails
 * for some: one member's failure must not keep the others from their email. Then fails with the
 * first error, so the message is retried (those already sent are not sent again: `sendOnce`) and,
 * if it keeps failing, parked.
 *
 * Within the invocation's time (`run`): it stops starting sends `STOP_BEFORE_TIMEOUT_MS` before the
 * function's timeout, or when a send could not get its turn under the account's rate in time, and
 * writes a `SessionMailContinued` event for the members left. The relay brings that back to this
 * consumer within seconds. Killed by the timeout instead, the whole message would come back only
 * after the visibility timeout, each time from the start, and a large group's announcement would
 * end in the DLQ after a few receives (about 200 members an invocation at 14 emails/s).
 */
async function forEachMember(
  deps: SessionMailDeps,
  fanOut: { event: SessionMailEvent; run: Run | undefined; resumeAfter?: string },
  memberIds: readonly string[],
  fn: (memberId: string, options?: SendOptions) => Promise<void>,
): Promise<void> {
  const after = fanOut.resumeAfter ?? '';
  const ids = [...new Set(memberIds)].sort().filter((id) => id > after);
  const failures: unknown[] = [];
  for (const [i, memberId] of ids.entries()) {
    // The last member this run reached: the continuation starts after it.
    const reached = i > 0 ? (ids[i - 1] ?? after) : after;
    if (i > 0 && outOfTime(fanOut.run)) {
      await continueLater(deps, fanOut.event, reached, ids.slice(i));
      break;
    }
    try {
      await fn(memberId, sendBudget(fanOut.run));
    } catch (error) {
      // Not sent for want of time (its claim released): this member starts the continuation.
      if (error instanceof SendTimeBudgetError) {
        await continueLater(deps, fanOut.event, reached, ids.slice(i));
        break;
      }
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
}

/** Writes the continuation of a fan-out: the original's id, type and ids, and the members left. */
async function continueLater(deps: SessionMailDeps, event: SessionMailEvent, resumeAfter: string, left: string[]) {
  if (!isFanOutEvent(event.type)) throw new Error(`${event.type} is not a fan-out`);
  const { memberIds, ...ids } = pickIds(event.data);
  await deps.sessions.appendEvent({
    id: deps.ids.newId(),
    type: 'SessionMailContinued',
    topic: SESSIONS_TOPIC,
    occurredAt: deps.clock.now().toISOString(),
    // An event carrying its members carries those still to go; an announcement re-reads the group's.
    data: { of: event.id, ofType: event.type, resumeAfter, ...ids, ...(memberIds ? { memberIds: left } : {}) },
  });
}

/**
 * A request to join a closed group: each of its facilitators (still active, with an address) is
 * emailed once per event, so nobody waits on a page no one is looking at. Every one is tried; the
 * message is retried if any send failed (those already told are not told again).
 */
async function tellFacilitators(deps: SessionMailDeps, eventId: string, group: Group): Promise<void> {
  const url = deps.links.url(`/dashboard/groups/${group.groupId}/requests`);
  const failures: unknown[] = [];
  for (const facilitatorId of group.facilitatorIds) {
    try {
      const facilitator = await deps.facilitators.get(facilitatorId);
      if (!facilitator?.email || facilitator.revokedAt) continue;
      const key = `${eventId}#join-request#${facilitatorId}`;
      if (!(await deps.deliveries.begin(key))) continue;
      let sent: { messageId: string };
      try {
        sent = await deps.mail.send(joinRequestedEmail(deps.org, facilitator.email, group, url));
      } catch (error) {
        await deps.deliveries.release(key);
        throw error;
      }
      await deps.deliveries.complete(key, sent.messageId);
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
