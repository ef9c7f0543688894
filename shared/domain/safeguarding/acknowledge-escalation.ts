import { timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { NotFoundError, TooManyRequestsError, ValidationError } from '../errors.ts';
import type { Escalation } from './escalation.ts';
import { scheduleResolveReminder } from './resolve-reminder.ts';

/** After this many wrong codes the page stops accepting codes: the person is asked to phone. */
export const MAX_WRONG_CODES = 5;

const CONTROL = /\p{Cc}/u;

export const AcknowledgeRequest = z.object({
  code: z
    .string({ message: 'enter the 6-digit code from the alert' })
    .check(z.trim(), z.regex(/^\d{6}$/, { message: 'enter the 6-digit code from the alert' })),
  name: z.string({ message: 'enter your name' }).check(
    z.trim(),
    z.minLength(1, { message: 'enter your name' }),
    z.maxLength(80, { message: 'use 80 characters or fewer' }),
    z.refine((name) => !CONTROL.test(name), { message: 'use letters, numbers, spaces and punctuation only' }),
  ),
});
export type AcknowledgeRequest = z.input<typeof AcknowledgeRequest>;

export type AcknowledgeView =
  | { state: 'open'; escalation: Escalation }
  | { state: 'acknowledged'; escalation: Escalation; by: { name: string; at: string } }
  | { state: 'locked'; escalation: Escalation };

/** What the acknowledgement page shows; reads only (GET never changes state). */
export async function viewAcknowledgement(deps: Pick<Deps, 'escalations'>, escalationId: string): Promise<AcknowledgeView> {
  const escalation = await deps.escalations.get(escalationId);
  if (!escalation) throw new NotFoundError('There is no escalation at this link.');
  if (escalation.acknowledgedBy) return { state: 'acknowledged', escalation, by: escalation.acknowledgedBy };
  if (escalation.wrongCodeAttempts >= MAX_WRONG_CODES) return { state: 'locked', escalation };
  return { state: 'open', escalation };
}

/**
 * Acknowledges an escalation with the code printed in the alert and the person's name. Conditional
 * and idempotent: a second acknowledgement changes nothing and reports who acknowledged and when.
 * A wrong code is counted on the escalation; after {@link MAX_WRONG_CODES} codes are refused (429)
 * and the page says to phone. Acknowledging stops moving up: the timeout timers check the status.
 * It also schedules the resolve reminder (org.safeguarding.resolveWithinHours after acknowledgement).
 */
export async function acknowledgeEscalation(
  deps: Pick<Deps, 'escalations' | 'clock' | 'scheduler' | 'org'>,
  escalationId: string,
  input: AcknowledgeRequest,
): Promise<{ outcome: 'acknowledged' | 'already'; by: { name: string; at: string } }> {
  const request = AcknowledgeRequest.parse(input);
  const view = await viewAcknowledgement(deps, escalationId);
  if (view.state === 'acknowledged') {
    // A retry after the reminder could not be scheduled schedules it again (same name, same time).
    if (view.escalation.status === 'acknowledged') await scheduleResolveReminder(deps, escalationId, view.by.at);
    return { outcome: 'already', by: view.by };
  }
  if (view.state === 'locked') throw new TooManyRequestsError('Too many wrong codes. Phone the safeguarding team instead.');
  if (!sameCode(request.code, view.escalation.ackCode)) {
    const attempts = await deps.escalations.recordWrongCode(escalationId);
    if (attempts >= MAX_WRONG_CODES) throw new TooManyRequestsError('Too many wrong codes. Phone the safeguarding team instead.');
    throw new ValidationError('That code is not right.', {
      code: `that code is not right: check the alert (${MAX_WRONG_CODES - attempts} tries left)`,
    });
  }
  const by = { name: request.name, at: deps.clock.now().toISOString() };
  const outcome = await deps.escalations.acknowledge(escalationId, by);
  if (outcome === 'acknowledged') {
    await scheduleResolveReminder(deps, escalationId, by.at);
    return { outcome, by };
  }
  const latest = await deps.escalations.get(escalationId);
  return { outcome: 'already', by: latest?.acknowledgedBy ?? by };
}

function sameCode(given: string, expected: string): boolean {
  const a = Buffer.from(given.padEnd(6, ' ').slice(0, 6));
  const b = Buffer.from(expected.padEnd(6, ' ').slice(0, 6));
  return timingSafeEqual(a, b);
}
