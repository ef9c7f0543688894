import type { Deps } from '../../ports/index.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.ts';
import { authenticateFacilitator } from '../facilitators/create-facilitator.ts';
import type { EscalationStatus, TimelineEntry } from './escalation.ts';

export interface EscalationView {
  escalationId: string;
  reference: string;
  status: EscalationStatus;
  level: number;
  round: number;
  raisedAt: string;
  /** A test escalation (a drill). */
  drill: boolean;
  acknowledgedBy?: { name: string; at: string };
  timeline: TimelineEntry[];
}

/**
 * `GET /admin/escalations/{id}` for a facilitator's bearer token: safeguarding leads and admins
 * see every escalation; a facilitator sees the ones they raised. The view is the status and the
 * timeline (who was alerted by which channel, who acknowledged), not the record's free text.
 */
export async function getEscalation(
  deps: Pick<Deps, 'facilitators' | 'escalations'>,
  authorization: string | undefined,
  escalationId: string,
): Promise<EscalationView> {
  const facilitator = await authenticateFacilitator(deps, authorization);
  if (!facilitator) throw new UnauthorizedError('Send a valid facilitator token as "Authorization: Bearer <token>".');
  const escalation = await deps.escalations.get(escalationId);
  // The same answer for "missing" and "not yours" to a facilitator who may not see it.
  const privileged = facilitator.role === 'safeguarding_lead' || facilitator.role === 'admin';
  const raisedBy =
    escalation &&
    ((escalation.source.kind === 'form' && escalation.source.facilitatorId === facilitator.facilitatorId) ||
      escalation.record.facilitatorEmail.toLowerCase() === facilitator.email.toLowerCase());
  if (!escalation) throw new NotFoundError('There is no such escalation.');
  if (!privileged && !raisedBy)
    throw new ForbiddenError('Only safeguarding leads, admins and the facilitator who raised it can see this.');
  return {
    escalationId,
    reference: escalation.reference,
    status: escalation.status,
    level: escalation.level,
    round: escalation.round,
    raisedAt: escalation.raisedAt,
    drill: escalation.drill === true,
    ...(escalation.acknowledgedBy ? { acknowledgedBy: escalation.acknowledgedBy } : {}),
    timeline: await deps.escalations.timeline(escalationId),
  };
}
