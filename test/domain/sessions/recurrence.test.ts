import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { expandStarts, MAX_OCCURRENCES } from '../../../shared/domain/sessions/recurrence.ts';
import { formatWithOffset, fromLocal, isTimeZone, offsetMinutes, toLocal } from '../../../shared/domain/sessions/zoned-time.ts';

const london = 'Europe/London';
const local = (d: Date, tz = london) => formatWithOffset(d, tz);

describe('zoned time with Intl', () => {
  it('knows IANA zones and refuses anything else', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone('+01:00')).toBe(false);
  });

  it('gives London offsets either side of the clock changes', () => {
    expect(offsetMinutes(new Date('2027-03-28T00:59:00Z'), london)).toBe(0);
    expect(offsetMinutes(new Date('2027-03-28T01:00:00Z'), london)).toBe(60);
    expect(offsetMinutes(new Date('2027-10-31T00:59:00Z'), london)).toBe(60);
    expect(offsetMinutes(new Date('2027-10-31T01:00:00Z'), london)).toBe(0);
    expect(offsetMinutes(new Date('2027-01-15T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(offsetMinutes(new Date('2027-01-15T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
  });

  it('turns a local time into the instant, in summer and in winter', () => {
    expect(fromLocal({ year: 2027, month: 7, day: 1, hour: 19, minute: 0 }, london).toISOString()).toBe(
      '2027-07-01T18:00:00.000Z',
    );
    expect(fromLocal({ year: 2027, month: 12, day: 1, hour: 19, minute: 0 }, london).toISOString()).toBe(
      '2027-12-01T19:00:00.000Z',
    );
    expect(fromLocal({ year: 2027, month: 12, day: 1, hour: 19, minute: 30 }, 'Australia/Adelaide').toISOString()).toBe(
      '2027-12-01T09:00:00.000Z',
    );
  });

  it('moves a time skipped by spring-forward past the gap, and takes the first of a repeated hour', () => {
    // 01:30 on 28 March 2027 does not exist in London: clocks go from 01:00 to 02:00.
    expect(local(fromLocal({ year: 2027, month: 3, day: 28, hour: 1, minute: 30 }, london))).toBe('2027-03-28T02:30:00+01:00');
    // 01:30 on 31 October 2027 happens twice: the first (BST) is taken.
    expect(fromLocal({ year: 2027, month: 10, day: 31, hour: 1, minute: 30 }, london).toISOString()).toBe(
      '2027-10-31T00:30:00.000Z',
    );
  });

  it('round-trips local times', () => {
    const at = new Date('2027-06-10T17:45:00Z');
    const l = toLocal(at, london);
    expect(fromLocal(l, london).toISOString()).toBe(at.toISOString());
    expect(local(at)).toBe('2027-06-10T18:45:00+01:00');
  });
});

describe('expanding a series in the group time zone', () => {
  it('keeps a 19:00 weekly London session at 19:00 local across the last Sundays of March and October', () => {
    // Thursdays from 18 March 2027 (GMT), over 28 March (BST starts) …
    const spring = expandStarts(new Date('2027-03-18T19:00:00+00:00'), london, { frequency: 'weekly', count: 3 });
    expect(spring.map((d) => local(d))).toEqual([
      '2027-03-18T19:00:00+00:00',
      '2027-03-25T19:00:00+00:00',
      '2027-04-01T19:00:00+01:00',
    ]);
    expect(spring.map((d) => d.toISOString())).toEqual([
      '2027-03-18T19:00:00.000Z',
      '2027-03-25T19:00:00.000Z',
      '2027-04-01T18:00:00.000Z',
    ]);
    // … and from 21 October 2027 (BST), over 31 October (GMT again)
    const autumn = expandStarts(new Date('2027-10-21T19:00:00+01:00'), london, { frequency: 'weekly', count: 3 });
    expect(autumn.map((d) => local(d))).toEqual([
      '2027-10-21T19:00:00+01:00',
      '2027-10-28T19:00:00+01:00',
      '2027-11-04T19:00:00+00:00',
    ]);
    expect(autumn.map((d) => d.toISOString())).toEqual([
      '2027-10-21T18:00:00.000Z',
      '2027-10-28T18:00:00.000Z',
      '2027-11-04T19:00:00.000Z',
    ]);
  });

  it('keeps a Sunday series on the clock-change days themselves at the same local time', () => {
    const sundays = expandStarts(new Date('2027-03-21T10:00:00+00:00'), london, { frequency: 'weekly', count: 2 });
    expect(sundays.map((d) => local(d))).toEqual(['2027-03-21T10:00:00+00:00', '2027-03-28T10:00:00+01:00']);
  });

  it('reads the first start in the group zone whatever offset it was sent with', () => {
    // 18:00Z is 19:00 in London in summer: the series keeps 19:00 London time.
    const starts = expandStarts(new Date('2027-10-28T18:00:00Z'), london, { frequency: 'weekly', count: 2 });
    expect(starts.map((d) => local(d))).toEqual(['2027-10-28T19:00:00+01:00', '2027-11-04T19:00:00+00:00']);
  });

  it('repeats fortnightly and monthly, a month end falling back to the last day', () => {
    expect(
      expandStarts(new Date('2027-01-07T19:00:00Z'), london, { frequency: 'fortnightly', count: 3 }).map((d) => local(d)),
    ).toEqual(['2027-01-07T19:00:00+00:00', '2027-01-21T19:00:00+00:00', '2027-02-04T19:00:00+00:00']);
    expect(
      expandStarts(new Date('2027-01-31T19:00:00Z'), london, { frequency: 'monthly', count: 4 }).map((d) => local(d)),
    ).toEqual([
      '2027-01-31T19:00:00+00:00',
      '2027-02-28T19:00:00+00:00',
      '2027-03-31T19:00:00+01:00',
      '2027-04-30T19:00:00+01:00',
    ]);
  });

  it('stops at until, inclusive', () => {
    const starts = expandStarts(new Date('2027-01-07T19:00:00Z'), london, {
      frequency: 'weekly',
      until: new Date('2027-01-21T19:00:00Z'),
    });
    expect(starts).toHaveLength(3);
  });

  it('one start without a recurrence', () => {
    expect(expandStarts(new Date('2027-01-07T19:00:00Z'), london)).toHaveLength(1);
  });

  it(`refuses a series of more than ${MAX_OCCURRENCES} instead of cutting it short`, () => {
    expect(() =>
      expandStarts(new Date('2027-01-07T19:00:00Z'), london, { frequency: 'weekly', until: new Date('2029-01-07T19:00:00Z') }),
    ).toThrow(ValidationError);
    expect(expandStarts(new Date('2027-01-07T19:00:00Z'), london, { frequency: 'weekly', count: 52 })).toHaveLength(52);
  });

  it('refuses a series without an end, or ending before it starts', () => {
    expect(() => expandStarts(new Date('2027-01-07T19:00:00Z'), london, { frequency: 'weekly' })).toThrow(ValidationError);
    expect(() =>
      expandStarts(new Date('2027-01-07T19:00:00Z'), london, { frequency: 'weekly', until: new Date('2027-01-01T00:00:00Z') }),
    ).toThrow(ValidationError);
  });
});
