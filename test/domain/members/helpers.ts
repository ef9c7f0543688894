import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '../../../shared/adapters/aws/dynamo/document-client.ts';
import type { DomainEvent } from '../../../shared/domain/events.ts';
import { confirmSignup } from '../../../shared/domain/members/confirm-signup.ts';
import { createSignup, type SignupRequest } from '../../../shared/domain/members/create-signup.ts';
import { sendMemberEmail } from '../../../shared/domain/members/send-member-email.ts';
import type { EmailMessage } from '../../../shared/ports/index.ts';
import type { TestDeps } from '../../support/deps.ts';

/** Every item in the test table (a Scan: tests only). */
export async function scanAll(table: TableRef): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * The outbox events written so far, oldest first. Events from the same millisecond (the test clock
 * stands still) come in no particular order: pick them by type and member with `eventOf`.
 */
export async function outboxEvents(table: TableRef): Promise<DomainEvent[]> {
  const items = await scanAll(table);
  return items
    .filter((item) => item.kind === 'outbox')
    .map((item) => item.event as DomainEvent)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The one outbox event of this type (for this member); fails the test if there is not exactly one. */
export async function eventOf(table: TableRef, type: string, memberId?: string) {
  const matching = (await outboxEvents(table)).filter((e) => e.type === type && (!memberId || e.data.memberId === memberId));
  if (matching.length !== 1) throw new Error(`Expected one ${type} event, found ${matching.length}`);
  return matching[0] as DomainEvent & { data: { memberId: string } };
}

/**
 * Plays the relay and the member-mail queue: hands every outbox event not handed over before to
 * the mail worker, once each. Returns the emails this sent.
 */
export function mailRelay(deps: TestDeps) {
  const relayed = new Set<string>();
  return async (): Promise<EmailMessage[]> => {
    const before = deps.mail.sent.length;
    for (const event of await outboxEvents(deps.table)) {
      if (relayed.has(event.id)) continue;
      relayed.add(event.id);
      await sendMemberEmail(deps, event as DomainEvent & { data: { memberId: string } });
    }
    return deps.mail.sent.slice(before);
  };
}

export const signupRequest = (overrides: Partial<SignupRequest> = {}): SignupRequest => ({
  email: 'robin@example.org',
  displayName: 'Robin',
  consents: { groupAgreement: true, privacyNotice: true, checkinEmails: true },
  ...overrides,
});

/** The first link in an email's text whose path is `path` (e.g. `/confirm`). */
export function linkIn(message: EmailMessage | undefined, path: string): string {
  const match = new RegExp(`http://kith\\.test${path}\\?t=[A-Za-z0-9_.%-]+`).exec(message?.text ?? '');
  if (!match) throw new Error(`No ${path} link in the email`);
  return match[0];
}

export function tokenOf(link: string): string {
  return new URL(link).searchParams.get('t') ?? '';
}

/** Signs up, relays the outbox, and returns the member's confirmation token. */
export async function signUpForToken(
  deps: TestDeps,
  relay: ReturnType<typeof mailRelay>,
  overrides: Partial<SignupRequest> = {},
) {
  await createSignup(deps, signupRequest(overrides));
  const sent = await relay();
  return tokenOf(linkIn(sent.at(-1), '/confirm'));
}

/** Signs up, confirms, relays the welcome email and returns its manage token. */
export async function activeMember(deps: TestDeps, relay: ReturnType<typeof mailRelay>, overrides: Partial<SignupRequest> = {}) {
  const confirmToken = await signUpForToken(deps, relay, overrides);
  await confirmSignup(deps, confirmToken);
  const sent = await relay();
  const manageToken = tokenOf(linkIn(sent.at(-1), '/manage'));
  const claims = await deps.tokens.verify(manageToken, 'manage');
  return { memberId: claims.subject, manageToken, confirmToken };
}
