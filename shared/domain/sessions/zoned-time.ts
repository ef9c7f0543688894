/**
 * Wall-clock time in an IANA time zone, with nothing but `Intl` (no dependency). A session series
 * is expanded on the group's local calendar, so a 19:00 weekly session stays 19:00 local across
 * daylight-saving changes; instants are then derived from the local date and time.
 */

export interface LocalDateTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `Intl` knows the zone (an IANA name such as `Europe/London`). */
export function isTimeZone(timeZone: string): boolean {
  if (!timeZone || !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and time of an instant in a zone (seconds dropped). */
export function toLocal(instant: Date, timeZone: string): LocalDateTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in minutes (Europe/London in summer: +60). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const l = toLocal(instant, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / 60_000);
}

/**
 * The instant of a local date and time in a zone. A time that does not exist (skipped by a
 * spring-forward change) moves forward by the gap; an ambiguous one (a fall-back hour) takes the
 * earlier instant.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // Try both offsets around the wall time; keep those that map back to the same wall time.
  const candidates = new Set<number>();
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) {
    candidates.add(wall - offsetMinutes(new Date(probe), timeZone) * 60_000);
  }
  const exact = [...candidates]
    .filter((t) => {
      const back = toLocal(new Date(t), timeZone);
      return Date.UTC(back.year, back.month - 1, back.day, back.hour, back.minute) === wall;
    })
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return new Date(exact[0]);
  // In a gap: use the offset in force before the gap, which lands after it.
  return new Date(wall - offsetMinutes(new Date(wall - 86_400_000), timeZone) * 60_000);
}

/** ISO 8601 with the zone's offset at that instant: `2027-03-25T19:00:00+00:00`. */
export function formatWithOffset(instant: Date, timeZone: string): string {
  const l = toLocal(instant, timeZone);
  const off = offsetMinutes(instant, timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** For people: "Thursday 26 March 2027, 19:00" in the zone. */
export function formatForPeople(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Days in a month of the proleptic Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A local date moved by whole days on the calendar (time of day kept). */
export function addLocalDays(local: LocalDateTime, days: number): LocalDateTime {
  const d = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { ...local, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * A local date moved by whole months, on the same day of the month as `anchorDay`, or the
 * month's last day when it is shorter (a series on the 31st meets on 30 April, then 31 May).
 */
export function addLocalMonths(local: LocalDateTime, months: number, anchorDay: number): LocalDateTime {
  const index = local.year * 12 + (local.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { ...local, year, month, day: Math.min(anchorDay, daysInMonth(year, month)) };
}
