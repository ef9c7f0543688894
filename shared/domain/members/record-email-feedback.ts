import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';

/**
 * What SES reports about member mail (the member configuration set's event destination → SNS →
 * the `ses-feedback` queue, raw delivery): bounces and complaints. Event publishing names the type
 * `eventType`; identity notifications name it `notificationType`: both are accepted.
 */
const Recipient = z.looseObject({ emailAddress: z.string().check(z.minLength(1)) });
export const SesFeedbackEvent = z.union([
  z.looseObject({
    eventType: z.literal('Bounce'),
    bounce: z.looseObject({ bounceType: z.string(), bouncedRecipients: z.array(Recipient) }),
  }),
  z.looseObject({
    eventType: z.literal('Complaint'),
    complaint: z.looseObject({ complainedRecipients: z.array(Recipient) }),
  }),
  z.looseObject({ eventType: z.string() }),
]);
export type SesFeedbackEvent = z.infer<typeof SesFeedbackEvent>;

/** A body that is not an SES event: it must reach the DLQ (and its alarm), not vanish. */
export class InvalidSesFeedbackError extends Error {
  override name = 'InvalidSesFeedbackError';
}

export function parseSesFeedback(body: string): SesFeedbackEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new InvalidSesFeedbackError('The SES feedback message is not JSON');
  }
  const typed =
    typeof raw === 'object' && raw !== null && !('eventType' in raw) && 'notificationType' in raw
      ? { ...raw, eventType: (raw as { notificationType: unknown }).notificationType }
      : raw;
  const parsed = SesFeedbackEvent.safeParse(typed);
  if (!parsed.success) throw new InvalidSesFeedbackError('The SES feedback message has no event type');
  return parsed.data;
}

export interface FeedbackOutcome {
  /** Members whose mail stopped (hard bounce) or who were unsubscribed (complaint). */
  stopped: number;
  /** Addresses that belong to no current member (staff, erased members, never members). */
  unknown: number;
}

/**
 * A permanent (hard) bounce stops every email to that member's address; a complaint unsubscribes
 * the member from all email (`emailOptOut`), as if they had pressed "unsubscribe". Transient bounces
 * change nothing (SES retried already; the next send may work). Addresses are looked up through
 * the email-uniqueness hash, never stored or logged. Idempotent: a redelivery changes nothing more.
 */
export async function recordEmailFeedback(
  deps: Pick<Deps, 'members' | 'clock'>,
  event: SesFeedbackEvent,
): Promise<FeedbackOutcome> {
  const outcome: FeedbackOutcome = { stopped: 0, unknown: 0 };
  const at = deps.clock.now().toISOString();
  const each = async (addresses: { emailAddress: string }[], act: (memberId: string) => Promise<unknown>) => {
    for (const { emailAddress } of addresses) {
      const member = await deps.members.findByEmail(bareAddress(emailAddress));
      if (member && (await act(member.memberId)) !== 'gone') outcome.stopped++;
      else outcome.unknown++;
    }
  };
  if (event.eventType === 'Bounce' && 'bounce' in event) {
    const bounce = event.bounce as { bounceType: string; bouncedRecipients: { emailAddress: string }[] };
    if (bounce.bounceType === 'Permanent') {
      await each(bounce.bouncedRecipients, (id) => deps.members.markEmailBounced(id, at));
    }
  } else if (event.eventType === 'Complaint' && 'complaint' in event) {
    const complaint = event.complaint as { complainedRecipients: { emailAddress: string }[] };
    await each(complaint.complainedRecipients, (id) => deps.members.updatePreferences(id, { emailOptOut: true }));
  }
  return outcome;
}

/** `"Robin" <robin@example.com>` → `robin@example.com` (SES may report the address with a name). */
export function bareAddress(address: string): string {
  const match = /<([^<>]+)>\s*$/.exec(address);
  return (match?.[1] ?? address).trim();
}
