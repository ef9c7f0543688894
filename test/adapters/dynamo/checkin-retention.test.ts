import { beforeEach, describe, expect, it } from 'vitest';
import { sendSessionEmail } from '../../../shared/domain/sessions/send-session-email.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';

const DAY = 86_400_000;
const answer = (at: string) => ({ score: 2, contact: true, comment: 'SENTINEL-COMMENT', answeredAt: at });

describe('check-in answers: retention and erasure', () => {
  let deps: TestDeps;
  beforeEach(async () => {
    deps = await testDeps();
  });

  it('keeps an answer for the org retention period, then treats it as gone even before TTL deletes it', async () => {
    const months = deps.org.retention.checkinAnswersMonths;
    await deps.checkins.recordSent('S1', 'M1', deps.clock.now().toISOString(), 'G1');
    await deps.checkins.saveAnswer('S1', 'M1', answer(deps.clock.now().toISOString()));

    deps.clock.advance(months * 30 * DAY - 7 * DAY);
    expect((await deps.checkins.get('S1', 'M1'))?.answer?.score).toBe(2);
    expect(await deps.checkins.listForSession('S1')).toHaveLength(1);

    deps.clock.advance(14 * DAY);
    expect(await deps.checkins.get('S1', 'M1')).toBeUndefined();
    expect(await deps.checkins.listForSession('S1')).toHaveLength(0);
  });

  it("erases every check-in of an erased member, across sessions, and no one else's", async () => {
    const at = deps.clock.now().toISOString();
    for (const session of ['S1', 'S2']) {
      await deps.checkins.recordOpened(session, 'M1', '2', at);
      await deps.checkins.saveAnswer(session, 'M1', answer(at));
    }
    await deps.checkins.saveAnswer('S1', 'M2', answer(at));

    await sendSessionEmail(deps, { id: 'E-erase', type: 'MemberErased', data: { memberId: 'M1' } });

    expect(await deps.checkins.get('S1', 'M1')).toBeUndefined();
    expect(await deps.checkins.get('S2', 'M1')).toBeUndefined();
    expect((await deps.checkins.get('S1', 'M2'))?.answer?.comment).toBe('SENTINEL-COMMENT');
    expect(await deps.checkins.eraseMember('M1')).toBe(0);
  });
});
