import { describe, expect, it } from 'vitest';
import { updateBooking } from '../../../shared/domain/sessions/book-session.ts';
import { foldLine, inviteUid, parseIcs, sessionInvite, unescapeText } from '../../../shared/domain/sessions/ics.ts';
import { cancelSession, rescheduleSession } from '../../../shared/domain/sessions/schedule-sessions.ts';
import type { EmailMessage } from '../../../shared/ports/index.ts';
import { testDeps } from '../../support/deps.ts';
import { activeMember, groupWithSession, sessionRelay, tokenFor } from './helpers.ts';

const prop = (text: string, name: string) => parseIcs(text).find((p) => p.name === name);
const invite = (m: EmailMessage) => {
  expect(m.attachments).toHaveLength(1);
  return m.attachments![0]!;
};

describe('iCalendar invites', () => {
  const base = {
    sessionId: '01JSESSION00000000000000000',
    memberId: '01JMEMBER000000000000000000',
    organizer: { name: 'Kith, Example; "Org"', email: 'hello@example.org' },
    attendee: { name: 'Robin', email: 'robin@example.com' },
    summary: 'Grief circle; evenings, together',
    description: `Line one\nLine two, with a comma; and a semicolon \\ backslash. ${'Long text é '.repeat(20)}`,
    location: 'Room 2, 1 High Street',
    startsAt: '2027-04-01T19:00:00+01:00',
    endsAt: '2027-04-01T20:30:00+01:00',
    sequence: 3,
    stamp: '2027-03-01T10:00:00Z',
    method: 'REQUEST' as const,
  };

  it('writes UTC times, a stable UID, the sequence, and text that parses back exactly', () => {
    const text = sessionInvite(base);
    expect(text.endsWith('\r\n')).toBe(true);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(prop(text, 'METHOD')?.value).toBe('REQUEST');
    expect(prop(text, 'UID')?.value).toBe(inviteUid(base.sessionId, base.memberId));
    expect(prop(text, 'SEQUENCE')?.value).toBe('3');
    expect(prop(text, 'DTSTART')?.value).toBe('20270401T180000Z');
    expect(prop(text, 'DTEND')?.value).toBe('20270401T193000Z');
    expect(unescapeText(prop(text, 'DESCRIPTION')!.value)).toBe(base.description);
    expect(unescapeText(prop(text, 'SUMMARY')!.value)).toBe(base.summary);
    expect(prop(text, 'ORGANIZER')?.value).toBe('mailto:hello@example.org');
    expect(prop(text, 'ATTENDEE')?.params.CN).toBe('Robin');
    expect(
      parseIcs(text)
        .map((p) => p.name)
        .filter((n) => n === 'BEGIN' || n === 'END'),
    ).toEqual(['BEGIN', 'BEGIN', 'END', 'END']);
  });

  it('cancels with METHOD:CANCEL and STATUS:CANCELLED', () => {
    const text = sessionInvite({ ...base, method: 'CANCEL', sequence: 4 });
    expect(prop(text, 'METHOD')?.value).toBe('CANCEL');
    expect(prop(text, 'STATUS')?.value).toBe('CANCELLED');
    expect(prop(text, 'SEQUENCE')?.value).toBe('4');
  });

  it('folds without splitting a multi-byte character', () => {
    const folded = foldLine(`DESCRIPTION:${'é'.repeat(100)}`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(`DESCRIPTION:${'é'.repeat(100)}`);
  });

  it('sends a REQUEST on booking, a higher SEQUENCE on reschedule and a CANCEL on cancellation, same UID', async () => {
    const deps = await testDeps();
    const { facilitator, group, session } = await groupWithSession(deps);
    const relay = sessionRelay(deps);
    const m = await activeMember(deps, 1);
    await updateBooking(deps, session.sessionId, {
      token: await tokenFor(deps, m.memberId, group.groupId, session.sessionId),
      action: 'book',
    });
    const [booked] = await relay();
    const first = invite(booked!);
    expect(first.contentType).toBe('text/calendar; method=REQUEST; charset=UTF-8');
    expect(prop(first.content, 'SEQUENCE')?.value).toBe('0');
    expect(prop(first.content, 'LOCATION')?.value).toBe('Room 2\\, 1 High Street');

    const later = new Date(Date.parse(session.startsAt) + 86_400_000).toISOString();
    await rescheduleSession(deps, facilitator, session.sessionId, { startsAt: later });
    const [moved] = await relay();
    const second = invite(moved!);
    expect(prop(second.content, 'UID')?.value).toBe(prop(first.content, 'UID')?.value);
    expect(prop(second.content, 'SEQUENCE')?.value).toBe('1');
    expect(prop(second.content, 'DTSTART')?.value).toBe(later.replace(/[-:]/g, '').replace(/\.\d{3}/, ''));

    await cancelSession(deps, facilitator, session.sessionId);
    const [cancelled] = await relay();
    const third = invite(cancelled!);
    expect(prop(third.content, 'METHOD')?.value).toBe('CANCEL');
    expect(prop(third.content, 'SEQUENCE')?.value).toBe('2');
    expect(prop(third.content, 'UID')?.value).toBe(prop(first.content, 'UID')?.value);
  });

  it('puts the meeting link in an online invite only for a booked place', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps, {
      format: 'online',
      location: undefined,
      meetingUrl: 'https://meet.example.org/x',
    });
    const relay = sessionRelay(deps);
    const m = await activeMember(deps, 1);
    const token = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    await updateBooking(deps, session.sessionId, { token, action: 'book' });
    const [booked] = await relay();
    expect(prop(invite(booked!).content, 'LOCATION')?.value).toBe('https://meet.example.org/x');
    await updateBooking(deps, session.sessionId, { token, action: 'cancel' });
    const [cancelled] = await relay();
    expect(invite(cancelled!).content).not.toContain('meet.example.org');
    expect(prop(invite(cancelled!).content, 'METHOD')?.value).toBe('CANCEL');
  });
});
