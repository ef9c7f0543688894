import type { DomainEvent } from '../domain/events.ts';

/** One member's check-in for one session: what they opened (never an answer) and what they sent. */
export interface CheckinRecord {
  sessionId: string;
  memberId: string;
  /** First time each answer link was opened (ISO), by link (`1`…`5`, `contact`). */
  opened: Record<string, string>;
  /** ≥ 2 distinct answer links opened within 10 s: likely a mail scanner, counted apart. */
  flagged: boolean;
  sentAt?: string;
  /**
   * The session's group (it never changes), set when the check-in is sent: a summary finds the
   * group from the check-ins without reading the session first.
   */
  groupId?: string;
  answer?: { score?: number; contact: boolean; comment?: string; answeredAt: string };
}

/**
 * Check-ins: pk `CHECKIN#<sessionId>`, sk `MEMBER#<memberId>` (one item per session and member;
 * a query on the pk lists a session's check-ins). Opening a link and answering touch separate
 * attributes, so an opened link never becomes an answer.
 */
export interface CheckinRepository {
  /** Records the first open of this answer link (idempotent per link); returns the record after. */
  recordOpened(sessionId: string, memberId: string, link: string, at: string): Promise<CheckinRecord>;
  markFlagged(sessionId: string, memberId: string): Promise<void>;
  /** Records that the check-in email went (idempotent), and the session's group. */
  recordSent(sessionId: string, memberId: string, at: string, groupId: string): Promise<void>;
  get(sessionId: string, memberId: string): Promise<CheckinRecord | undefined>;
  /** Sets (or replaces) the answer in one write; `replaced` when there was an answer before. */
  saveAnswer(sessionId: string, memberId: string, answer: NonNullable<CheckinRecord['answer']>): Promise<{ replaced: boolean }>;
  /** Sets (or replaces) the answer and writes the event, in one transaction. */
  saveAnswerWithEvent(
    sessionId: string,
    memberId: string,
    answer: NonNullable<CheckinRecord['answer']>,
    event: DomainEvent,
  ): Promise<void>;
  listForSession(sessionId: string): Promise<CheckinRecord[]>;
  /** Deletes every check-in (answers, comments, opens) of an erased member; returns how many. */
  eraseMember(memberId: string): Promise<number>;
}
