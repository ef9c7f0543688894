import type { Deps, EmailMessage } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { JOIN_CLAIM, type Member, type MemberStatus, TOKEN_PURPOSE } from './member.ts';
import { alreadyMemberEmail, confirmationEmail, welcomeEmail } from './member-emails.ts';

/** The part of a member event the mail worker reads (the queue body is the whole DomainEvent). */
export const MemberMailEvent = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  type: z.string().check(z.minLength(1), z.maxLength(128)),
  data: z.object({
    memberId: z.string().check(z.minLength(1), z.maxLength(128)),
    /** MemberSignupRepeated from a group's page: the group their manage link offers. */
    groupId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  }),
});
export type MemberMailEvent = z.infer<typeof MemberMailEvent>;

/** Parses a queue message body; a malformed one throws, so it is retried and lands in the DLQ. */
export function parseMemberMailEvent(body: string): MemberMailEvent {
  return MemberMailEvent.parse(JSON.parse(body));
}

type MailDeps = Pick<Deps, 'org' | 'members' | 'mail' | 'deliveries' | 'tokens' | 'links'>;

interface MailKind {
  /** The member's status the email makes sense for; otherwise it is stale and skipped. */
  status: MemberStatus;
  /** Transactional mail the person asked for is sent even to those who unsubscribed from all email. */
  essential: boolean;
  build(deps: MailDeps, member: Member & { email: string }, event: MemberMailEvent): Promise<EmailMessage>;
}

const confirmLink = async (deps: MailDeps, memberId: string) =>
  deps.links.url('/confirm', {
    t: await deps.tokens.sign({
      purpose: TOKEN_PURPOSE.confirm,
      subject: memberId,
      ttlSeconds: deps.org.members.confirmTokenHours * 3600,
    }),
  });

/** The manage page's link; `joinGroupId` makes the page offer that group (a Join button). */
const manageLink = async (deps: MailDeps, memberId: string, joinGroupId?: string) =>
  deps.links.url('/manage', {
    t: await deps.tokens.sign({
      purpose: TOKEN_PURPOSE.manage,
      subject: memberId,
      ttlSeconds: deps.org.members.manageTokenDays * 86400,
      ...(joinGroupId ? { data: { [JOIN_CLAIM]: joinGroupId } } : {}),
    }),
  });

const kinds: Record<string, MailKind> = {
  MemberSignupRequested: {
    status: 'pending',
    essential: true,
    build: async (deps, m) => confirmationEmail(deps.org, m.email, await confirmLink(deps, m.memberId)),
  },
  MemberSignupRepeated: {
    status: 'active',
    essential: true,
    build: async (deps, m, event) =>
      alreadyMemberEmail(
        deps.org,
        m.email,
        m.displayName ?? '',
        await manageLink(deps, m.memberId, event.data.groupId),
        event.data.groupId !== undefined,
      ),
  },
  MemberConfirmed: {
    status: 'active',
    essential: true,
    build: async (deps, m) => welcomeEmail(deps.org, m.email, m.displayName ?? '', await manageLink(deps, m.memberId)),
  },
};

/** The event types this consumer sends for: its queue's filter policy (functions/routes.ts) lists exactly these. */
export const MEMBER_MAIL_EVENT_TYPES: readonly string[] = Object.keys(kinds);

export type MailOutcome = 'sent' | 'skipped' | 'duplicate';

/**
 * The member-mail consumer. Loads the member (events carry ids only), skips erased members and
 * stale events, and sends at most once per event and member: the delivery log is claimed with
 * `<eventId>#email#<memberId>` before sending, completed after, and released when the send
 * failed, so the queue's retry sends it then. Link tokens are signed here, at send time.
 */
export async function sendMemberEmail(deps: MailDeps, event: MemberMailEvent): Promise<MailOutcome> {
  const kind = kinds[event.type];
  if (!kind) return 'skipped';
  const member = await deps.members.get(event.data.memberId);
  if (!member?.email || member.status === 'erased' || member.status !== kind.status) return 'skipped';
  // SES said the address does not exist: sending again would only hurt the org's sender reputation.
  if (member.emailBouncedAt) return 'skipped';
  if (!kind.essential && member.emailOptOut) return 'skipped';

  const key = `${event.id}#email#${member.memberId}`;
  if (!(await deps.deliveries.begin(key))) return 'duplicate';
  let sent: { messageId: string };
  try {
    sent = await deps.mail.send(await kind.build(deps, { ...member, email: member.email }, event));
  } catch (error) {
    await deps.deliveries.release(key);
    throw error;
  }
  // If this write fails the claim stays until its lease ends; a redelivery meanwhile does not resend.
  await deps.deliveries.complete(key, sent.messageId);
  return 'sent';
}
