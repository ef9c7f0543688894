import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { ForbiddenError } from '../errors.ts';
import type { Facilitator } from '../facilitators/facilitator.ts';
import { escalationUrgencies } from './escalation.ts';
import { raiseEscalation } from './raise-escalation.ts';

export const DrillRequest = z.object({
  urgency: z.enum(escalationUrgencies, { message: `choose one of: ${escalationUrgencies.join(', ')}` }),
});
export type DrillRequest = z.input<typeof DrillRequest>;

/**
 * An admin raises a test escalation through the same path as a real one (category other_concern,
 * the urgency chosen): it alerts, moves up and is acknowledged like a real one, so a broken
 * contact is found; every alert is marked DRILL; no debrief task, and it never emails the trustees.
 */
export async function runDrill(
  deps: Pick<Deps, 'escalations' | 'ids' | 'clock'>,
  facilitator: Facilitator,
  input: DrillRequest,
): Promise<{ escalationId: string; reference: string }> {
  if (facilitator.role !== 'admin') throw new ForbiddenError('Only admins can run a safeguarding drill.');
  const { urgency } = DrillRequest.parse(input);
  const { escalationId } = await raiseEscalation(
    deps,
    {
      facilitatorEmail: facilitator.email,
      category: 'other_concern',
      urgency,
      summary: 'DRILL: a test escalation, no real concern.',
    },
    { kind: 'drill', facilitatorId: facilitator.facilitatorId },
  );
  const escalation = await deps.escalations.get(escalationId);
  return { escalationId, reference: escalation?.reference ?? '' };
}
