import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import {
  ESCALATION_TOPIC,
  type EscalationResolution,
  type EscalationSeriousHarmReported,
  resolutionOutcomes,
} from './escalation.ts';

// Line breaks and tabs are fine in a note; no other control characters (they could forge lines in a record).
const hasControlCharacters = (value: string) =>
  [...value].some((ch) => /\p{Cc}/u.test(ch) && ch !== '\n' && ch !== '\r' && ch !== '\t');

/** The body of `POST /admin/escalations/{id}/resolve`. Unknown fields are dropped. */
export const ResolveRequest = z.object({
  outcome: z.enum(resolutionOutcomes, { message: `choose one of: ${resolutionOutcomes.join(', ')}` }),
  seriousHarm: z.boolean({ message: 'must be true or false' }),
  note: z.pipe(
    z.optional(
      z.string({ message: 'must be text' }).check(
        z.trim(),
        z.maxLength(2000, { message: 'use 2000 characters or fewer' }),
        z.refine((value) => !hasControlCharacters(value), { message: 'contains characters that are not allowed' }),
      ),
    ),
    z.transform((value) => (value ? value : undefined)),
  ),
});
export type ResolveRequest = z.input<typeof ResolveRequest>;

/**
 * Resolves an acknowledged escalation for a safeguarding lead or an admin (authenticated by the route): records the outcome, who
 * and when (on the escalation and its timeline) and takes it off the open list, in one transaction.
 * Idempotent: resolving a resolved escalation changes nothing and answers the first resolution.
 * An escalation nobody has acknowledged yet cannot be resolved (409): acknowledge it first.
 * `seriousHarm` emits `EscalationSeriousHarmReported` in the same transaction: the trustees are
 * emailed once (thin: reference and link) to make the serious-incident report.
 */
export async function resolveEscalation(
  deps: Pick<Deps, 'escalations' | 'clock' | 'ids'>,
  facilitator: Facilitator,
  escalationId: string,
  input: ResolveRequest,
): Promise<{ outcome: 'resolved' | 'already'; resolution: EscalationResolution }> {
  if (facilitator.role !== 'safeguarding_lead' && facilitator.role !== 'admin')
    throw new ForbiddenError('Only safeguarding leads and admins can resolve an escalation.');
  const request = ResolveRequest.parse(input);
  const escalation = await deps.escalations.get(escalationId);
  if (!escalation) throw new NotFoundError('There is no such escalation.');
  if (escalation.resolution) return { outcome: 'already', resolution: escalation.resolution };
  if (escalation.status !== 'acknowledged')
    throw new ConflictError('Only an acknowledged escalation can be resolved: acknowledge it first.');
  const resolution: EscalationResolution = {
    outcome: request.outcome,
    seriousHarm: request.seriousHarm,
    ...(request.note ? { note: request.note } : {}),
    by: { facilitatorId: facilitator.facilitatorId, name: facilitator.displayName },
    at: deps.clock.now().toISOString(),
  };
  // A drill never emails the trustees.
  const event: EscalationSeriousHarmReported | undefined =
    resolution.seriousHarm && !escalation.drill
      ? {
          id: deps.ids.newId(),
          type: 'EscalationSeriousHarmReported',
          topic: ESCALATION_TOPIC,
          occurredAt: resolution.at,
          data: { escalationId },
        }
      : undefined;
  if ((await deps.escalations.resolve(escalationId, resolution, event)) === 'resolved')
    return { outcome: 'resolved', resolution };
  const latest = await deps.escalations.get(escalationId);
  if (latest?.resolution) return { outcome: 'already', resolution: latest.resolution };
  throw new ConflictError('Only an acknowledged escalation can be resolved: acknowledge it first.');
}
