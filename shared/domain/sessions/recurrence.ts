import { ValidationError } from '../errors.ts';
import { addLocalDays, addLocalMonths, fromLocal, type LocalDateTime, toLocal } from './zoned-time.ts';

export type Frequency = 'weekly' | 'fortnightly' | 'monthly';

export interface Recurrence {
  frequency: Frequency;
  /** Occurrences in all, the first included. */
  count?: number;
  /** The last occurrence starts on or before this instant. */
  until?: Date;
}

/** The most occurrences one request may create (a year of weekly sessions). */
export const MAX_OCCURRENCES = 52;

/**
 * The start instants of a series: the first start's local date and time in `timeZone`, repeated
 * on the local calendar, so each occurrence keeps its wall-clock time across daylight-saving
 * changes. Without a recurrence, the one start. A series needs `count` or `until`; more than
 * {@link MAX_OCCURRENCES} occurrences is refused rather than cut short silently.
 */
export function expandStarts(first: Date, timeZone: string, recurrence?: Recurrence): Date[] {
  if (!recurrence) return [first];
  if (recurrence.count === undefined && recurrence.until === undefined) {
    throw new ValidationError('A repeating series needs an end.', { 'recurrence.count': 'give count or until' });
  }
  if (recurrence.until && recurrence.until.getTime() < first.getTime()) {
    throw new ValidationError('The series ends before it starts.', { 'recurrence.until': 'must not be before startsAt' });
  }
  const local = toLocal(first, timeZone);
  const wall: LocalDateTime = { year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute };
  const starts: Date[] = [];
  for (let i = 0; ; i++) {
    if (recurrence.count !== undefined && starts.length >= recurrence.count) break;
    const next = fromLocal(step(wall, recurrence.frequency, i), timeZone);
    if (recurrence.until && next.getTime() > recurrence.until.getTime()) break;
    if (starts.length >= MAX_OCCURRENCES) {
      throw new ValidationError(`A series can have at most ${MAX_OCCURRENCES} sessions.`, {
        recurrence: `at most ${MAX_OCCURRENCES} sessions; shorten it with count or until`,
      });
    }
    starts.push(next);
  }
  return starts;
}

function step(first: LocalDateTime, frequency: Frequency, i: number): LocalDateTime {
  if (frequency === 'weekly') return addLocalDays(first, 7 * i);
  if (frequency === 'fortnightly') return addLocalDays(first, 14 * i);
  return addLocalMonths(first, i, first.day);
}
