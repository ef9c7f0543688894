import type { SESv2Client, SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import type { RetryStrategyV2 } from '@smithy/types';
import { createPacedMailer, type PacedMailer } from '../adapters/aws/paced-mailer.ts';
import { createSesMailer, type SesMailerConfig } from '../adapters/aws/ses-mailer.ts';
import type { OrgConfig } from '../domain/org/org-config.ts';

/**
 * How many function instances may send a large batch of email at once: the timer worker's maximum
 * concurrency on its queue (infra/constructs/timers.ts sets it from this constant). SES's maximum
 * send rate is per account and region; each instance starts at its share, rate / this, so together
 * they stay within it, and climbs towards the whole rate while SES does not throttle it (one
 * instance sending alone); a throttled answer halves its pace. Other senders (sign-up, session and staff mail: a few emails per event) share
 * the same pacing per instance and, when they coincide with a large send, the throttled one backs
 * off (createPacedMailer) and retries.
 */
export const MAIL_SENDER_CONCURRENCY = 2;

/** The account's SES maximum send rate (emails per second) from the org config. */
export const orgSendRate = (org: Pick<OrgConfig, 'email'>): number => org.email.maxSendRate ?? (org.email.sesSandbox ? 1 : 14);

/** Attempts of one SES request for an error the pacer does not handle (a 5xx, a dropped connection). */
const SES_ATTEMPTS = 3;

/**
 * The SES client's retries: transient and server errors are retried by the SDK (3 attempts, full
 * jitter from 100 ms, doubling); a throttled answer is not, but goes straight back to the paced
 * mailer, which is the one rate limiter: it retries at its own, lowered pace and within the
 * caller's time budget. The SDK's standard retries would send throttled requests again on their
 * own clock, outside the pacer (≈ 20× the 429s in the bench), and its adaptive mode queues every
 * request behind a second estimate of the rate, out of reach of the caller's budget (52 s timer
 * worker invocations at 14/s).
 */
export const sesRetryStrategy: RetryStrategyV2 = {
  async acquireInitialRetryToken() {
    return retryToken(0, 0);
  },
  async refreshRetryTokenForRetry(token, errorInfo) {
    const attempt = token.getRetryCount() + 1;
    const retryable = errorInfo.errorType === 'TRANSIENT' || errorInfo.errorType === 'SERVER_ERROR';
    // Throwing ends the retries: the SDK then throws the request's own error to the caller.
    if (!retryable || attempt >= SES_ATTEMPTS) throw new Error('no retry');
    return retryToken(attempt, Math.random() * 100 * 2 ** attempt);
  },
  recordSuccess() {},
};

function retryToken(count: number, delayMs: number) {
  return { getRetryCount: () => count, getRetryDelay: () => delayMs };
}

/** SES client settings (see sesRetryStrategy). */
export const sesClientConfig = { retryStrategy: sesRetryStrategy } as const satisfies SESv2ClientConfig;

/** The mailer every deployed function uses (and the bench, against its local SES stand-in). */
export function createOrgMailer(
  client: SESv2Client,
  org: OrgConfig,
  configurationSets: SesMailerConfig['configurationSets'],
  options: { senders?: number } = {},
): PacedMailer {
  const ses = createSesMailer(client, {
    from: org.email.from,
    ...(org.email.replyTo ? { replyTo: org.email.replyTo } : {}),
    configurationSets,
  });
  const rate = orgSendRate(org);
  return createPacedMailer(ses, { ratePerSecond: rate / (options.senders ?? MAIL_SENDER_CONCURRENCY), maxRatePerSecond: rate });
}
