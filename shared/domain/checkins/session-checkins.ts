import type { Deps } from '../../ports/index.ts';
import { NotFoundError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { requireGroupAccess } from '../sessions/admin-access.ts';

/**
 * GET /admin/sessions/{sessionId}/checkins: the session's check-ins for the group's facilitators,
 * admins and safeguarding leads. Loads flagged as likely automated are counted apart. Contact
 * requests name the member (they asked to be contacted); comments go only to admins and
 * safeguarding leads.
 */
export async function sessionCheckins(
  deps: Pick<Deps, 'sessions' | 'checkins' | 'members'>,
  facilitator: Facilitator,
  sessionId: string,
) {
  const session = await deps.sessions.getSession(sessionId);
  const group = session && (await deps.sessions.getGroup(session.groupId));
  if (!session || !group) throw new NotFoundError('No session has this id.');
  if (facilitator.role !== 'safeguarding_lead') requireGroupAccess(facilitator, group);
  const seesComments = facilitator.role === 'admin' || facilitator.role === 'safeguarding_lead';
  const records = await deps.checkins.listForSession(sessionId);
  const distribution: Record<'1' | '2' | '3' | '4' | '5', number> = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  const contactRequests = [];
  const comments = [];
  for (const r of records) {
    const score = r.answer?.score;
    if (score !== undefined) distribution[String(score) as keyof typeof distribution]++;
    if (r.answer?.contact) {
      const member = await deps.members.get(r.memberId);
      contactRequests.push({
        memberId: r.memberId,
        displayName: member?.status === 'active' ? (member.displayName ?? '') : '',
        ...(member?.status === 'active' && member.email ? { email: member.email } : {}),
        answeredAt: r.answer.answeredAt,
      });
    }
    if (seesComments && r.answer?.comment) comments.push({ memberId: r.memberId, comment: r.answer.comment });
  }
  const opened = records.filter((r) => Object.keys(r.opened).length > 0);
  return {
    sessionId,
    groupId: group.groupId,
    startsAt: session.startsAt,
    sent: records.filter((r) => r.sentAt !== undefined).length,
    opened: opened.filter((r) => !r.flagged).length,
    flagged: records.filter((r) => r.flagged).length,
    answered: records.filter((r) => r.answer !== undefined).length,
    distribution,
    contactRequests,
    ...(seesComments ? { comments } : {}),
  };
}
