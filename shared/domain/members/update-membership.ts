import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { LinkToken } from './confirm-signup.ts';
import { erasedMember, type Member, memberEvent, memberFromToken, TOKEN_PURPOSE } from './member.ts';

export const ManageAction = z.enum(['checkin-emails-off', 'checkin-emails-on', 'unsubscribe', 'resubscribe', 'erase'], {
  message: 'choose one of the buttons on the page',
});
export type ManageAction = z.infer<typeof ManageAction>;

export const UpdateMembershipRequest = z
  .object({
    token: LinkToken,
    action: ManageAction,
    /** The second, explicit step before erasure: "I understand this cannot be undone". */
    confirmErase: z.optional(z.boolean({ message: 'must be true or false' })),
  })
  .check(
    z.superRefine((request, ctx) => {
      if (request.action === 'erase' && request.confirmErase !== true) {
        ctx.addIssue({
          code: 'custom',
          path: ['confirmErase'],
          message: 'tick "I understand this cannot be undone" to delete your data',
        });
      }
    }),
  );
export type UpdateMembershipRequest = z.input<typeof UpdateMembershipRequest>;

/** HTML form fields (the checkbox is absent when unticked) → the JSON request. */
export function updateMembershipFromForm(fields: Record<string, string>): unknown {
  return {
    token: fields.token ?? '',
    action: fields.action ?? '',
    confirmErase: ['yes', 'on', 'true'].includes((fields.confirmErase ?? '').toLowerCase()),
  };
}

/** The member behind a manage link, as the manage page shows them (a tombstone once erased). */
export async function viewMembership(deps: Pick<Deps, 'tokens' | 'members'>, token: string): Promise<Member> {
  return memberFromToken(deps, token, TOKEN_PURPOSE.manage);
}

export interface MembershipUpdate {
  member: Member;
  /** The action done, or `none` when the member was already erased (nothing to change). */
  done: ManageAction | 'none';
}

/**
 * One button on the manage page. Preferences change in place; erasure replaces the member with a
 * tombstone, frees the address and writes `MemberErased` (features holding member-linked data
 * erase theirs). Every action on an erased member changes nothing.
 */
export async function updateMembership(
  deps: Pick<Deps, 'tokens' | 'members' | 'ids' | 'clock'>,
  input: UpdateMembershipRequest,
): Promise<MembershipUpdate> {
  const request = UpdateMembershipRequest.parse(input);
  const member = await memberFromToken(deps, request.token, TOKEN_PURPOSE.manage);
  if (member.status === 'erased') return { member, done: 'none' };

  // What was written is known, so the member is read again only when a write found it changed.
  let latest: Member | undefined;
  if (request.action === 'erase') {
    const at = deps.clock.now().toISOString();
    const erased = await deps.members.erase(member.memberId, at, memberEvent(deps, 'MemberErased', member.memberId, at), member);
    if (erased === 'erased') latest = erasedMember(member, at);
  } else {
    const prefs: Partial<Pick<Member, 'checkinEmails' | 'emailOptOut'>> = {
      'checkin-emails-off': { checkinEmails: false },
      'checkin-emails-on': { checkinEmails: true },
      unsubscribe: { emailOptOut: true },
      resubscribe: { emailOptOut: false },
    }[request.action];
    const updated = await deps.members.updatePreferences(member.memberId, prefs);
    if (updated !== 'gone') latest = updated;
  }
  latest ??= (await deps.members.get(member.memberId)) ?? member;
  return { member: latest, done: latest.status === 'erased' && request.action !== 'erase' ? 'none' : request.action };
}
