import type { DomainEvent } from '../../../shared/domain/events.ts';
import { createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import type { Facilitator } from '../../../shared/domain/facilitators/facilitator.ts';
import type { Member } from '../../../shared/domain/members/member.ts';
import { bookingLink } from '../../../shared/domain/sessions/book-session.ts';
import { createGroup } from '../../../shared/domain/sessions/manage-groups.ts';
import type { CreateGroupRequest } from '../../../shared/domain/sessions/model.ts';
import { scheduleSessions } from '../../../shared/domain/sessions/schedule-sessions.ts';
import { sendSessionEmail } from '../../../shared/domain/sessions/send-session-email.ts';
import type { EmailMessage } from '../../../shared/ports/index.ts';
import type { TestDeps } from '../../support/deps.ts';
import { outboxEvents } from '../members/helpers.ts';

export async function facilitator(deps: TestDeps, role: 'facilitator' | 'admin' | 'safeguarding_lead' = 'facilitator') {
  const { facilitatorId, token } = await createFacilitator(deps, {
    email: `${role}-${Math.random()}@example.org`,
    displayName: 'Sam',
    role,
  });
  const f = (await deps.facilitators.get(facilitatorId)) as Facilitator;
  return { facilitator: f, token };
}

export const groupRequest = (overrides: Partial<CreateGroupRequest> = {}): CreateGroupRequest => ({
  name: 'Thursday grief circle',
  format: 'in_person',
  location: 'Room 2, 1 High Street',
  capacity: 10,
  access: 'open',
  timezone: 'Europe/London',
  topics: ['grief'],
  ...overrides,
});

/** An active member, written straight through the repository. */
export async function activeMember(deps: TestDeps, n: number | string, groupId?: string): Promise<Member> {
  const at = deps.clock.now().toISOString();
  const member: Member = {
    memberId: deps.ids.newId(),
    status: 'active',
    email: `member-${n}@example.com`,
    displayName: `Member ${n}`,
    checkinEmails: false,
    emailOptOut: false,
    createdAt: at,
    confirmedAt: at,
    ...(groupId ? { groupId } : {}),
  };
  const event: DomainEvent = {
    id: deps.ids.newId(),
    type: 'TestMemberCreated',
    topic: 'member-notifications',
    occurredAt: at,
    data: {},
  };
  await deps.members.create(member, event);
  return member;
}

/** A group with one session two days from the test clock. */
export async function groupWithSession(deps: TestDeps, overrides: Partial<CreateGroupRequest> = {}) {
  const { facilitator: f, token } = await facilitator(deps);
  const group = await createGroup(deps, f, groupRequest(overrides));
  const startsAt = new Date(deps.clock.now().getTime() + 2 * 86_400_000).toISOString();
  const { sessions } = await scheduleSessions(deps, f, group.groupId, {
    startsAt,
    durationMinutes: 90,
    contentNote: 'Anniversaries',
  });
  return { facilitator: f, token, group, session: sessions[0]! };
}

export async function tokenFor(deps: TestDeps, memberId: string, groupId: string, sessionId: string) {
  return new URL(await bookingLink(deps, memberId, groupId, sessionId)).searchParams.get('t') ?? '';
}

/** Plays the relay and the session-mail queue: each outbox event once. Returns the emails sent. */
export function sessionRelay(deps: TestDeps) {
  const relayed = new Set<string>();
  return async (): Promise<EmailMessage[]> => {
    const before = deps.mail.sent.length;
    for (const event of await outboxEvents(deps.table)) {
      if (relayed.has(event.id)) continue;
      relayed.add(event.id);
      await sendSessionEmail(deps, event as never);
    }
    return deps.mail.sent.slice(before);
  };
}
