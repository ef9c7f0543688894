import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { emailAddress } from '../email-address.ts';
import { UnavailableError } from '../errors.ts';
import { type Member, memberEvent } from './member.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
// Control characters (line breaks, tabs, NUL…) have no place in a name and could forge lines in a
// plain-text email.
const CONTROL = /\p{Cc}/u;

const Consents = z.object(
  {
    groupAgreement: z.literal(true, { message: 'you need to accept the group agreement to join' }),
    privacyNotice: z.literal(true, { message: 'you need to accept the privacy notice to join' }),
    checkinEmails: z.optional(z.boolean({ message: 'must be true or false' })),
  },
  { message: 'must be an object: { groupAgreement: true, privacyNotice: true, checkinEmails?: boolean }' },
);

export const SignupRequest = z.object({
  email: emailAddress('enter your email address'),
  displayName: z.string({ message: 'enter a first name or nickname' }).check(
    z.trim(),
    z.minLength(1, { message: 'enter a first name or nickname' }),
    z.maxLength(60, { message: 'use 60 characters or fewer' }),
    z.refine((name) => !CONTROL.test(name), { message: 'use letters, numbers, spaces and punctuation only' }),
  ),
  // A missing `consents` is parsed as `{}`, so each missing consent gets its own field message.
  consents: z.prefault(Consents, {} as z.input<typeof Consents>),
  groupId: z.optional(
    z.string({ message: 'must be a group reference' }).check(z.regex(ULID, { message: 'is not a valid group reference' })),
  ),
});
export type SignupRequest = z.input<typeof SignupRequest>;

/** HTML form fields (checkboxes are absent when unticked) → the JSON request. */
export function signupFromForm(fields: Record<string, string>): unknown {
  const ticked = (name: string) => ['yes', 'on', 'true'].includes((fields[name] ?? '').toLowerCase());
  return {
    email: fields.email ?? '',
    displayName: fields.displayName ?? '',
    consents: {
      groupAgreement: ticked('groupAgreement'),
      privacyNotice: ticked('privacyNotice'),
      checkinEmails: ticked('checkinEmails'),
    },
    ...(fields.groupId ? { groupId: fields.groupId } : {}),
  };
}

/**
 * What happened, for tests and metrics only: the caller must answer every outcome the same way,
 * so nobody can learn whether an address is known.
 */
export type SignupOutcome = 'created' | 'confirmation-resent' | 'already-member-notified' | 'limited';

/**
 * Sign-up with double opt-in. A new address gets a pending member, its uniqueness record and a
 * `MemberSignupRequested` event in one transaction. A pending address gets the confirmation again,
 * an active one a "you already have an account" email (`MemberSignupRepeated`); both count against
 * the per-address daily limit, and over it nothing is sent. A second sign-up never changes the
 * stored name, consents or group: only the address's owner can, after confirming. An active member
 * signing up from another group's page is offered that group in their email (its manage link opens
 * the page with a Join button): the answer here stays the same for everyone.
 */
export async function createSignup(
  deps: Pick<Deps, 'members' | 'ids' | 'clock' | 'org'>,
  input: SignupRequest,
): Promise<{ outcome: SignupOutcome }> {
  const request = SignupRequest.parse(input);
  const now = deps.clock.now();
  const at = now.toISOString();
  const limit = {
    at,
    windowStartAfter: new Date(now.getTime() - 24 * 3600 * 1000).toISOString(),
    max: deps.org.members.maxSignupEmailsPerDay,
  };
  // A concurrent sign-up of the same address can win the race between reading and creating;
  // then the address is known and the next round takes the "known" branch.
  for (let round = 0; round < 3; round++) {
    const existing = await deps.members.findByEmail(request.email);
    if (existing?.status === 'pending') {
      const event = memberEvent(deps, 'MemberSignupRequested', existing.memberId, at);
      const result = await deps.members.recordSignupEmail(existing.memberId, 'pending', limit, event);
      if (result === 'recorded') return { outcome: 'confirmation-resent' };
      // Limited, or confirmed meanwhile: look again only if the status moved.
      const latest = await deps.members.get(existing.memberId);
      if (latest?.status === 'pending') return { outcome: 'limited' };
      continue;
    }
    if (existing?.status === 'active') {
      // From a group's page: their email offers that group on their manage page (they press Join there).
      const event = memberEvent(
        deps,
        'MemberSignupRepeated',
        existing.memberId,
        at,
        request.groupId ? { groupId: request.groupId } : {},
      );
      const result = await deps.members.recordSignupEmail(existing.memberId, 'active', limit, event);
      return { outcome: result === 'recorded' ? 'already-member-notified' : 'limited' };
    }
    const memberId = deps.ids.newId();
    const member: Member = {
      memberId,
      status: 'pending',
      email: request.email,
      displayName: request.displayName,
      consent: {
        groupAgreementVersion: deps.org.groupAgreement.version,
        privacyNoticeVersion: deps.org.privacyNotice.version,
        confidentialityVersion: deps.org.confidentiality.version,
        acceptedAt: at,
      },
      checkinEmails: request.consents.checkinEmails ?? false,
      emailOptOut: false,
      ...(request.groupId ? { groupId: request.groupId } : {}),
      createdAt: at,
      signupEmails: { windowStart: at, count: 1 },
    };
    const created = await deps.members.create(member, memberEvent(deps, 'MemberSignupRequested', memberId, at));
    if (created === 'created') return { outcome: 'created' };
  }
  throw new UnavailableError('Sign-up is briefly unavailable. Please try again.');
}

/** The one answer to every accepted sign-up, whatever the address's state. */
export const SIGNUP_ACCEPTED = {
  status: 'accepted',
  message: 'Check your email. If this address can join, we have sent it a link to continue.',
} as const;
