import type { CheckinRecord, Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { InvalidTokenError } from '../errors.ts';
import { CHECKIN_ANSWERS } from './checkin-emails.ts';
import { CHECKIN_TOKEN_PURPOSE } from './send-checkins.ts';
import { wellbeingAlertEvent } from './wellbeing-alert.ts';

/** Distinct answer links opened within this window: likely a mail scanner, not a person. */
export const FLAG_WINDOW_MS = 10_000;

export const CheckinLink = z.enum(CHECKIN_ANSWERS, { message: 'must be 1 to 5 or contact' });

/** "Send my answer": a score (1–5) and/or a request to be contacted, and an optional comment. */
export const CheckinAnswerRequest = z
  .object({
    token: z
      .string({ message: 'the link is incomplete' })
      .check(z.minLength(1, { message: 'the link is incomplete' }), z.maxLength(2048)),
    score: z.optional(
      z.coerce
        .number({ message: 'must be 1 to 5' })
        .check(
          z.int({ message: 'must be 1 to 5' }),
          z.gte(1, { message: 'must be 1 to 5' }),
          z.lte(5, { message: 'must be 1 to 5' }),
        ),
    ),
    contact: z._default(z.boolean(), false),
    comment: z.optional(z.string().check(z.trim(), z.maxLength(1000, { message: 'at most 1000 characters' }))),
  })
  .check(
    z.refine((a) => a.score !== undefined || a.contact, {
      path: ['score'],
      message: 'choose how you are feeling, or tick "I\'d like someone to contact me"',
    }),
  );
export type CheckinAnswerRequest = z.input<typeof CheckinAnswerRequest>;

/** Form fields → request: an empty score or comment is absent; the box is ticked when present. */
export function checkinAnswerFromForm(fields: Record<string, string>): unknown {
  return {
    token: fields.token,
    ...(fields.score ? { score: fields.score } : {}),
    contact: ['yes', 'on', 'true'].includes((fields.contact ?? '').toLowerCase()),
    ...(fields.comment?.trim() ? { comment: fields.comment } : {}),
  };
}

/** The member a check-in token names, for this session only (a token for another session is refused). */
async function claimsFor(deps: Pick<Deps, 'tokens'>, sessionId: string, token: string) {
  const claims = await deps.tokens.verify(token, CHECKIN_TOKEN_PURPOSE.answer);
  if (claims.data?.sessionId !== sessionId) throw new InvalidTokenError('This link is not valid.');
  return claims;
}

/**
 * GET /checkins/{sessionId}?t=…&a=…: records at most that this link was opened (never an answer)
 * and flags the check-in when ≥ 2 distinct answer links were opened within 10 s (link scanners
 * open every link at once; a person opens one). Returns what the page needs.
 */
export async function openCheckin(
  deps: Pick<Deps, 'tokens' | 'checkins' | 'clock'>,
  sessionId: string,
  token: string,
  link: z.infer<typeof CheckinLink>,
): Promise<{ record: CheckinRecord; expiresAt: Date }> {
  const claims = await claimsFor(deps, sessionId, token);
  const record = await deps.checkins.recordOpened(sessionId, claims.subject, link, deps.clock.now().toISOString());
  if (!record.flagged && isLikelyAutomated(record.opened)) {
    await deps.checkins.markFlagged(sessionId, claims.subject);
    record.flagged = true;
  }
  return { record, expiresAt: new Date(claims.expiresAt * 1000) };
}

/** True when at least two distinct links were first opened within {@link FLAG_WINDOW_MS} of each other. */
export function isLikelyAutomated(opened: Record<string, string>): boolean {
  const times = Object.values(opened)
    .map((at) => new Date(at).getTime())
    .sort((a, b) => a - b);
  return times.some((t, i) => i > 0 && t - (times[i - 1] ?? 0) <= FLAG_WINDOW_MS);
}

/** The check-in as it stands (records nothing): for showing the form again after a mistake. */
export async function viewCheckin(deps: Pick<Deps, 'tokens' | 'checkins'>, sessionId: string, token: string) {
  const claims = await claimsFor(deps, sessionId, token);
  return { record: await deps.checkins.get(sessionId, claims.subject), expiresAt: new Date(claims.expiresAt * 1000) };
}

/**
 * POST /checkins/{sessionId}: saves (or changes) the answer until the token expires. An answer
 * that cannot alert staff is one write; a worrying one reads the answer before it, so staff hear
 * once when an answer becomes worrying (not again for each edit of a worrying answer).
 */
export async function answerCheckin(
  deps: Pick<Deps, 'tokens' | 'checkins' | 'clock' | 'org' | 'ids'>,
  sessionId: string,
  input: unknown,
): Promise<{ answer: NonNullable<CheckinRecord['answer']>; memberId: string; changed: boolean }> {
  const request = CheckinAnswerRequest.parse(input);
  const claims = await claimsFor(deps, sessionId, request.token);
  const answer = {
    contact: request.contact,
    answeredAt: deps.clock.now().toISOString(),
    ...(request.score !== undefined ? { score: request.score } : {}),
    ...(request.comment ? { comment: request.comment } : {}),
  };
  const alerting = (a: { score?: number; contact: boolean } | undefined) =>
    a !== undefined && (a.contact || (a.score !== undefined && a.score <= deps.org.checkins.alertThreshold));
  if (!(deps.org.checkins.staffAlerts && alerting(answer))) {
    const { replaced } = await deps.checkins.saveAnswer(sessionId, claims.subject, answer);
    return { answer, memberId: claims.subject, changed: replaced };
  }
  const before = await deps.checkins.get(sessionId, claims.subject);
  if (alerting(before?.answer)) await deps.checkins.saveAnswer(sessionId, claims.subject, answer);
  else {
    const event = wellbeingAlertEvent(deps, sessionId, claims.subject, answer.answeredAt);
    await deps.checkins.saveAnswerWithEvent(sessionId, claims.subject, answer, event);
  }
  return { answer, memberId: claims.subject, changed: before?.answer !== undefined };
}
