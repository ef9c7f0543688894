import type { Deps } from '../../ports/index.ts';
import {
  type Escalation,
  EscalationRequest,
  escalationEvent,
  newAckCode,
  newReference,
  WEBHOOK_DEDUPE_DAYS,
} from './escalation.ts';

export type EscalationSource =
  | { kind: 'webhook'; webhookId: string }
  | { kind: 'form'; facilitatorId: string; submissionId: string }
  | { kind: 'drill'; facilitatorId: string };

/**
 * Raises a safeguarding escalation: one transaction writes the escalation at level 0, round 0, its
 * `raised` timeline entry, its `EscalationRaised` outbox event (which fans out the first alerts)
 * and, for a webhook, the `WEBHOOK#<id>` dedupe record. A repeated delivery of the same webhook id
 * writes nothing and returns the first escalation's id. Nothing is sent from here: the alerts
 * follow from the stored event, so an accepted escalation is never only in memory.
 */
export async function raiseEscalation(
  deps: Pick<Deps, 'escalations' | 'ids' | 'clock'>,
  input: EscalationRequest,
  source: EscalationSource,
): Promise<{ escalationId: string; created: boolean }> {
  const record = EscalationRequest.parse(input);
  const now = deps.clock.now();
  const at = now.toISOString();
  const escalation: Escalation = {
    escalationId: deps.ids.newId(),
    reference: newReference(),
    ackCode: newAckCode(),
    status: 'open',
    level: 0,
    round: 0,
    record,
    source: source.kind === 'webhook' ? source : { kind: source.kind, facilitatorId: source.facilitatorId },
    ...(source.kind === 'drill' ? { drill: true } : {}),
    raisedAt: at,
    wrongCodeAttempts: 0,
  };
  return deps.escalations.raise({
    escalation,
    // A double-submitted hosted form is deduplicated like a repeated webhook delivery; drills are not.
    ...(source.kind === 'drill'
      ? {}
      : {
          dedupe: {
            key: source.kind === 'webhook' ? source.webhookId : `form#${source.facilitatorId}#${source.submissionId}`,
            expiresAt: Math.floor(now.getTime() / 1000) + WEBHOOK_DEDUPE_DAYS * 24 * 3600,
          },
        }),
    timeline: { type: 'raised', at, source: source.kind },
    event: escalationEvent(deps, 'EscalationRaised', escalation, at),
  });
}
