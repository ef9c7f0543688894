import type { SESv2Client, SESv2ClientConfig } from '@aws-sdk/client-sesv2';
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

/**
 * SES client settings: the SDK's standard retries (3 attempts, jittered backoff of a few seconds at
 * most); the paced mailer is the rate limiter and retries throttled sends beyond that at its own,
 * lowered pace, within the caller's time budget. Not the SDK's adaptive mode: its client-side
 * limiter queues every request behind its own estimate of the rate, on top of the pacer and out of
 * reach of the caller's budget (the bench measured 52 s timer-worker invocations at 14/s with it).
 */
export const sesClientConfig = { retryMode: 'standard', maxAttempts: 3 } as const satisfies SESv2ClientConfig;

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
