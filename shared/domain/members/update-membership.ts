import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { ValidationError } from '../errors.ts';
import type { Group } from '../sessions/model.ts';
import { LinkToken } from './confirm-signup.ts';
import { erasedMember, type Member, manageLinkClaims, memberEvent } from './member.ts';

export const ManageAction = z.enum(['checkin-emails-off', 'checkin-emails-on', 'unsubscribe', 'resubscribe', 'erase', 'join'], {
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

/**
 * A group a manage link offers (the member signed up again from its page), and where the member
 * stands with it. Undefined when the group is gone (the offer is then not shown).
 */
export interface JoinOffer {
  group: Group;
  standing: 'can-join' | 'member' | 'requested';
}

/** The member behind a manage link, as the manage page shows them (a tombstone once erased), and the group it offers. */
export async function viewMembership(
  deps: Pick<Deps, 'tokens' | 'members' | 'sessions'>,
  token: string,
): Promise<{ member: Member; join?: JoinOffer }> {
  const { member, joinGroupId } = await manageLinkClaims(deps, token);
  const join = joinGroupId && member.status === 'active' ? await joinOffer(deps, member.memberId, joinGroupId) : undefined;
  return { member, ...(join ? { join } : {}) };
}

async function joinOffer(deps: Pick<Deps, 'sessions'>, memberId: string, groupId: string): Promise<JoinOffer | undefined> {
  const { group, member, requested } = await deps.sessions.groupStanding(groupId, memberId);
  if (!group) return undefined;
  return { group, standing: member ? 'member' : requested ? 'requested' : 'can-join' };
}

export interface MembershipUpdate {
  member: Member;
  /** The action done, or `none` when there was nothing to change (erased already; in the group already). */
  done: ManageAction | 'none';
  /** The group the link offers, as it stands after the action (`join`: asked for, or already in it). */
  join?: JoinOffer;
}

/**
 * One button on the manage page. Preferences change in place; erasure replaces the member with a
 * tombstone, frees the address and writes `MemberErased` (features holding member-linked data
 * erase theirs). Every action on an erased member changes nothing.
 */
export async function updateMembership(
  deps: Pick<Deps, 'tokens' | 'members' | 'sessions' | 'ids' | 'clock'>,
  input: UpdateMembershipRequest,
): Promise<MembershipUpdate> {
  const request = UpdateMembershipRequest.parse(input);
  const { member, joinGroupId } = await manageLinkClaims(deps, request.token);
  if (member.status === 'erased') return { member, done: 'none' };
  if (request.action === 'join') {
    const { offer, asked } = await join(deps, member, joinGroupId);
    return { member, done: asked ? 'join' : 'none', join: offer };
  }

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

/**
 * The manage page's Join button, for the group its link offers: an event the session-mail consumer
 * acts on as on a confirmation from that group's page (an open group takes them and sends its
 * sessions; a closed one gets a request its facilitators are told of). Pressing it again, or once
 * in, writes nothing. Three calls: the member, the group and their standing, the event.
 */
async function join(
  deps: Pick<Deps, 'sessions' | 'ids' | 'clock'>,
  member: Member,
  joinGroupId: string | undefined,
): Promise<{ offer: JoinOffer; asked: boolean }> {
  const offer = joinGroupId ? await joinOffer(deps, member.memberId, joinGroupId) : undefined;
  if (!offer) throw new ValidationError('Nothing to join.', { action: 'this link does not offer a group to join' });
  if (offer.standing !== 'can-join') return { offer, asked: false };
  const { groupId } = offer.group;
  await deps.sessions.appendEvent(
    memberEvent(deps, 'MemberJoinRequested', member.memberId, deps.clock.now().toISOString(), { groupId }),
  );
  return { offer: { group: offer.group, standing: offer.group.access === 'open' ? 'member' : 'requested' }, asked: true };
}
