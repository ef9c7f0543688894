import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { memberEvent, memberFromToken, TOKEN_PURPOSE } from './member.ts';

export const LinkToken = z
  .string({ message: 'the link is incomplete' })
  .check(z.minLength(1, { message: 'the link is incomplete' }), z.maxLength(2048, { message: 'the link is not valid' }));

export const ConfirmSignupRequest = z.object({ token: LinkToken });
export type ConfirmSignupRequest = z.input<typeof ConfirmSignupRequest>;

export type ConfirmationState = 'pending' | 'confirmed' | 'already-confirmed' | 'erased';

/**
 * What the confirmation link's page shows. Reading never changes anything: mail scanners fetch
 * (and render) every link, so only the page's button confirms.
 */
export async function viewConfirmation(
  deps: Pick<Deps, 'tokens' | 'members'>,
  token: string,
): Promise<Exclude<ConfirmationState, 'confirmed'>> {
  const member = await memberFromToken(deps, token, TOKEN_PURPOSE.confirm);
  if (member.status === 'pending') return 'pending';
  return member.status === 'active' ? 'already-confirmed' : 'erased';
}

/**
 * The button on the confirmation page: pending → active, with `MemberConfirmed` (→ welcome email)
 * in the same transaction. Confirming twice is not an error: it says so and changes nothing.
 */
export async function confirmSignup(
  deps: Pick<Deps, 'tokens' | 'members' | 'ids' | 'clock'>,
  token: string,
): Promise<Exclude<ConfirmationState, 'pending'>> {
  const member = await memberFromToken(deps, token, TOKEN_PURPOSE.confirm);
  if (member.status === 'erased') return 'erased';
  if (member.status === 'active') return 'already-confirmed';
  const at = deps.clock.now().toISOString();
  const result = await deps.members.confirm(member.memberId, at, memberEvent(deps, 'MemberConfirmed', member.memberId, at));
  if (result === 'confirmed') return 'confirmed';
  // Someone (a second click) got there first, or the member was erased meanwhile.
  const latest = await deps.members.get(member.memberId);
  return latest?.status === 'active' ? 'already-confirmed' : 'erased';
}
