import { describe, expect, it } from 'vitest';
import { createPacedMailer, isThrottling } from '../../../shared/adapters/aws/paced-mailer.ts';
import { type EmailMessage, type Mailer, URGENT } from '../../../shared/ports/index.ts';
import { orgSendRate } from '../../../shared/runtime/mail.ts';
import { exampleOrg } from '../../support/deps.ts';

const message = (to: string): EmailMessage => ({ to, subject: 's', text: 't', html: '<p>t</p>', stream: 'member' });

/** A virtual clock: sleeping moves it, so pacing is checked exactly and instantly. */
function virtualTime() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      const until = t + ms;
      await Promise.resolve();
      t = Math.max(t, until);
    },
  };
}

/** SES v2's answer to an over-rate send, as the SDK surfaces it. */
const throttled = () =>
  Object.assign(new Error('Maximum sending rate exceeded.'), {
    name: 'TooManyRequestsException',
    $metadata: { httpStatusCode: 429 },
  });

function fakeSes(answers: (Error | undefined)[] = []) {
  const sentAt: { to: string; at: number }[] = [];
  let clock = () => 0;
  const mailer: Mailer = {
    async send(m) {
      const answer = answers.shift();
      if (answer) throw answer;
      sentAt.push({ to: m.to, at: clock() });
      return { messageId: `id-${sentAt.length}` };
    },
    isSuppressed: async () => false,
  };
  const useClock = (c: () => number) => {
    clock = c;
  };
  return { mailer, sentAt, useClock };
}

describe('paced mailer', () => {
  it('spaces sends 1/rate apart, so no second ever carries more than the rate', async () => {
    // Prepare
    const time = virtualTime();
    const ses = fakeSes();
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 5, ...time });
    // Act
    for (let i = 0; i < 10; i++) await mailer.send(message(`m${i}@example.com`));
    // Assess
    expect(ses.sentAt.map((s) => s.at)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
  });

  it("never waits past a caller's budget: the send fails unsent at once and leaves its slot to the next", async () => {
    // Prepare: 2/s, four sends already queued (slots at 0, 500, 1000, 1500 ms)
    const time = virtualTime();
    const ses = fakeSes();
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 2, ...time });
    const queued = ['a', 'b', 'c', 'd'].map((n) => mailer.send(message(`${n}@example.com`)));

    // Act: one that may wait at most 1.2 s (its slot would be at 2 s), then one without a budget
    const late = mailer.send(message('late@example.com'), { maxWaitMs: 1_200 });
    await expect(late).rejects.toMatchObject({ name: 'SendTimeBudgetError' });
    const next = mailer.send(message('next@example.com'));
    await Promise.all([...queued, next]);

    // Assess: nothing sent for the late one, and the next took the slot it left (at 4 × 500 ms)
    expect(ses.sentAt.map((s) => s.to)).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      'd@example.com',
      'next@example.com',
    ]);
    expect(time.now()).toBe(2000);
  });

  it('hands out slots in call order when sends overlap', async () => {
    const time = virtualTime();
    const ses = fakeSes();
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, ...time });
    await Promise.all(Array.from({ length: 5 }, (_, i) => mailer.send(message(`m${i}@example.com`))));
    expect(ses.sentAt.map((s) => s.to)).toEqual([
      'm0@example.com',
      'm1@example.com',
      'm2@example.com',
      'm3@example.com',
      'm4@example.com',
    ]);
    expect(time.now()).toBe(400); // the fifth send waited for the slot at 4 × 100 ms
  });

  it('retries a throttled send at half the rate, then climbs back to the configured rate', async () => {
    const time = virtualTime();
    const ses = fakeSes([undefined, throttled()]);
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, ...time });
    await mailer.send(message('a@example.com'));
    const out = await mailer.send(message('b@example.com'));
    expect(out.messageId).toBe('id-2');
    expect(mailer.throttled()).toBe(1);
    expect(ses.sentAt.map((s) => s.to)).toEqual(['a@example.com', 'b@example.com']);
    expect(mailer.currentRate()).toBeCloseTo(5.5); // halved to 5, +1/20 of 10 after the success
    for (let i = 0; i < 20; i++) await mailer.send(message(`c${i}@example.com`));
    expect(mailer.currentRate()).toBe(10);
  });

  it('halves once for one overload: throttles of sends paced at the old rate do not halve it again', async () => {
    const time = virtualTime();
    // The first three overlapping sends are throttled: they were all paced at 10/s.
    const ses = fakeSes([throttled(), throttled(), throttled()]);
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, ...time });
    await Promise.all(Array.from({ length: 5 }, (_, i) => mailer.send(message(`m${i}@example.com`))));
    expect(mailer.throttled()).toBe(3);
    expect(ses.sentAt).toHaveLength(5);
    // 10 → 5 once (not 10 → 1.25), then +0.5 for each of the five successes.
    expect(mailer.currentRate()).toBeCloseTo(7.5);
  });

  it('halves again when a send paced at the lowered rate is throttled too', async () => {
    const time = virtualTime();
    const ses = fakeSes([throttled(), throttled()]);
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, ...time });
    await mailer.send(message('a@example.com'));
    // Throttled at 10/s (→ 5), its retry paced at 5/s throttled again (→ 2.5), then sent (+0.5).
    expect(mailer.throttled()).toBe(2);
    expect(mailer.currentRate()).toBeCloseTo(3);
  });

  it('climbs above its share to the whole rate while nothing is throttled (an instance sending alone)', async () => {
    const time = virtualTime();
    const ses = fakeSes();
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 7, maxRatePerSecond: 14, ...time });
    for (let i = 0; i < 30; i++) await mailer.send(message(`m${i}@example.com`));
    expect(mailer.currentRate()).toBe(14);
    const gaps = ses.sentAt
      .slice(-5)
      .map((s, i, all) => (i ? s.at - (all[i - 1]?.at ?? 0) : 0))
      .slice(1);
    for (const gap of gaps) expect(gap).toBeCloseTo(1000 / 14);
  });

  it('throws any other error at once, without retrying', async () => {
    const time = virtualTime();
    const rejected = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    const ses = fakeSes([rejected]);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, ...time });
    await expect(mailer.send(message('a@example.com'))).rejects.toThrow('not verified');
    expect(ses.sentAt).toEqual([]);
    expect(mailer.throttled()).toBe(0);
  });

  it('gives up with the throttling error after maxWaitMs, so the queue retries the message', async () => {
    const time = virtualTime();
    const ses = fakeSes(Array.from({ length: 100 }, throttled));
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, maxWaitMs: 5000, ...time });
    await expect(mailer.send(message('a@example.com'))).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(time.now()).toBeGreaterThan(5000);
    expect(time.now()).toBeLessThan(10_000);
    expect(mailer.currentRate()).toBe(0.5);
  });

  it("with a caller's budget, retries a throttled send past its own maxWaitMs, then says 'not sent in time' (nothing sent)", async () => {
    // Prepare: SES throttles for a long while; the mailer alone would give up after 5 s
    const time = virtualTime();
    const ses = fakeSes(Array.from({ length: 100 }, throttled));
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, maxWaitMs: 5000, ...time });

    // Act: a caller that can give 12 s (a fan-out that continues what it could not send)
    const send = mailer.send(message('a@example.com'), { maxWaitMs: 12_000 });

    // Assess: still trying after 5 s, stopped by the caller's 12 s, not with the throttle
    await expect(send).rejects.toMatchObject({ name: 'SendTimeBudgetError' });
    expect(time.now()).toBeGreaterThan(5000);
    expect(time.now()).toBeLessThanOrEqual(12_000);
    expect(ses.sentAt).toEqual([]);
  });

  it('sends once SES stops throttling, within the caller’s budget though past the mailer’s own', async () => {
    const time = virtualTime();
    // Throttled for the first eight tries (spaced at the halving rate: about 2 + 4 + … s), then accepted
    const ses = fakeSes(Array.from({ length: 8 }, throttled));
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, maxWaitMs: 1000, ...time });
    await expect(mailer.send(message('a@example.com'), { maxWaitMs: 60_000 })).resolves.toEqual({ messageId: 'id-1' });
    expect(time.now()).toBeGreaterThan(1000);
  });

  it('sends an urgent alert at once, ahead of the sends waiting for their slots', async () => {
    // Prepare: a bulk send of 10 at 1/s queued on this mailer (10 s of slots)
    const time = virtualTime();
    const ses = fakeSes();
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 1, ...time });
    const bulk = Array.from({ length: 10 }, (_, i) => mailer.send(message(`bulk${i}@example.com`)));
    await Promise.resolve();

    // Act
    await mailer.send(message('lead@example.org'), URGENT);

    // Assess: the alert went before the second bulk email (a paced one would have been eleventh)
    expect(ses.sentAt.map((s) => s.to).indexOf('lead@example.org')).toBeLessThanOrEqual(1);
    await Promise.all(bulk);
    expect(ses.sentAt).toHaveLength(11);
  });

  it('retries a throttled urgent alert within 50–150 ms, and leaves the pace to the bulk sends', async () => {
    const time = virtualTime();
    const ses = fakeSes(Array.from({ length: 6 }, throttled));
    ses.useClock(time.now);
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, ...time });

    await expect(mailer.send(message('lead@example.org'), URGENT)).resolves.toEqual({ messageId: 'id-1' });

    expect(mailer.throttled()).toBe(6);
    expect(time.now()).toBeGreaterThanOrEqual(6 * 50);
    expect(time.now()).toBeLessThanOrEqual(6 * 150);
    expect(mailer.currentRate()).toBe(10);
  });

  it('gives an urgent alert the whole give-up time, then throws the throttle (its queue retries it)', async () => {
    const time = virtualTime();
    const ses = fakeSes(Array.from({ length: 1000 }, throttled));
    const mailer = createPacedMailer(ses.mailer, { ratePerSecond: 10, maxWaitMs: 5000, ...time, random: () => 0.5 });

    await expect(mailer.send(message('lead@example.org'), URGENT)).rejects.toMatchObject({ name: 'TooManyRequestsException' });

    // Tried every 100 ms for 5 s (a paced send halving its rate tries about 6 times in that time)
    expect(mailer.throttled()).toBe(51);
    expect(time.now()).toBeLessThanOrEqual(5000);
    await expect(mailer.send(message('l@example.org'), { ...URGENT, maxWaitMs: 1000 })).rejects.toMatchObject({
      name: 'SendTimeBudgetError',
    });
  });

  it('recognises SES throttling: v2 429 TooManyRequestsException, v1 Throttling, any 429', () => {
    expect(isThrottling(throttled())).toBe(true);
    expect(isThrottling(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' }))).toBe(true);
    expect(isThrottling({ name: 'Whatever', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } }))).toBe(
      false,
    );
  });

  it("paces at the org's configured SES rate, or SES's starting quotas (1/s in the sandbox, 14/s after)", () => {
    expect(orgSendRate(exampleOrg((o) => Object.assign(o.email, { sesSandbox: true, maxSendRate: undefined })))).toBe(1);
    expect(orgSendRate(exampleOrg((o) => Object.assign(o.email, { sesSandbox: false, maxSendRate: undefined })))).toBe(14);
    expect(orgSendRate(exampleOrg((o) => Object.assign(o.email, { sesSandbox: false, maxSendRate: 200 })))).toBe(200);
  });
});
