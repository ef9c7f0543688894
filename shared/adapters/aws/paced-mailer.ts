import { SendTimeBudgetError } from '../../domain/errors.ts';
import type { Mailer, SendOptions } from '../../ports/index.ts';

export interface PacedMailerOptions {
  /** Sends per second this mailer starts at: its share of the account's SES maximum send rate. */
  ratePerSecond: number;
  /**
   * The most it climbs to while nothing is throttled (default `ratePerSecond`): the whole account's
   * rate, so one instance sending alone is not held to its share.
   */
  maxRatePerSecond?: number;
  /**
   * How long one send without a caller's budget (`SendOptions.maxWaitMs`) may wait for a slot and
   * retry after throttling before it fails (the caller's queue retries it). Default 20 s.
   */
  maxWaitMs?: number;
  /** Injected in tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** An urgent send throttled by SES tries again after 50–150 ms (SES refills its rate every second). */
export const URGENT_RETRY_MS = 100;

export interface PacedMailer extends Mailer {
  /** The rate it paces at now (lower than configured after throttling, climbing back on success). */
  currentRate(): number;
  /** Throttled answers seen (each was retried). */
  throttled(): number;
}

/** SES answers an over-rate send with HTTP 429 TooManyRequestsException "Maximum sending rate exceeded." (v1: Throttling). */
export function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return (
    e?.name === 'TooManyRequestsException' ||
    e?.name === 'ThrottlingException' ||
    e?.name === 'Throttling' ||
    e?.$metadata?.httpStatusCode === 429
  );
}

/**
 * Paces sends at a rate (a token bucket of one: sends are spaced 1/rate apart, so a burst never
 * exceeds SES's per-second maximum) and adapts on throttling (AIMD): a throttled send halves the
 * rate and is retried on the next slot; every success climbs by 1/20 of the starting rate, up to
 * `maxRatePerSecond`. One overload halves the rate once: sends whose slots were handed out before
 * the last halving were paced at the old rate, so their throttles are the same overload (halving
 * for each of them would drop to the floor and starve the queue until messages time out). Several instances sharing one account's rate so settle around their shares
 * without a coordinator, and one sending alone climbs to the whole rate. A send that has waited
 * more than `maxWaitMs` throws the last error: its queue message is retried, and the delivery log
 * keeps it to one email.
 */
export function createPacedMailer(inner: Mailer, options: PacedMailerOptions): PacedMailer {
  const configured = options.ratePerSecond;
  if (!(configured > 0)) throw new Error(`ratePerSecond must be positive, got ${configured}`);
  const ceiling = Math.max(configured, options.maxRatePerSecond ?? configured);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWaitMs = options.maxWaitMs ?? 20_000;
  const random = options.random ?? Math.random;
  const floor = Math.min(configured, 0.5);
  let rate = configured;
  let nextSlot = 0;
  let throttledCount = 0;
  /** Counts the halvings; a slot remembers the one it was paced under. */
  let epoch = 0;

  /**
   * Reserves the next free slot and waits for it. Slots are handed out in call order. A slot later
   * than `latest` is not taken (the send would outlast its caller's budget): undefined.
   */
  const slot = async (latest: number): Promise<number | undefined> => {
    const pacedUnder = epoch;
    const t = now();
    const at = Math.max(t, nextSlot);
    if (at > latest) return undefined;
    nextSlot = at + 1000 / rate;
    if (at > t) await sleep(at - t);
    return pacedUnder;
  };

  /**
   * An urgent email (a safeguarding alert, a sign-in link): not paced (one email, not a bulk send)
   * and not queued behind the sends waiting for their slots. A throttled answer means the account's
   * rate is taken, most likely by a bulk send: it is retried within 50–150 ms until it gets through,
   * up to the caller's budget or the mailer's give-up time, and it leaves this mailer's pace alone.
   * Against the SES stand-in at 14/s during a bulk send of 1,000, alerts paced like the bulk took up
   * to 9.8 s and 1 of 38 failed after 20 s (its queue retries it after the visibility timeout,
   * minutes later); urgent, none took over 0.8 s.
   */
  const sendUrgent = async (message: Parameters<Mailer['send']>[0], options: SendOptions) => {
    const started = now();
    const budget = options.maxWaitMs ?? maxWaitMs;
    for (;;) {
      try {
        return await inner.send(message);
      } catch (error) {
        if (!isThrottling(error)) throw error;
        throttledCount++;
        const wait = URGENT_RETRY_MS * (0.5 + random());
        if (now() - started + wait > budget) {
          if (options.maxWaitMs === undefined) throw error;
          throw new SendTimeBudgetError(`Urgent email not sent within the caller's ${Math.round(budget)} ms`);
        }
        await sleep(wait);
      }
    }
  };

  return {
    currentRate: () => rate,
    throttled: () => throttledCount,
    isSuppressed: (address) => inner.isSuppressed(address),
    async send(message, options) {
      if (options?.urgent) return sendUrgent(message, options);
      const started = now();
      // The caller's budget bounds every wait, the first included, and then replaces the mailer's own
      // give-up time: a caller that can go on later (a fan-out's continuation) keeps retrying a throttled
      // send for as long as it can give, and past that is told "not sent in time" (it continues with
      // this member), not handed the throttle to fail its whole message. Without a budget, the
      // mailer's own bounds the retries and the throttle is thrown (the queue retries the message).
      const callerBudget = options?.maxWaitMs ?? Number.POSITIVE_INFINITY;
      const giveUpAfter = options?.maxWaitMs === undefined ? maxWaitMs : Number.POSITIVE_INFINITY;
      const outOfTime = () =>
        new SendTimeBudgetError(`Not sent within the caller's ${Math.round(callerBudget)} ms at ${rate.toFixed(1)}/s`);
      for (;;) {
        const pacedUnder = await slot(started + callerBudget);
        if (pacedUnder === undefined) throw outOfTime();
        try {
          const result = await inner.send(message);
          rate = Math.min(ceiling, rate + configured / 20);
          return result;
        } catch (error) {
          if (!isThrottling(error)) throw error;
          throttledCount++;
          if (pacedUnder === epoch) {
            rate = Math.max(floor, rate / 2);
            epoch++;
          }
          if (now() - started > callerBudget) throw outOfTime();
          if (now() - started > giveUpAfter) throw error;
        }
      }
    },
  };
}
