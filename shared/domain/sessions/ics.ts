/**
 * A small iCalendar (RFC 5545) writer for session invites, and a reader used to check it. Times in
 * UTC; one stable UID per session and member, so a calendar updates the same event; SEQUENCE is the
 * session's change count (rises on every reschedule and on cancellation); METHOD:CANCEL removes it.
 */

export interface InviteInput {
  sessionId: string;
  memberId: string;
  /** Organiser address (the org's sender) and attendee address. */
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  startsAt: string;
  endsAt: string;
  sequence: number;
  /** When the invite is made (DTSTAMP). */
  stamp: string;
  method: 'REQUEST' | 'CANCEL';
}

export function inviteUid(sessionId: string, memberId: string): string {
  return `${sessionId}-${memberId}@kith`;
}

const utc = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** TEXT escaping (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets, never inside a UTF-8 character (§3.1). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with a space
    if (bytes + size > limit) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const paramValue = (v: string) => `"${v.replace(/"/g, "'")}"`;

export function sessionInvite(input: InviteInput): string {
  const cancelled = input.method === 'CANCEL';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//kith//sessions//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${input.method}`,
    'BEGIN:VEVENT',
    `UID:${inviteUid(input.sessionId, input.memberId)}`,
    `SEQUENCE:${input.sequence}`,
    `DTSTAMP:${utc(input.stamp)}`,
    `DTSTART:${utc(input.startsAt)}`,
    `DTEND:${utc(input.endsAt)}`,
    `SUMMARY:${escapeText(input.summary)}`,
    ...(input.description ? [`DESCRIPTION:${escapeText(input.description)}`] : []),
    ...(input.location ? [`LOCATION:${escapeText(input.location)}`] : []),
    ...(input.url ? [`URL:${input.url}`] : []),
    `ORGANIZER;CN=${paramValue(input.organizer.name)}:mailto:${input.organizer.email}`,
    `ATTENDEE;CN=${paramValue(input.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${input.attendee.email}`,
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

export interface ParsedProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Unfolds and splits content lines into properties (for tests and tooling; strict about CRLF). */
export function parseIcs(text: string): ParsedProperty[] {
  if (/(^|[^\r])\n/.test(text)) throw new Error('iCalendar lines must end in CRLF');
  const unfolded = text.replace(/\r\n[ \t]/g, '');
  return unfolded
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      let inQuotes = false;
      let colon = -1;
      for (let i = 0; i < line.length; i++) {
        if (line[i] === '"') inQuotes = !inQuotes;
        else if (line[i] === ':' && !inQuotes) {
          colon = i;
          break;
        }
      }
      if (colon < 0) throw new Error(`Not a content line: ${line}`);
      const [name = '', ...params] = splitOutsideQuotes(line.slice(0, colon), ';');
      return {
        name,
        params: Object.fromEntries(
          params.map((p) => {
            const eq = p.indexOf('=');
            return [p.slice(0, eq), p.slice(eq + 1).replace(/^"|"$/g, '')];
          }),
        ),
        value: line.slice(colon + 1),
      };
    });
}

export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    if (ch === separator && !inQuotes) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
