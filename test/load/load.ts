import { randomUUID } from 'node:crypto';
import { localTable } from '../../local/deps.ts';
import { createDynamoEscalationRepository } from '../../shared/adapters/aws/dynamo/escalation-repository.ts';
import { createDynamoMemberRepository } from '../../shared/adapters/aws/dynamo/member-repository.ts';
import { createUlids, systemClock } from '../../shared/adapters/ids.ts';
import type { OutboxMessage } from '../../shared/adapters/local/outbox-mailer.ts';
import { signWebhook } from '../../shared/runtime/standard-webhooks.ts';

/**
 * A bounded load generator for the local stack, on loopback only (no dependency: Node's fetch,
 * which keeps connections alive, and a fixed pool of workers as the concurrency limit).
 *
 * One burst sends N sign-ups (distinct addresses) and M signed escalation webhooks (distinct
 * `webhook-id`s) at once, interleaved; then K of the webhooks again with the same ids. Then it
 * drains the stack and checks, item by item: every sign-up is a pending member with exactly one
 * confirmation email; every escalation is stored once, the replays answered the same id and made
 * nothing new, and the first level's lead got exactly one email (and, for immediate and same-day,
 * exactly one SMS) per escalation. Every request is bounded (30 s) and so is the drain.
 */

export interface LoadOptions {
  signups: number;
  escalations: number;
  /** Webhooks sent again with an id already used (must not raise anything new). */
  replays: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Upper bound for the drain after the burst. */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface LoadTarget {
  /** http://127.0.0.1:<port> */
  url: string;
  dynamodbEndpoint: string;
  tableName: string;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadReport {
  options: Omit<LoadOptions, 'log'>;
  burst: { requests: number; seconds: number; perSecond: number };
  latencyMs: { signups: LatencySummary; escalations: LatencySummary; replays: LatencySummary };
  statuses: Record<string, number>;
  serverErrors: number;
  drainSeconds: number;
  /** End to end: from the first request until every email and SMS was sent. */
  totalSeconds: number;
  checks: {
    pendingMembers: number;
    confirmationEmails: number;
    signupsWithoutExactlyOneEmail: number;
    escalationsStored: number;
    distinctEscalationIds: number;
    replaysAnsweredWithSameId: number;
    leadEmails: number;
    escalationsWithoutExactlyOneLeadEmail: number;
    leadSms: number;
    escalationsWithoutExpectedSms: number;
  };
  /** Empty when nothing was lost, duplicated or failed. */
  failures: string[];
}

const URGENCIES = ['immediate', 'same_day', 'routine'] as const;

interface Sample {
  kind: 'signups' | 'escalations' | 'replays';
  status: number;
  ms: number;
  escalationId?: string;
}

export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadReport> {
  const log = options.log ?? (() => {});
  const run = randomUUID().slice(0, 8);
  const secret = ((await getJson(`${target.url}/_dev/webhook-secret`)) as { secret: string }).secret;
  const facilitatorEmail = `load-${run}@example.org`;
  await postJson(`${target.url}/_dev/facilitators`, { email: facilitatorEmail, displayName: 'Load' });

  const emails = Array.from({ length: options.signups }, (_, i) => `load-${run}-${i}@example.com`);
  const escalations = Array.from({ length: options.escalations }, (_, i) => ({
    webhookId: `msg_load_${run}_${i}`,
    urgency: URGENCIES[i % URGENCIES.length] ?? 'routine',
  }));

  const signupRequest = (email: string) => () =>
    timed('signups', () =>
      fetch(`${target.url}/signups`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email,
          displayName: 'Load Test',
          consents: { groupAgreement: true, privacyNotice: true, checkinEmails: false },
        }),
      }),
    );
  const webhookRequest = (kind: 'escalations' | 'replays', webhookId: string, urgency: string) => () => {
    const body = JSON.stringify({
      facilitatorEmail,
      category: 'other_concern',
      urgency,
      summary: 'Load test escalation',
      emergencyServicesContacted: false,
    });
    const ts = Math.floor(Date.now() / 1000);
    return timed(kind, () =>
      fetch(`${target.url}/webhooks/escalations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': webhookId,
          'webhook-timestamp': String(ts),
          'webhook-signature': signWebhook(secret, webhookId, ts, body),
        },
        body,
      }),
    );
  };

  // Interleave the two kinds, as they would arrive together.
  const jobs: (() => Promise<Sample>)[] = [];
  const every = Math.max(1, Math.floor(options.signups / Math.max(1, options.escalations)));
  let e = 0;
  for (const [i, email] of emails.entries()) {
    jobs.push(signupRequest(email));
    if (i % every === 0 && e < escalations.length) {
      const x = escalations[e++];
      if (x) jobs.push(webhookRequest('escalations', x.webhookId, x.urgency));
    }
  }
  for (; e < escalations.length; e++) {
    const x = escalations[e];
    if (x) jobs.push(webhookRequest('escalations', x.webhookId, x.urgency));
  }

  log(`burst: ${options.signups} sign-ups + ${options.escalations} escalations, ${options.concurrency} in flight`);
  const started = performance.now();
  const samples = await pool(jobs, options.concurrency);
  const burstSeconds = (performance.now() - started) / 1000;
  log(`burst done in ${burstSeconds.toFixed(1)} s`);

  // Replays: the same ids again (a sender retrying), after the first answers arrived.
  const firstIds = new Map<string, string | undefined>();
  // Escalation samples keep the order of `escalations` (jobs keep their order, and so does filter).
  for (const [i, s] of samples.filter((x) => x.kind === 'escalations').entries()) {
    firstIds.set(escalations[i]?.webhookId ?? '', s.escalationId);
  }
  const replayed = escalations.slice(0, options.replays);
  const replaySamples = await pool(
    replayed.map((x) => webhookRequest('replays', x.webhookId, x.urgency)),
    options.concurrency,
  );

  log('draining');
  const drainStarted = performance.now();
  await drain(target.url, options.drainTimeoutMs ?? 600_000);
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  const totalSeconds = (performance.now() - started) / 1000;
  log(`drained in ${drainSeconds.toFixed(1)} s`);

  // ---- checks ----
  const all = [...samples, ...replaySamples];
  const statuses: Record<string, number> = {};
  for (const s of all) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const failures: string[] = [];
  const serverErrors = all.filter((s) => s.status >= 500 || s.status === 0).length;
  if (serverErrors) failures.push(`${serverErrors} requests answered 5xx or failed`);
  const unexpected = all.filter((s) => s.status !== 202);
  if (unexpected.length) failures.push(`${unexpected.length} requests not answered 202: ${JSON.stringify(statuses)}`);

  const table = localTable(target.dynamodbEndpoint, target.tableName);
  const members = createDynamoMemberRepository(table, systemClock);
  const escalationRepo = createDynamoEscalationRepository(table, createUlids(systemClock));

  let pendingMembers = 0;
  await pool(
    emails.map((email) => async () => {
      if ((await members.findByEmail(email))?.status === 'pending') pendingMembers++;
    }),
    16,
  );
  if (pendingMembers !== emails.length) failures.push(`${emails.length - pendingMembers} sign-ups are not pending members`);

  const outbox = ((await getJson(`${target.url}/_dev/outbox`)) as { messages: OutboxMessage[] }).messages;
  const byRecipient = new Map<string, OutboxMessage[]>();
  for (const m of outbox) byRecipient.set(m.to, [...(byRecipient.get(m.to) ?? []), m]);
  const confirmationEmails = emails.reduce((n, a) => n + (byRecipient.get(a)?.length ?? 0), 0);
  const signupsWithoutExactlyOneEmail = emails.filter((a) => byRecipient.get(a)?.length !== 1).length;
  if (signupsWithoutExactlyOneEmail) failures.push(`${signupsWithoutExactlyOneEmail} sign-ups did not get exactly one email`);

  const ids = samples.filter((s) => s.kind === 'escalations').map((s) => s.escalationId);
  const distinct = new Set(ids.filter((x): x is string => Boolean(x)));
  if (distinct.size !== escalations.length)
    failures.push(`${distinct.size} distinct escalation ids for ${escalations.length} webhooks`);
  let escalationsStored = 0;
  await pool(
    [...distinct].map((id) => async () => {
      if (await escalationRepo.get(id)) escalationsStored++;
    }),
    16,
  );
  if (escalationsStored !== escalations.length)
    failures.push(`${escalationsStored} escalations stored for ${escalations.length} webhooks`);
  const replaysAnsweredWithSameId = replaySamples.filter(
    (s, i) => s.escalationId && s.escalationId === firstIds.get(replayed[i]?.webhookId ?? ''),
  ).length;
  if (replaysAnsweredWithSameId !== replayed.length)
    failures.push(`${replayed.length - replaysAnsweredWithSameId} replays answered another id`);

  const lead = 'lead@example.org';
  const leadPhone = '+447700900123';
  const leadMails = (byRecipient.get(lead) ?? []).filter((m) => m.subject.includes('Safeguarding alert'));
  const mailsPer = countBy(leadMails.map((m) => escalationIdIn(m.text)));
  const escalationsWithoutExactlyOneLeadEmail = [...distinct].filter((id) => mailsPer.get(id) !== 1).length;
  if (escalationsWithoutExactlyOneLeadEmail)
    failures.push(`${escalationsWithoutExactlyOneLeadEmail} escalations did not email the lead exactly once`);
  const sms = ((await getJson(`${target.url}/_dev/sms`)) as { messages: { to: string; body: string }[] }).messages.filter(
    (m) => m.to === leadPhone,
  );
  const smsPer = countBy(sms.map((m) => escalationIdIn(m.body)));
  const urgencyOf = new Map<string, string>();
  for (const [i, s] of samples.filter((x) => x.kind === 'escalations').entries()) {
    if (s.escalationId) urgencyOf.set(s.escalationId, escalations[i]?.urgency ?? '');
  }
  const escalationsWithoutExpectedSms = [...distinct].filter((id) => {
    const expected = urgencyOf.get(id) === 'routine' ? 0 : 1;
    return (smsPer.get(id) ?? 0) !== expected;
  }).length;
  if (escalationsWithoutExpectedSms)
    failures.push(`${escalationsWithoutExpectedSms} escalations without exactly the expected SMS`);

  const perSecond = samples.length / burstSeconds;
  return {
    options: {
      signups: options.signups,
      escalations: options.escalations,
      replays: options.replays,
      concurrency: options.concurrency,
    },
    burst: { requests: samples.length, seconds: round(burstSeconds), perSecond: round(perSecond) },
    latencyMs: {
      signups: summary(samples.filter((s) => s.kind === 'signups')),
      escalations: summary(samples.filter((s) => s.kind === 'escalations')),
      replays: summary(replaySamples),
    },
    statuses,
    serverErrors,
    drainSeconds: round(drainSeconds),
    totalSeconds: round(totalSeconds),
    checks: {
      pendingMembers,
      confirmationEmails,
      signupsWithoutExactlyOneEmail,
      escalationsStored,
      distinctEscalationIds: distinct.size,
      replaysAnsweredWithSameId,
      leadEmails: leadMails.length,
      escalationsWithoutExactlyOneLeadEmail,
      leadSms: sms.length,
      escalationsWithoutExpectedSms,
    },
    failures,
  };
}

async function timed(kind: Sample['kind'], send: () => Promise<Response>): Promise<Sample> {
  const t0 = performance.now();
  try {
    const response = await send();
    const text = await response.text();
    const ms = performance.now() - t0;
    let escalationId: string | undefined;
    if (kind !== 'signups') {
      try {
        escalationId = (JSON.parse(text) as { escalationId?: string }).escalationId;
      } catch {
        escalationId = undefined;
      }
    }
    return { kind, status: response.status, ms, ...(escalationId ? { escalationId } : {}) };
  } catch {
    return { kind, status: 0, ms: performance.now() - t0 };
  }
}

/** Runs the jobs with at most `size` in flight; results in the jobs' order. */
export async function pool<T>(jobs: (() => Promise<T>)[], size: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i];
      if (job) results[i] = await job();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, jobs.length) }, worker));
  return results;
}

async function drain(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/_dev/drain`, { method: 'POST', signal: AbortSignal.timeout(120_000) });
    await response.text();
    if (response.ok) return;
    if (Date.now() > deadline) throw new Error(`the stack did not drain within ${timeoutMs} ms (last status ${response.status})`);
  }
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.json();
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status}`);
  return response.json();
}

function escalationIdIn(text: string): string {
  return /\/escalations\/([^/\s]+)\/acknowledge/.exec(text)?.[1] ?? '';
}

function countBy(keys: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

function summary(samples: Sample[]): LatencySummary {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: round(sorted.at(-1) ?? 0) };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
