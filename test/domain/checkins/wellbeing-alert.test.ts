import { describe, expect, it } from 'vitest';
import { answerCheckin } from '../../../shared/domain/checkins/answer-checkin.ts';
import { checkinLinks } from '../../../shared/domain/checkins/send-checkins.ts';
import { initials, sendWellbeingAlert } from '../../../shared/domain/checkins/wellbeing-alert.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { exampleOrg, type TestDeps, testDeps } from '../../support/deps.ts';
import { outboxEvents } from '../members/helpers.ts';
import { activeMember, groupWithSession } from '../sessions/helpers.ts';

const SENTINEL = 'SENTINEL-7f3a-comment';

async function setup(deps: TestDeps) {
  const { facilitator, group, session } = await groupWithSession(deps);
  const member = await activeMember(deps, 'a');
  const links = await checkinLinks(deps, session.sessionId, member.memberId);
  const token = new URL(links.answers['1']).searchParams.get('t') ?? '';
  return { facilitator, group, session, member, token };
}

const alerts = async (deps: TestDeps) => (await outboxEvents(deps.table)).filter((e) => e.type === 'WellbeingAlert');

describe('wellbeing alerts', () => {
  it('a low answer alerts the facilitators once with a thin email: initials, group, date, admin link; no score, comment or name', async () => {
    const deps = await testDeps();
    const { facilitator, group, session, member, token } = await setup(deps);
    const logs: string[] = [];
    const restore = setLogSink((line) => logs.push(line));
    await answerCheckin(deps, session.sessionId, { token, score: 1, comment: SENTINEL });
    const [event] = await alerts(deps);
    expect(event).toBeDefined();
    expect(JSON.stringify(event)).not.toContain(SENTINEL);
    expect(event!.data).toEqual({ sessionId: session.sessionId, memberId: member.memberId });
    expect(await sendWellbeingAlert(deps, JSON.stringify(event))).toBe(1);
    expect(await sendWellbeingAlert(deps, JSON.stringify(event))).toBe(0); // redelivery sends nothing more
    const staff = deps.mail.sent.filter((m) => m.stream === 'staff');
    expect(staff).toHaveLength(1);
    const [email] = staff;
    expect(email!.to).toBe(facilitator.email);
    expect(deps.mail.urgentTo).toEqual([facilitator.email]); // not paced behind a bulk send
    expect(email!.subject).toBe(`Check-in follow-up needed: ${group.name}`);
    expect(email!.subject).not.toMatch(/\d/);
    const all = `${email!.subject}\n${email!.text}\n${email!.html}`;
    expect(all).toContain('M. A.'); // "Member a"
    expect(all).toContain(`/dashboard/sessions/${session.sessionId}`);
    expect(all).toMatch(/\d{1,2} \w+ \d{4}/);
    for (const secret of [SENTINEL, member.displayName!, member.email!, 'very low', ' 1 ']) expect(all).not.toContain(secret);
    setLogSink(restore);
    expect(logs.join('\n')).not.toContain(SENTINEL);
    // changing a worrying answer does not alert again
    await answerCheckin(deps, session.sessionId, { token, score: 2 });
    expect(await alerts(deps)).toHaveLength(1);
  });

  it('a contact request alerts; a good answer does not', async () => {
    const deps = await testDeps();
    const { session, token } = await setup(deps);
    await answerCheckin(deps, session.sessionId, { token, score: 4 });
    expect(await alerts(deps)).toHaveLength(0);
    await answerCheckin(deps, session.sessionId, { token, score: 4, contact: true });
    expect(await alerts(deps)).toHaveLength(1);
  });

  it('no alert at all when staff alerts are off', async () => {
    const deps = await testDeps({ org: exampleOrg((o) => (o.checkins.staffAlerts = false)) });
    const { session, member, token } = await setup(deps);
    await answerCheckin(deps, session.sessionId, { token, score: 1, contact: true });
    expect(await alerts(deps)).toHaveLength(0);
    // and a queued alert from before the switch sends nothing
    const body = JSON.stringify({
      id: 'e1',
      type: 'WellbeingAlert',
      data: { sessionId: session.sessionId, memberId: member.memberId },
    });
    expect(await sendWellbeingAlert(deps, body)).toBe(0);
    expect(deps.mail.sent).toHaveLength(0);
  });

  it('initials never carry more than letters', () => {
    expect(initials('Sam Taylor')).toBe('S. T.');
    expect(initials('  ')).toBe('A member');
    expect(initials(undefined)).toBe('A member');
  });
});
