import { describe, expect, it } from 'vitest';
import { makeHandler as getBookingPage } from '../../../functions/sessions/get-booking-page.ts';
import { makeHandler as updateBooking } from '../../../functions/sessions/update-booking.ts';
import { activeMember, groupWithSession, tokenFor } from '../../domain/sessions/helpers.ts';
import { testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { BROWSER, FORM, invoke, textOf } from '../members/helpers.ts';

describe('booking link pages', () => {
  it('shows the session, content note and places left, and books nothing on GET', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    const m = await activeMember(deps, 1);
    const t = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    const res = await invoke(
      getBookingPage(deps),
      httpEvent('GET', `/sessions/${session.sessionId}/book`, {
        headers: BROWSER,
        query: { t },
        pathParameters: { sessionId: session.sessionId },
      }),
    );
    expect(res.status).toBe(200);
    expect(textOf(res.body)).toContain('Anniversaries');
    expect(textOf(res.body)).toContain('10 places left');
    expect(res.body).toContain('Book a place');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(await deps.sessions.listBookings(session.sessionId)).toEqual([]);
  });

  it('books with the form POST and shows the result; a forged token is 400', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    const m = await activeMember(deps, 1);
    const t = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    const post = (token: string, action: string) =>
      invoke(
        updateBooking(deps),
        httpEvent('POST', `/sessions/${session.sessionId}/book`, {
          headers: FORM,
          body: new URLSearchParams({ token, action }).toString(),
          pathParameters: { sessionId: session.sessionId },
        }),
      );
    const booked = await post(t, 'book');
    expect(booked.status).toBe(200);
    expect(textOf(booked.body)).toContain('Your place is booked');
    expect(booked.body).toContain('Cancel my place');
    expect((await deps.sessions.getBooking(session.sessionId, m.memberId))?.status).toBe('booked');
    const forged = await post(`${t}x`, 'book');
    expect(forged.status).toBe(400);
    expect(textOf(forged.body)).toContain('This booking link is not valid');
    expect(forged.body).toContain('href="../../directory"');
    expect((await post(t, 'explode')).status).toBe(400);
    const cancelled = await post(t, 'cancel');
    expect(textOf(cancelled.body)).toContain('Your place is cancelled');
  });

  it('says an old booking link has expired (410) and points to the directory', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    const m = await activeMember(deps, 1);
    const t = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    deps.clock.advance((deps.org.members.manageTokenDays + 1) * 86_400_000);
    const res = await invoke(
      getBookingPage(deps),
      httpEvent('GET', `/sessions/${session.sessionId}/book`, {
        headers: BROWSER,
        query: { t },
        pathParameters: { sessionId: session.sessionId },
      }),
    );
    expect(res.status).toBe(410);
    expect(textOf(res.body)).toContain('This booking link has expired');
  });

  it('refuses a cross-site form post', async () => {
    const deps = await testDeps();
    const { group, session } = await groupWithSession(deps);
    const m = await activeMember(deps, 1);
    const t = await tokenFor(deps, m.memberId, group.groupId, session.sessionId);
    const res = await invoke(
      updateBooking(deps),
      httpEvent('POST', `/sessions/${session.sessionId}/book`, {
        headers: { ...FORM, 'sec-fetch-site': 'cross-site' },
        body: new URLSearchParams({ token: t, action: 'book' }).toString(),
        pathParameters: { sessionId: session.sessionId },
      }),
    );
    expect(res.status).toBe(403);
    expect(await deps.sessions.listBookings(session.sessionId)).toEqual([]);
  });
});
