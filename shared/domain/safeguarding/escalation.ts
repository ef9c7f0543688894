import { randomInt } from 'node:crypto';
import * as z from '../../zod.ts';
import { emailAddress } from '../email-address.ts';
import type { DomainEvent } from '../events.ts';

export const ESCALATION_TOPIC = 'safeguarding-escalations' as const;

export const escalationCategories = ['suicide_risk', 'self_harm', 'harm_to_others', 'abuse_or_neglect', 'other_concern'] as const;
export type EscalationCategory = (typeof escalationCategories)[number];
export const escalationUrgencies = ['immediate', 'same_day', 'routine'] as const;
export type EscalationUrgency = (typeof escalationUrgencies)[number];

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
// Free text may have line breaks and tabs; no other control characters (they could forge lines in a record).
const hasControlCharacters = (value: string) =>
  [...value].some((ch) => /\p{Cc}/u.test(ch) && ch !== '\n' && ch !== '\r' && ch !== '\t');

const text = (what: string, max: number) =>
  z.string({ message: `must be text (${what})` }).check(
    z.trim(),
    z.maxLength(max, { message: `use ${max} characters or fewer` }),
    z.refine((value) => !hasControlCharacters(value), { message: 'contains characters that are not allowed' }),
  );

const optionalText = (what: string, max: number) =>
  z.pipe(
    z.optional(text(what, max)),
    z.transform((value) => (value ? value : undefined)),
  );

const reference = (what: string) =>
  z.optional(
    z.string({ message: `must be a ${what} reference` }).check(z.regex(ULID, { message: `is not a valid ${what} reference` })),
  );

/**
 * The body of `POST /webhooks/escalations` (and of the hosted form, after shaping). Facts and
 * opinion are kept apart, as UK safeguarding record keeping asks. Unknown fields are dropped.
 */
export const EscalationRequest = z.object({
  facilitatorEmail: emailAddress('enter the facilitator’s email address'),
  groupId: reference('group'),
  sessionId: reference('session'),
  category: z.enum(escalationCategories, { message: `choose one of: ${escalationCategories.join(', ')}` }),
  urgency: z.enum(escalationUrgencies, { message: `choose one of: ${escalationUrgencies.join(', ')}` }),
  summary: z.pipe(
    text('a short summary of the concern', 4000),
    z.string().check(z.minLength(1, { message: 'describe the concern' })),
  ),
  facts: optionalText('what was seen or said', 8000),
  opinion: optionalText('your view and why', 8000),
  memberRef: optionalText('initials or a pseudonym', 100),
  actionsTaken: optionalText('what has been done so far', 4000),
  emergencyServicesContacted: z.optional(z.boolean({ message: 'must be true or false' })),
  personAware: z.optional(z.boolean({ message: 'must be true or false' })),
});
export type EscalationRequest = z.input<typeof EscalationRequest>;
export type EscalationRecord = z.output<typeof EscalationRequest>;

export type EscalationStatus = 'open' | 'acknowledged' | 'resolved' | 'unacknowledged_after_all_levels';

export interface Escalation {
  escalationId: string;
  /** Short human code for phone calls and alert subjects, e.g. `S-7K3M9Q`. */
  reference: string;
  /** Printed in the alert body (never in a URL); needed to acknowledge. */
  ackCode: string;
  status: EscalationStatus;
  /** Index into org.safeguarding.levels of the level currently alerted. */
  level: number;
  /** How many times the whole ladder has been walked before this one (0 on the first pass). */
  round: number;
  record: EscalationRecord;
  source:
    | { kind: 'webhook'; webhookId: string }
    | { kind: 'form'; facilitatorId: string }
    | { kind: 'drill'; facilitatorId: string };
  /** A test escalation raised by an admin (`POST /admin/escalations/drill`): marked in every alert, never emails the trustees. */
  drill?: boolean;
  raisedAt: string;
  wrongCodeAttempts: number;
  acknowledgedBy?: { name: string; at: string };
  resolution?: EscalationResolution;
}

export const resolutionOutcomes = [
  'referred_to_local_authority',
  'emergency_services',
  'referred_to_other_service',
  'advice_given',
  'no_further_action',
] as const;
export type ResolutionOutcome = (typeof resolutionOutcomes)[number];

/** How an acknowledged escalation was closed, by whom (a facilitator: lead or admin) and when. */
export interface EscalationResolution {
  outcome: ResolutionOutcome;
  seriousHarm: boolean;
  note?: string;
  by: { facilitatorId: string; name: string };
  at: string;
}

export type TimelineEntry =
  | { type: 'raised'; at: string; source: 'webhook' | 'form' | 'drill' }
  | { type: 'notified'; at: string; level: number; round: number; channel: 'email' | 'sms'; contact: string }
  | {
      type: 'notification_failed';
      at: string;
      level: number;
      round: number;
      channel: 'email' | 'sms';
      contact: string;
      reason: string;
    }
  | { type: 'moved_up'; at: string; level: number; round: number }
  | { type: 'acknowledged'; at: string; name: string }
  | { type: 'resolve_reminder'; at: string; level: number }
  | {
      type: 'resolved';
      at: string;
      outcome: ResolutionOutcome;
      seriousHarm: boolean;
      by: { facilitatorId: string; name: string };
    }
  | { type: 'unacknowledged_after_all_levels'; at: string };

export type EscalationRaised = DomainEvent<'EscalationRaised', { escalationId: string; level: number; round: number }>;
export type EscalationMovedUp = DomainEvent<'EscalationMovedUp', { escalationId: string; level: number; round: number }>;
export type EscalationEvent = EscalationRaised | EscalationMovedUp;
/** A resolution with `seriousHarm`: the trustees are asked for the serious-incident report (`trustee-mail`). */
export type EscalationSeriousHarmReported = DomainEvent<'EscalationSeriousHarmReported', { escalationId: string }>;

/** The event that fans out the alerts for one level: urgency and category as SNS message attributes. */
export function escalationEvent<T extends EscalationEvent['type']>(
  deps: { ids: { newId(): string } },
  type: T,
  escalation: Pick<Escalation, 'escalationId' | 'level' | 'round' | 'record'>,
  occurredAt: string,
): DomainEvent<T, { escalationId: string; level: number; round: number }> {
  return {
    id: deps.ids.newId(),
    type,
    topic: ESCALATION_TOPIC,
    occurredAt,
    attributes: { urgency: escalation.record.urgency, category: escalation.record.category },
    data: { escalationId: escalation.escalationId, level: escalation.level, round: escalation.round },
  };
}

const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short reference read out over the phone: no 0/O, 1/I/L or U. */
export function newReference(): string {
  let out = 'S-';
  for (let i = 0; i < 6; i++) out += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return out;
}

/** Six digits: typed from an SMS on a phone. Five wrong tries lock acknowledgement by code. */
export function newAckCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** How long a `WEBHOOK#<id>` dedupe record is kept: longer than any sender retries (days). */
export const WEBHOOK_DEDUPE_DAYS = 30;
