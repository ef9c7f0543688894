import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { makeHandler as makeTimerWorker } from '../../functions/platform/fire-timer.ts';
import { makeHandler as makeSessionMail } from '../../functions/sessions/send-session-email.ts';
import { createSesMailer } from '../../shared/adapters/aws/ses-mailer.ts';
import { CHECKIN_SEND_KIND, checkinTimerName } from '../../shared/domain/checkins/send-checkins.ts';
import type { DomainEvent } from '../../shared/domain/events.ts';
import type { Member } from '../../shared/domain/members/member.ts';
import { createGroup } from '../../shared/domain/sessions/manage-groups.ts';
import { scheduleSessions } from '../../shared/domain/sessions/schedule-sessions.ts';
import { STOP_BEFORE_TIMEOUT_MS } from '../../shared/domain/time-budget.ts';
import { timerMessageBody } from '../../shared/domain/timers/timer-message.ts';
import { type Mailer, URGENT } from '../../shared/ports/index.ts';
import { CONSUMER_TIMEOUT_SECONDS, TIMER_WORKER_TIMEOUT_SECONDS } from '../../shared/runtime/batch.ts';
import { setLogSink } from '../../shared/runtime/logger.ts';
import { createOrgMailer, MAIL_SENDER_CONCURRENCY, sesClientConfig } from '../../shared/runtime/mail.ts';
import { facilitator, groupRequest, groupWithSession } from '../../test/domain/sessions/helpers.ts';
import type { BenchSection, Cell } from '../section.ts';
import { type BenchDeps, benchDeps } from '../support/deps.ts';
import { countingTable, stopBenchDynamo } from '../support/dynamo.ts';
import { startSesStandin } from '../support/ses-standin.ts';
import { round, sleep } from '../support/stats.ts';

/** Members per session: a large peer-support roster. */
const ROSTER = 40;
/** SQS batch size of the timer worker (infra consumeQueue) and the queue's maxReceiveCount. */
const BATCH = 10;
/** A continuation timer reaches the queue this long after it is scheduled (compressed: EventBridge Scheduler takes about a minute). */
const CONTINUATION_DELAY_MS = 1000;
const MAX_RECEIVES = 5;
const T0 = '2026-11-22T10:00:00.000Z';

interface Run {
  label: string;
  sender: 'paced (now)' | 'unpaced (before)';
  rate: number;
  n: number;
  /**
   * `timer worker`: the whole send path (timer → sendCheckins → DynamoDB Local → mail); `mailer only`:
   * the instances' mailers alone; `session mail`: one announcement of a new session to a group of N
   * members through the session-mail consumer (SessionsScheduled, then its SessionMailContinued events).
   */
  path: 'timer worker' | 'mailer only' | 'session mail';
}

export interface FanoutResult {
  label: string;
  path: string;
  sender: string;
  rate: number;
  n: number;
  delivered: number;
  lost: number;
  duplicates: number;
  throttled: number;
  wallSeconds: number;
  idealSeconds: number;
  ratio: number;
  redeliveries: number;
  /** Check-in timers that stopped before the function's timeout and left the rest to a continuation timer. */
  continuations: number;
  dlq: number;
  maxInvocationSeconds: number;
  dynamoCallsPerEmail: number;
  /** On-demand request units the send path used per email (service rules, bench/support/dynamo.ts). */
  rruPerEmail: number;
  wruPerEmail: number;
  cutOff: boolean;
  /**
   * Safeguarding alerts sent during the run by another instance's mailer (as the escalation-email
   * consumer sends them: urgent), one every ALERT_EVERY_MS: from the send call to SES accepting it.
   */
  alerts?: { sent: number; failed: number; p50Seconds: number; maxSeconds: number };
}

/** How often the 14/s mailer run sends a safeguarding alert beside the bulk send. */
const ALERT_EVERY_MS = 3000;

const fakeAws = { region: 'eu-west-2', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };

/**
 * 10,000 check-in emails through the real sending code: `checkin-send` timers (one per session of
 * 40 attendees) go to the real timer worker (functions/platform/fire-timer.ts makeHandler) in SQS
 * batches of 10, on as many concurrent "instances" as the worker's maximum concurrency; each
 * instance has its own mailer, built as the deployed worker builds it (shared/runtime/mail.ts),
 * sending through the real @aws-sdk/client-sesv2 to a local SES stand-in that enforces the rate.
 */
export const fanout: BenchSection = {
  id: 'fanout',
  title: 'Check-in and announcement email fan-out (local SES stand-in)',
  async run(ctx) {
    const runs: Run[] = ctx.quick
      ? [
          { label: '500/s', path: 'timer worker', sender: 'paced (now)', rate: 500, n: 1000 },
          { label: '500/s mailer', path: 'mailer only', sender: 'paced (now)', rate: 500, n: 2000 },
          { label: '500/s mailer before', path: 'mailer only', sender: 'unpaced (before)', rate: 500, n: 2000 },
          { label: '14/s', path: 'timer worker', sender: 'paced (now)', rate: 14, n: 120 },
          { label: '14/s before', path: 'timer worker', sender: 'unpaced (before)', rate: 14, n: 120 },
          { label: '14/s mailer before', path: 'mailer only', sender: 'unpaced (before)', rate: 14, n: 140 },
          { label: '14/s announcement', path: 'session mail', sender: 'paced (now)', rate: 14, n: 300 },
        ]
      : [
          // The 10,000 through the worker and through the mailers at 500/s. At 14/s, 1,000 (10,000 would be
          // 12 minutes of pacing by definition); the "before" runs lose or retry early, so fewer show it.
          { label: '500/s', path: 'timer worker', sender: 'paced (now)', rate: 500, n: 10_000 },
          { label: '500/s mailer', path: 'mailer only', sender: 'paced (now)', rate: 500, n: 10_000 },
          { label: '500/s mailer before', path: 'mailer only', sender: 'unpaced (before)', rate: 500, n: 10_000 },
          { label: '14/s', path: 'timer worker', sender: 'paced (now)', rate: 14, n: 1000 },
          { label: '14/s before', path: 'timer worker', sender: 'unpaced (before)', rate: 14, n: 400 },
          { label: '14/s mailer', path: 'mailer only', sender: 'paced (now)', rate: 14, n: 1000 },
          { label: '14/s mailer before', path: 'mailer only', sender: 'unpaced (before)', rate: 14, n: 280 },
          // One group of 1,000 members told of a new session: one message, 71 s of sending at 14/s.
          { label: '14/s announcement', path: 'session mail', sender: 'paced (now)', rate: 14, n: 1000 },
        ];
    const ses = await startSesStandin(500);
    const restoreSink = setLogSink(() => {});
    const results: FanoutResult[] = [];
    try {
      // A fresh DynamoDB Local: the engine slows as earlier sections pile up items in it.
      await stopBenchDynamo();
      const table = await countingTable();
      table.recordInputs = false;
      const seed = benchDeps(table, { now: T0 });
      // One pool of members (each run uses new sessions, so the delivery log starts empty for it).
      const members = await createMembers(seed, Math.max(...runs.filter((r) => r.path !== 'mailer only').map((r) => r.n)));
      for (const run of runs) {
        results.push(run.path === 'mailer only' ? await mailerOnly(run, seed, ses) : await fanOut(run, seed, members, ses));
      }
    } finally {
      setLogSink(restoreSink);
      await ses.close();
    }
    // The targets are for check-in emails; the announcement run is shown beside them.
    const now = results.filter((r) => r.sender === 'paced (now)' && r.path !== 'session mail');
    return {
      title: 'Check-in and announcement email fan-out (local SES stand-in)',
      columns: [
        'run',
        'path',
        'sender',
        'N',
        'rate/s',
        'delivered',
        'lost',
        'dupes',
        '429s',
        'wall s',
        'N/rate s',
        'x ideal',
        'redelivered',
        'continued',
        'DLQ',
        'max batch s',
        'DDB calls/email',
        'alerts during it',
      ],
      rows: results.map(
        (r): Record<string, Cell> => ({
          run: r.label,
          path: r.path,
          sender: r.sender,
          N: r.n,
          'rate/s': r.rate,
          delivered: r.delivered,
          lost: r.cutOff ? `${r.lost} unsent at cut-off` : r.lost,
          dupes: r.duplicates,
          '429s': r.throttled,
          'wall s': round(r.wallSeconds, 1),
          'N/rate s': round(r.idealSeconds, 1),
          'x ideal': round(r.ratio, 3),
          redelivered: r.redeliveries,
          continued: r.continuations,
          DLQ: r.dlq,
          'max batch s': round(r.maxInvocationSeconds, 1),
          'DDB calls/email': round(r.dynamoCallsPerEmail, 2),
          'alerts during it': r.alerts
            ? `${r.alerts.sent} sent, p50 ${round(r.alerts.p50Seconds, 2)} s, max ${round(r.alerts.maxSeconds, 2)} s, ${r.alerts.failed} failed`
            : '',
        }),
      ),
      targets: now.flatMap((r) => [
        {
          name: `fan-out ${r.label}: lost`,
          limit: '0',
          actual: r.cutOff ? `${r.lost} still unsent at the cut-off` : String(r.lost),
          met: r.lost === 0,
        },
        {
          name: `fan-out ${r.label}: wall / (N / rate)`,
          limit: '≤ 1.05',
          actual: `${round(r.ratio, 3)} (${round(r.wallSeconds, 1)} s for ${r.n})`,
          met: r.ratio <= 1.05,
        },
      ]),
      notes: [
        `Sessions of ${ROSTER} attendees; one checkin-send timer each; SQS batches of ${BATCH}; ${MAIL_SENDER_CONCURRENCY} concurrent worker instances (the timer worker's maxConcurrency), each with its own mailer.`,
        '14/s runs use 1,000 emails, not 10,000: 10,000 at 14/s is 12 minutes of pacing by definition, and the ratio is the same.',
        'Timer worker runs: a failed record goes back on the queue after 1 s (SQS would wait the 180 s visibility timeout) and to the DLQ after 5 receives; "lost" = never accepted by the stand-in when the queue is empty (or, marked, still unsent at the cut-off of 4 × N / rate + 180 s).',
        'Mailer-only runs (2 mailers, 50 sends in flight each, no queue): "lost" = sends the mailer gave up on (after maxWaitMs of waiting and throttling, 20 s); in the worker such a message goes back to its queue and is sent later.',
        '"before" = the mailer as aws-deps built it before this change: createSesMailer on a default SESv2Client (standard retries, 3 attempts), no pacing.',
        `Each worker invocation has the deployed ${TIMER_WORKER_TIMEOUT_SECONDS} s timeout (its context's remaining time): a check-in timer stops starting sends ${STOP_BEFORE_TIMEOUT_MS / 1000} s before it and schedules a continuation ("continued"), queued here after ${CONTINUATION_DELAY_MS / 1000} s (EventBridge Scheduler fires it after about a minute); "max batch s" over the timeout would be a killed invocation.`,
        `"alerts during it" (the 14/s mailer run): while the two instances send the bulk, a third mailer (the escalation-email consumer's, built the same way) sends a safeguarding alert every ${ALERT_EVERY_MS / 1000} s with SendOptions.urgent, timed from the call to the stand-in accepting it; "failed" = throttled until the mailer's 20 s give-up (its queue would retry it after the visibility timeout). Paced like a bulk send instead, 38 alerts over three runs took up to 9.8 s and one failed after 20 s.`,
        'Reminder timers are recorded by an in-memory scheduler (EventBridge Scheduler is not part of this run).',
        `Announcement run: one new session announced to a group of N members by the real session-mail consumer (functions/sessions/send-session-email.ts makeHandler) with the deployed ${CONSUMER_TIMEOUT_SECONDS} s timeout; it stops ${STOP_BEFORE_TIMEOUT_MS / 1000} s before it and writes a SessionMailContinued event ("continued"), delivered back here after ${CONTINUATION_DELAY_MS / 1000} s (the outbox relay's stream, SNS and SQS take about that). Before this, one invocation sent until killed by its timeout.`,
      ],
      data: { runs: results },
    };
  },
};

/** One instance's mailer: as the deployed worker builds it now, or as aws-deps built it before. */
function instanceMailer(run: Run, seed: BenchDeps, endpoint: string): Mailer {
  return run.sender === 'paced (now)'
    ? createOrgMailer(
        new SESv2Client({ ...sesClientConfig, ...fakeAws, endpoint }),
        { ...seed.org, email: { ...seed.org.email, sesSandbox: false, maxSendRate: run.rate } },
        { member: 'member-set', staff: 'staff-set' },
      )
    : createSesMailer(new SESv2Client({ ...fakeAws, endpoint }), {
        from: seed.org.email.from,
        configurationSets: { member: 'member-set', staff: 'staff-set' },
      });
}

/**
 * The instances' mailers alone, without the rest of the send path (whose DynamoDB Local work bounds
 * the whole path's throughput on this machine): N check-in emails, 50 in flight per instance.
 * A send that fails (after the SDK's and the pacer's retries) counts as lost here: in the worker its
 * record would go back to the queue.
 */
async function mailerOnly(run: Run, seed: BenchDeps, ses: Awaited<ReturnType<typeof startSesStandin>>): Promise<FanoutResult> {
  const mailers = Array.from({ length: MAIL_SENDER_CONCURRENCY }, () => instanceMailer(run, seed, ses.endpoint));
  const html = `<p>${"How are you feeling after today's session? ".repeat(20)}</p>`;
  ses.reset(run.rate);
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const sender = async (mailer: Mailer) => {
    while (next < run.n) {
      const i = next++;
      try {
        await mailer.send({
          to: `only-${run.label}-${i}@example.com`,
          subject: 'How are you feeling?',
          text: html,
          html,
          stream: 'member',
        });
      } catch {
        failed++;
      }
    }
  };
  let bulkDone = false;
  const withAlerts = run.sender === 'paced (now)' && run.rate === 14;
  const alerts = withAlerts ? safeguardingAlerts(instanceMailer(run, seed, ses.endpoint), run.label, () => bulkDone) : undefined;
  await Promise.all(mailers.flatMap((m) => Array.from({ length: 50 }, () => sender(m))));
  bulkDone = true;
  const wallMs = (ses.stats.lastAt || performance.now()) - started;
  const alertResult = await alerts;
  const ideal = run.n / run.rate;
  const bulkAccepted = [...ses.accepted].filter(([to]) => !to.startsWith('lead-'));
  const delivered = bulkAccepted.length;
  return {
    label: run.label,
    path: run.path,
    sender: run.sender,
    rate: run.rate,
    n: run.n,
    delivered,
    lost: run.n - delivered,
    duplicates: bulkAccepted.reduce((s, [, c]) => s + c - 1, 0),
    throttled: ses.stats.throttled,
    wallSeconds: wallMs / 1000,
    idealSeconds: ideal,
    ratio: wallMs / 1000 / ideal,
    redeliveries: 0,
    continuations: 0,
    dlq: failed,
    maxInvocationSeconds: 0,
    dynamoCallsPerEmail: 0,
    rruPerEmail: 0,
    wruPerEmail: 0,
    cutOff: false,
    ...(alertResult ? { alerts: alertResult } : {}),
  };
}

/** One urgent alert every ALERT_EVERY_MS until `done`, each timed until SES accepted it (or the mailer gave up). */
async function safeguardingAlerts(
  mailer: Mailer,
  label: string,
  done: () => boolean,
): Promise<NonNullable<FanoutResult['alerts']>> {
  const seconds: number[] = [];
  let failed = 0;
  for (let i = 0; ; i++) {
    await sleep(ALERT_EVERY_MS);
    if (done()) break;
    const t0 = performance.now();
    try {
      await mailer.send(
        { to: `lead-${label}-${i}@example.org`, subject: 'Safeguarding alert', text: 'a', html: '<p>a</p>', stream: 'staff' },
        URGENT,
      );
      seconds.push((performance.now() - t0) / 1000);
    } catch {
      failed++;
    }
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    sent: seconds.length,
    failed,
    p50Seconds: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0,
    maxSeconds: sorted.at(-1) ?? 0,
  };
}

async function createMembers(deps: BenchDeps, n: number): Promise<string[]> {
  const ids: string[] = [];
  const at = deps.clock.now().toISOString();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const member: Member = {
        memberId: deps.ids.newId(),
        status: 'active',
        email: `fanout-${i}@example.com`,
        displayName: `Member ${i}`,
        checkinEmails: true,
        emailOptOut: false,
        createdAt: at,
        confirmedAt: at,
      };
      await deps.members.create(member, {
        id: deps.ids.newId(),
        type: 'BenchMemberCreated',
        topic: 'member-notifications',
        occurredAt: at,
        data: {},
      });
      ids[i] = member.memberId;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

async function fanOut(
  run: Run,
  seed: BenchDeps,
  members: string[],
  ses: Awaited<ReturnType<typeof startSesStandin>>,
): Promise<FanoutResult> {
  const records: { record: SQSRecord; receives: number }[] =
    run.path === 'session mail'
      ? [{ record: sqsRecord('announce', await announcement(seed, members.slice(0, run.n))), receives: 0 }]
      : [];
  // Sessions with recorded attendance: the check-in goes to those present.
  for (let s = 0; run.path === 'timer worker' && s * ROSTER < run.n; s++) {
    const { session } = await groupWithSession(seed);
    const present = members.slice(s * ROSTER, Math.min(run.n, (s + 1) * ROSTER));
    await seed.sessions.recordAttendance(session.sessionId, present);
    const body = timerMessageBody({
      name: checkinTimerName(session.sessionId),
      at: new Date(),
      payload: { kind: CHECKIN_SEND_KIND, sessionId: session.sessionId },
    });
    records.push({ record: sqsRecord(`m-${s}`, body), receives: 0 });
  }
  const table = seed.table;
  table.take();

  // The worker instances, each built as a deployed one (its own SES client and mailer), on a clock past the check-in time.
  const now = new Date(Date.parse(T0) + 4 * 86_400_000).toISOString();
  const instances = Array.from({ length: MAIL_SENDER_CONCURRENCY }, () => {
    if (run.path === 'session mail') {
      const deps = benchDeps(table, { mail: instanceMailer(run, seed, ses.endpoint), now: T0 });
      const append = deps.sessions.appendEvent;
      // The consumer's continuation comes back to it as the relay would bring it (stream → SNS → SQS).
      deps.sessions = {
        ...deps.sessions,
        async appendEvent(event) {
          await append(event);
          continuations++;
          pending++;
          setTimeout(() => {
            queue.push({ record: sqsRecord(`c-${continuations}`, JSON.stringify(event)), receives: 0 });
            pending--;
          }, CONTINUATION_DELAY_MS);
        },
      };
      return makeSessionMail(deps);
    }
    const deps = benchDeps(table, { mail: instanceMailer(run, seed, ses.endpoint), now });
    const schedule = deps.scheduler.schedule;
    // A check-in timer's continuation goes back on the queue, as EventBridge Scheduler would put it there.
    deps.scheduler.schedule = async (timer) => {
      if (timer.payload.kind !== CHECKIN_SEND_KIND) return schedule(timer);
      continuations++;
      pending++;
      setTimeout(() => {
        queue.push({ record: sqsRecord(`c-${continuations}`, timerMessageBody(timer)), receives: 0 });
        pending--;
      }, CONTINUATION_DELAY_MS);
    };
    return makeTimerWorker(deps);
  });

  ses.reset(run.rate);
  const ideal = run.n / run.rate;
  // Generous: on DynamoDB Local the whole path runs at ~17 emails/s whatever the SES rate.
  const cutOffMs = (4 * ideal + 180) * 1000;
  const queue = [...records];
  let inFlight = 0;
  let redeliveries = 0;
  let continuations = 0;
  /** Continuations on their way to the queue (the run is not over while one is). */
  let pending = 0;
  let dlq = 0;
  let maxInvocation = 0;
  let cutOff = false;
  const started = performance.now();
  const instance = async (handler: (typeof instances)[number]) => {
    for (;;) {
      if (performance.now() - started > cutOffMs) {
        cutOff = true;
        return;
      }
      const batch = queue.splice(0, BATCH);
      if (batch.length === 0) {
        if (inFlight === 0 && pending === 0 && queue.length === 0) return;
        await sleep(50);
        continue;
      }
      inFlight++;
      for (const b of batch) b.receives++;
      const t0 = performance.now();
      const event: SQSEvent = { Records: batch.map((b) => b.record) };
      // The deployed timeout, as Lambda's context tells it
      const timeoutMs = (run.path === 'session mail' ? CONSUMER_TIMEOUT_SECONDS : TIMER_WORKER_TIMEOUT_SECONDS) * 1000;
      const context = { getRemainingTimeInMillis: () => timeoutMs - (performance.now() - t0) };
      const response = await handler(event, context as never);
      maxInvocation = Math.max(maxInvocation, performance.now() - t0);
      const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      for (const b of batch) {
        if (!failed.has(b.record.messageId)) continue;
        if (b.receives >= MAX_RECEIVES) {
          dlq++;
          continue;
        }
        redeliveries++;
        setTimeout(() => queue.push(b), 1000);
      }
      // Stay "in flight" until the failed records are visible again, so the run does not end early.
      if (failed.size) await sleep(1000);
      inFlight--;
    }
  };
  await Promise.all(instances.map(instance));
  const wallMs = (ses.stats.lastAt || performance.now()) - started;
  const delivered = ses.accepted.size;
  const duplicates = [...ses.accepted.values()].reduce((s, c) => s + c - 1, 0);
  const taken = table.take();
  const sent = Math.max(1, ses.stats.acceptedTotal);
  return {
    label: run.label,
    path: run.path,
    sender: run.sender,
    rate: run.rate,
    n: run.n,
    delivered,
    lost: run.n - delivered,
    duplicates,
    throttled: ses.stats.throttled,
    wallSeconds: wallMs / 1000,
    idealSeconds: ideal,
    ratio: wallMs / 1000 / ideal,
    redeliveries,
    continuations,
    dlq,
    maxInvocationSeconds: maxInvocation / 1000,
    dynamoCallsPerEmail: taken.length / sent,
    rruPerEmail: taken.reduce((n, c) => n + c.service.rru, 0) / sent,
    wruPerEmail: taken.reduce((n, c) => n + c.service.wru, 0) / sent,
    cutOff,
  };
}

/**
 * A group whose members are `memberIds`, and one new session in it: returns the SessionsScheduled
 * event as the session-mail queue receives it.
 */
async function announcement(seed: BenchDeps, memberIds: string[]): Promise<string> {
  const { facilitator: f } = await facilitator(seed);
  const group = await createGroup(seed, f, groupRequest());
  let next = 0;
  const at = seed.clock.now().toISOString();
  const worker = async () => {
    while (next < memberIds.length) await seed.sessions.addGroupMember(group.groupId, memberIds[next++] ?? '', at);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  let scheduled: DomainEvent | undefined;
  const deps = {
    ...seed,
    sessions: {
      ...seed.sessions,
      createSessions: async (sessions: Parameters<BenchDeps['sessions']['createSessions']>[0], event: DomainEvent) => {
        scheduled = event;
        return seed.sessions.createSessions(sessions, event);
      },
    },
  };
  const startsAt = new Date(seed.clock.now().getTime() + 86_400_000).toISOString();
  await scheduleSessions(deps, f, group.groupId, { startsAt, durationMinutes: 90 });
  if (!scheduled) throw new Error('scheduleSessions wrote no event');
  return JSON.stringify(scheduled);
}

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'scheduler',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-2:123456789012:timers',
    awsRegion: 'eu-west-2',
  };
}
