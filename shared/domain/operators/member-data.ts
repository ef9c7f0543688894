import type { Deps } from '../../ports/index.ts';
import type { OperatorStore } from '../../ports/operators.ts';
import { memberEvent } from '../members/member.ts';

/** Key attributes are storage detail, not data about the person. */
const storageAttributes = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'expiresAt']);

export interface SubjectAccessExport {
  memberId: string;
  exportedAt: string;
  /** Every item about the member, without key attributes, grouped by entity. */
  items: Record<string, unknown>[];
}

/**
 * A subject access request (UK GDPR Art. 15): everything kith holds about the member with this
 * address, as JSON. Undefined when no current member has it (erased members' tombstones hold no
 * address, so they cannot be found by it).
 */
export async function exportMemberData(
  deps: Pick<Deps, 'members' | 'clock'> & { operator: OperatorStore },
  email: string,
): Promise<SubjectAccessExport | undefined> {
  const member = await deps.members.findByEmail(email);
  if (!member) return undefined;
  const items = (await deps.operator.memberItems(member.memberId)).map((item) =>
    Object.fromEntries(Object.entries(item).filter(([key]) => !storageAttributes.has(key))),
  );
  return { memberId: member.memberId, exportedAt: deps.clock.now().toISOString(), items };
}

/**
 * Erasure on request (UK GDPR Art. 17), the same as the member's own "delete my data": the member
 * becomes a tombstone, the address is freed and `MemberErased` goes out so every feature erases
 * what it holds. `not-found` when no current member has the address.
 */
export async function eraseMemberByEmail(
  deps: Pick<Deps, 'members' | 'ids' | 'clock'>,
  email: string,
): Promise<{ result: 'erased' | 'not-found'; memberId?: string }> {
  const member = await deps.members.findByEmail(email);
  if (!member) return { result: 'not-found' };
  const at = deps.clock.now().toISOString();
  const result = await deps.members.erase(member.memberId, at, memberEvent(deps, 'MemberErased', member.memberId, at));
  return { result: result === 'erased' ? 'erased' : 'not-found', memberId: member.memberId };
}
