import type { Deps } from '../../ports/index.ts';
import { NotFoundError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { requireGroupAccess } from '../sessions/admin-access.ts';
import { checkinFigures } from './checkin-figures.ts';

/**
 * GET /admin/sessions/{sessionId}/checkins: the session's check-ins for the group's facilitators,
 * admins and safeguarding leads. Loads flagged as likely automated are counted apart. Contact
 * requests name the member (they asked to be contacted); comments go only to admins and
 * safeguarding leads. The distribution and mean follow the same k-anonymity rule as the group
 * trend, for every role ({@link checkinFigures}): below 5 scored answers the people in the room
 * are known, so the figures would identify them; follow-up goes through alerts and contact
 * requests, which need no distribution.
 *
 * `followUps` (only when the org sends staff alerts) lists who the wellbeing alert was about:
 * a contact request, or an answer at or below the alert threshold, by name, never with the
 * score; the alert email links here.
 */
export async function sessionCheckins(
  deps: Pick<Deps, 'sessions' | 'checkins' | 'org'>,
  facilitator: Facilitator,
  sessionId: string,
) {
  // The check-ins first: a sent one names the session's group, so the session, the group (the access
  // check) and the members a follow-up names are then one read. Nothing is shown before the check.
  const records = await deps.checkins.listForSession(sessionId);
  const { alertThreshold, staffAlerts } = deps.org.checkins;
  const followedUp = records.filter(
    (r) => r.answer && (r.answer.contact || (staffAlerts && r.answer.score !== undefined && r.answer.score <= alertThreshold)),
  );
  const named = followedUp.map((r) => r.memberId);
  const groupId = records.find((r) => r.groupId)?.groupId;
  let read = groupId ? await deps.sessions.getGroupWithMembers(groupId, named, sessionId) : undefined;
  if (!read?.session || read.session.groupId !== groupId) {
    // None sent yet (or sent before check-ins named their group): the session names it
    const found = await deps.sessions.getSession(sessionId);
    if (!found) throw new NotFoundError('No session has this id.');
    read = { ...(await deps.sessions.getGroupWithMembers(found.groupId, named)), session: found };
  }
  const { session, group, members } = read;
  if (!session || !group) throw new NotFoundError('No session has this id.');
  if (facilitator.role !== 'safeguarding_lead') requireGroupAccess(facilitator, group);
  const seesComments = facilitator.role === 'admin' || facilitator.role === 'safeguarding_lead';
  const contactRequests = [];
  const followUps = [];
  for (const r of followedUp) {
    if (!r.answer) continue;
    const member = members.get(r.memberId);
    const who = {
      memberId: r.memberId,
      displayName: member?.status === 'active' ? (member.displayName ?? '') : '',
      ...(member?.status === 'active' && member.email ? { email: member.email } : {}),
      answeredAt: r.answer.answeredAt,
    };
    if (r.answer.contact) contactRequests.push(who);
    if (staffAlerts) followUps.push({ ...who, reason: r.answer.contact ? 'contact_request' : 'answer_below_threshold' });
  }
  const comments = seesComments
    ? records.flatMap((r) => (r.answer?.comment ? [{ memberId: r.memberId, comment: r.answer.comment }] : []))
    : [];
  return {
    sessionId,
    groupId: group.groupId,
    groupName: group.name,
    timezone: group.timezone,
    startsAt: session.startsAt,
    ...checkinFigures(records),
    contactRequests,
    followUps,
    ...(seesComments ? { comments } : {}),
  };
}
