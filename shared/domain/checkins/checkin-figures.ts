import type { CheckinRecord } from '../../ports/checkins.ts';

/**
 * k-anonymity for check-in answers: a distribution or mean of fewer than this many scored answers
 * is never shown, to anyone, in any view. A facilitator knows who came to a session of three; the
 * three scores would then be as good as named. Counts (sent, opened, answered) stay visible.
 */
export const MIN_ANSWERS_SHOWN = 5;
export const FEWER_THAN_MIN = `fewer than ${MIN_ANSWERS_SHOWN} answers`;

export type Distribution = Record<'1' | '2' | '3' | '4' | '5', number>;

export interface CheckinFigures {
  /** Check-in emails sent. */
  sent: number;
  /** Members who opened an answer link, loads flagged as automated excluded. */
  opened: number;
  /** Members whose links were loaded like a mail scanner does (counted apart, never an answer). */
  flagged: number;
  /** Answers sent with "Send my answer" (a score, a contact request, or both). */
  answered: number;
  /** Answers with a score (1–5): what the distribution and mean are made of. */
  scored: number;
  /** answered / sent, 0–1 (3 decimals); null when nothing was sent. */
  responseRate: number | null;
  /** Mean score (2 decimals); null when hidden or nothing scored. */
  mean: number | null;
  /** Scores 1–5; null when fewer than {@link MIN_ANSWERS_SHOWN} scored answers. */
  distribution: Distribution | null;
  /** Why the distribution and mean are not shown. */
  hidden?: typeof FEWER_THAN_MIN;
}

/** Counts a session's check-in records (already filtered for retention by the repository). */
export function checkinFigures(records: readonly CheckinRecord[]): CheckinFigures {
  const distribution: Distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let scored = 0;
  let total = 0;
  for (const r of records) {
    const score = r.answer?.score;
    if (score === undefined) continue;
    distribution[String(score) as keyof Distribution]++;
    scored++;
    total += score;
  }
  const sent = records.filter((r) => r.sentAt !== undefined).length;
  const answered = records.filter((r) => r.answer !== undefined).length;
  const shown = scored >= MIN_ANSWERS_SHOWN;
  return {
    sent,
    opened: records.filter((r) => !r.flagged && Object.keys(r.opened).length > 0).length,
    flagged: records.filter((r) => r.flagged).length,
    answered,
    scored,
    responseRate: sent > 0 ? Math.round((answered / sent) * 1000) / 1000 : null,
    mean: shown ? Math.round((total / scored) * 100) / 100 : null,
    distribution: shown ? distribution : null,
    ...(shown ? {} : { hidden: FEWER_THAN_MIN }),
  };
}
