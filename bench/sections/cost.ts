import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchSection, Cell } from '../section.ts';
import { round } from '../support/stats.ts';
import type { DbWorkData } from './db-work.ts';
import type { FanoutResult } from './fanout.ts';

/**
 * Published list prices, us-east-1 (N. Virginia), USD, checked 2026-11-22 against the AWS pricing
 * pages (aws.amazon.com/<service>/pricing) and the summaries in shared/research/performance.md §5.3.
 * Other regions differ by up to ~15% (e.g. eu-west-2 London); free tiers are NOT applied (they are
 * per account, and an account may hold several organisations' stacks).
 */
export const PRICES = {
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'request', source: 'Lambda: $0.20 per 1M requests' },
  lambdaGbSecondArm: { usd: 0.0000133334, unit: 'GB-s', source: 'Lambda arm64: $0.0000133334 per GB-s (first 7.5B GB-s)' },
  httpApiRequest: { usd: 1.0 / 1e6, unit: 'request', source: 'API Gateway HTTP API: $1.00 per 1M (first 300M)' },
  dynamoWru: { usd: 0.625 / 1e6, unit: 'WRU', source: 'DynamoDB on-demand: $0.625 per 1M WRU (since 2024-11-01)' },
  dynamoRru: { usd: 0.125 / 1e6, unit: 'RRU', source: 'DynamoDB on-demand: $0.125 per 1M RRU' },
  dynamoStorageGb: { usd: 0.25, unit: 'GB-month', source: 'DynamoDB Standard storage: $0.25 per GB-month' },
  dynamoPitrGb: { usd: 0.2, unit: 'GB-month', source: 'DynamoDB continuous backups (PITR): $0.20 per GB-month' },
  snsPublish: { usd: 0.5 / 1e6, unit: 'publish', source: 'SNS standard topics: $0.50 per 1M publishes; SNS→SQS deliveries free' },
  sqsRequest: { usd: 0.4 / 1e6, unit: 'request', source: 'SQS standard: $0.40 per 1M requests (64 KB chunks)' },
  schedulerInvocation: {
    usd: 1.0 / 1e6,
    unit: 'invocation',
    source: 'EventBridge Scheduler: $1.00 per 1M invocations (14M free/month)',
  },
  sesEmail: { usd: 0.1 / 1000, unit: 'email', source: 'SES outbound: $0.10 per 1,000 emails' },
  smsMessage: {
    usd: 0.04,
    unit: 'SMS',
    source:
      'SMS to GB numbers: ~$0.04 per message part (ASSUMED: per-country rates on the AWS End User Messaging SMS pricing page)',
  },
  kmsKey: { usd: 1.0, unit: 'key-month', source: 'KMS: $1 per customer managed key per month' },
  kmsRequest: { usd: 0.03 / 10_000, unit: 'request', source: 'KMS: $0.03 per 10,000 requests' },
  cloudwatchAlarm: { usd: 0.1, unit: 'alarm-month', source: 'CloudWatch: $0.10 per standard-resolution alarm metric per month' },
  cloudwatchMetric: {
    usd: 0.3,
    unit: 'metric-month',
    source: 'CloudWatch custom metrics: $0.30 per metric per month (first 10k)',
  },
  logsIngestGb: { usd: 0.5, unit: 'GB', source: 'CloudWatch Logs ingestion: $0.50 per GB (Standard; Lambda logs tier 1)' },
  logsStorageGb: { usd: 0.03, unit: 'GB-month', source: 'CloudWatch Logs storage: $0.03 per GB-month' },
  secret: { usd: 0.4, unit: 'secret-month', source: 'Secrets Manager: $0.40 per secret per month' },
  secretsApi: { usd: 0.05 / 10_000, unit: 'API call', source: 'Secrets Manager: $0.05 per 10,000 API calls' },
} as const;

const SESSIONS_PER_MONTH = (50 * 52) / 12;

/**
 * The monthly operation mix of one organisation with 1,000 members and 50 sessions a week
 * (216.7 a month), stated so that it can be argued with. Emails are counted by kind; every API
 * request is one Lambda invocation.
 */
export const MIX = {
  members: 1000,
  sessionsPerMonth: SESSIONS_PER_MONTH,
  /** Booked places per session (peer support groups are small: 8–12). */
  bookedPerSession: 10,
  newSignups: 40,
  /** One announcement per member per month (each group schedules its next month in one series). */
  announcements: 1000,
  cancelledShare: 0.1,
  /** sessions.reminderMinutesBefore default [1440, 60]: two reminders per booking. */
  remindersPerBooking: 2,
  attendedShare: 0.9,
  checkinAnsweredShare: 0.5,
  /** Answers at or below the alert threshold, or asking for contact: a thin staff email. */
  wellbeingAlertShare: 0.05,
  escalations: 2,
  directoryViews: 2000,
  adminViewsPerSession: 3,
} as const;

interface Line {
  service: string;
  item: string;
  quantity: number;
  unit: string;
  usd: number;
  kind: 'usage' | 'fixed';
}

/** Resource counts of the synthesized stack (read at run time: alarms etc. change with the code). */
function templateCounts(cdkOut: string) {
  const file = existsSync(cdkOut) ? readdirSync(cdkOut).find((f) => f.endsWith('.template.json')) : undefined;
  if (!file) throw new Error(`no synthesized template in ${cdkOut}: run npm run synth`);
  const template = JSON.parse(readFileSync(join(cdkOut, file), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  };
  const of = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);
  const sqsMappings = of('AWS::Lambda::EventSourceMapping').filter((m) =>
    JSON.stringify(m.Properties?.EventSourceArn ?? '').includes('Queue'),
  );
  return {
    template: file,
    alarms: of('AWS::CloudWatch::Alarm').length,
    kmsKeys: of('AWS::KMS::Key').length,
    secrets: of('AWS::SecretsManager::Secret').length,
    functions: of('AWS::Lambda::Function').length,
    sqsMappings: sqsMappings.length,
    queues: of('AWS::SQS::Queue').length,
  };
}

export const cost: BenchSection = {
  id: 'cost',
  title: 'Cost per organisation per month (1,000 members, 50 sessions a week)',
  async run(ctx: BenchContext) {
    const db = ctx.previous.get('db-work')?.data as DbWorkData | undefined;
    if (!db) throw new Error('cost needs db-work in the same run (npm run bench, or --only db-work,cost)');
    const fanout = (ctx.previous.get('fanout')?.data as { runs: FanoutResult[] } | undefined)?.runs.find(
      (r) => r.path === 'timer worker' && r.sender === 'paced (now)',
    );
    const latency = ctx.previous.get('latency')?.data as Record<string, { p50: number; rawP50: number }> | undefined;
    const counts = templateCounts(ctx.cdkOut);
    const route = (r: string) => {
      const found = db.routes.find((x) => x.route === r);
      if (!found) throw new Error(`db-work has no ${r}`);
      return found;
    };

    // ── The month's operations ──
    const m = MIX;
    const bookings = m.sessionsPerMonth * m.bookedPerSession;
    const cancellations = bookings * m.cancelledShare;
    const checkinsSent = bookings * m.attendedShare;
    const answers = checkinsSent * m.checkinAnsweredShare;
    const api: [string, number][] = [
      ['GET /signup', m.newSignups * 2],
      ['POST /signups', m.newSignups],
      ['GET /confirm', m.newSignups],
      ['POST /confirm', m.newSignups],
      ['GET /manage', 30],
      ['POST /manage', 20],
      ['GET /groups', m.directoryViews / 4],
      ['GET /directory', m.directoryViews],
      ['GET /sessions/{sessionId}/book', bookings * 1.5],
      ['POST /sessions/{sessionId}/book', bookings + cancellations],
      ['GET /checkins/{sessionId}', answers * 1.5],
      ['POST /checkins/{sessionId}', answers],
      ['POST /admin/groups/{groupId}/sessions', 50],
      ['PATCH /admin/sessions/{sessionId}', 10],
      ['POST /admin/sessions/{sessionId}/cancel', 5],
      ['GET /admin/sessions/{sessionId}/roster', m.sessionsPerMonth],
      ['PUT /admin/sessions/{sessionId}/attendance', m.sessionsPerMonth],
      ['GET /admin/sessions/{sessionId}/checkins', m.sessionsPerMonth],
      ['POST /webhooks/escalations', m.escalations],
      ['GET /escalations/{escalationId}/acknowledge', m.escalations],
      ['POST /escalations/{escalationId}/acknowledge', m.escalations],
      ['GET /admin/escalations/{escalationId}', m.escalations * 2],
      ['POST /admin/escalations/{escalationId}/resolve', m.escalations],
    ];
    const apiRequests = api.reduce((s, [, n]) => s + n, 0);
    const apiRru = api.reduce((s, [r, n]) => s + route(r).rru * n, 0);
    const apiWru = api.reduce((s, [r, n]) => s + route(r).wru * n, 0);
    const apiCalls = api.reduce((s, [r, n]) => s + route(r).calls * n, 0);

    const emails = {
      'sign-up confirm + welcome': m.newSignups * 2,
      announcements: m.announcements,
      'booking confirmations and cancellations': bookings + cancellations,
      'session reminders': bookings * m.remindersPerBooking,
      'check-ins': checkinsSent,
      'check-in reminders': checkinsSent - answers,
      'wellbeing alerts (staff)': answers * m.wellbeingAlertShare,
      'escalation alerts (staff)': m.escalations,
    };
    const emailCount = Object.values(emails).reduce((s, n) => s + n, 0);
    const sms = m.escalations; // immediate/same-day escalations: one SMS per lead contact

    // Events through the outbox (→ stream → relay → SNS → SQS → consumer), and timers.
    const events = m.newSignups * 2 + 50 + bookings + cancellations + answers * m.wellbeingAlertShare + m.escalations * 2;
    /** member-notifications reaches member-mail (no filter) and session-mail: 2 queue messages per event. */
    const queueMessages = events * 2;
    const timersFired = bookings * m.remindersPerBooking + m.sessionsPerMonth + checkinsSent + m.escalations * 2;
    const heartbeats = (30 * 24 * 60) / 5;

    // DynamoDB work of the asynchronous paths: per email as the fan-out measured it (member, delivery log, record).
    const perEmail = fanout ?? { rruPerEmail: 2, wruPerEmail: 4, dynamoCallsPerEmail: 4 };
    const asyncRru = emailCount * perEmail.rruPerEmail;
    const asyncWru = emailCount * perEmail.wruPerEmail + heartbeats * 1;
    // Storage: ~2 KB per member with memberships and bookings, 1 KB per booking, check-in and outbox item.
    const storageGb = (m.members * 2048 + bookings * 12 * 1024 + checkinsSent * 12 * 1024) / 1024 ** 3;

    // Lambda: warm duration = handler overhead (latency section) + 6 ms per DynamoDB call in the region; email sends +40 ms (SES).
    const overheads = latency ? Object.values(latency).map((l) => l.p50 - l.rawP50) : [];
    const overheadMs = overheads.length ? Math.max(1, overheads.reduce((s, x) => s + x, 0) / overheads.length) : 5;
    const invocations = apiRequests + events /* relay, unbatched at this traffic */ + queueMessages + timersFired + heartbeats;
    const ms =
      apiRequests * overheadMs +
      apiCalls * 6 +
      emailCount * (40 + 6 * perEmail.dynamoCallsPerEmail) +
      events * 30 +
      queueMessages * 10 +
      (timersFired + heartbeats) * 15;
    const coldShare = 0.05;
    const billedInitMs = invocations * coldShare * 250;
    const gbSeconds = ((ms + billedInitMs) / 1000) * 0.5;
    const logGb = (invocations * 700) / 1024 ** 3;

    // SQS: per message a send (SNS or Scheduler), a receive (batched, counted 1) and a delete; plus the
    // event source mappings' idle long polls: ~5 pollers × one 20 s ReceiveMessage each, per mapping.
    const sqsRequests = (queueMessages + timersFired + heartbeats) * 3;
    const idlePolls = counts.sqsMappings * 5 * ((30 * 86_400) / 20);
    // KMS: SQS and SNS reuse data keys for 5 min; the heartbeat keeps the timers queue and the table's key busy.
    const kmsRequests = heartbeats * 3 + (queueMessages + events) * 2;

    const L = (
      service: string,
      item: string,
      quantity: number,
      price: keyof typeof PRICES,
      kind: Line['kind'] = 'usage',
    ): Line => ({
      service,
      item,
      quantity,
      unit: PRICES[price].unit,
      usd: quantity * PRICES[price].usd,
      kind,
    });
    const lines: Line[] = [
      L(
        'Lambda',
        `requests (API ${Math.round(apiRequests)}, relay, consumers, timers; heartbeat apart)`,
        invocations - heartbeats,
        'lambdaRequest',
      ),
      L('Lambda', 'duration arm64 512 MB (warm + 5% cold × 250 ms billed INIT)', gbSeconds, 'lambdaGbSecondArm'),
      L('Lambda', 'heartbeat timer every 5 min (requests)', heartbeats, 'lambdaRequest', 'fixed'),
      L('API Gateway', 'HTTP API requests', apiRequests, 'httpApiRequest'),
      L('DynamoDB', 'writes: API (db-work per route × mix)', apiWru, 'dynamoWru'),
      L('DynamoDB', 'writes: email sends (fan-out per email) + heartbeat', asyncWru, 'dynamoWru'),
      L('DynamoDB', 'reads: API + email sends', apiRru + asyncRru, 'dynamoRru'),
      L('DynamoDB', 'storage (~members, bookings, check-ins, GSIs)', storageGb, 'dynamoStorageGb'),
      L('DynamoDB', 'point-in-time recovery', storageGb, 'dynamoPitrGb'),
      L('SNS', 'publishes (one per outbox event; → SQS free)', events, 'snsPublish'),
      L('SQS', 'send + receive + delete per message', sqsRequests, 'sqsRequest'),
      L(
        'SQS',
        `idle long polls: ${counts.sqsMappings} event source mappings × 5 pollers / 20 s`,
        idlePolls,
        'sqsRequest',
        'fixed',
      ),
      L('Scheduler', 'one-time timers (reminders, check-ins, escalation timeouts)', timersFired, 'schedulerInvocation'),
      L('Scheduler', 'heartbeat schedule', heartbeats, 'schedulerInvocation', 'fixed'),
      L('SES', `emails (${Math.round(emailCount)})`, emailCount, 'sesEmail'),
      L('KMS', `customer managed key${counts.kmsKeys === 1 ? '' : 's'}`, counts.kmsKeys, 'kmsKey', 'fixed'),
      L('KMS', 'requests (data keys reused 5 min; heartbeat-driven)', kmsRequests, 'kmsRequest'),
      L('CloudWatch', `alarms (${counts.alarms} in ${counts.template})`, counts.alarms, 'cloudwatchAlarm', 'fixed'),
      L('CloudWatch', 'custom metric TimerHeartbeat (EMF)', 1, 'cloudwatchMetric', 'fixed'),
      L('CloudWatch', 'logs ingestion (~700 B per invocation)', logGb, 'logsIngestGb'),
      L('CloudWatch', 'logs storage', logGb, 'logsStorageGb'),
      L('Secrets Manager', `secrets (${counts.secrets})`, counts.secrets, 'secret', 'fixed'),
      L('Secrets Manager', 'GetSecretValue (once per cold start)', invocations * coldShare, 'secretsApi'),
    ];
    const smsLine = L('SMS', 'escalation SMS to leads (itemised apart)', sms, 'smsMessage');
    const usage = lines.filter((l) => l.kind === 'usage').reduce((s, l) => s + l.usd, 0);
    const fixed = lines.filter((l) => l.kind === 'fixed').reduce((s, l) => s + l.usd, 0);
    const ses = lines.filter((l) => l.service === 'SES').reduce((s, l) => s + l.usd, 0);
    const total = usage + fixed;

    const rows: Record<string, Cell>[] = [...lines, smsLine].map((l) => ({
      service: l.service,
      item: l.item,
      quantity: round(l.quantity, l.quantity < 10 ? 3 : 0),
      unit: l.unit,
      kind: l.kind,
      'USD/month': round(l.usd, 4),
    }));
    rows.push(
      {
        service: 'TOTAL',
        item: 'usage-driven (email only)',
        quantity: null,
        unit: '',
        kind: 'usage',
        'USD/month': round(usage, 3),
      },
      {
        service: 'TOTAL',
        item: 'fixed per stack (alarms, key, secrets, heartbeat, idle polls)',
        quantity: null,
        unit: '',
        kind: 'fixed',
        'USD/month': round(fixed, 3),
      },
      {
        service: 'TOTAL',
        item: 'email only, per organisation',
        quantity: null,
        unit: '',
        kind: '',
        'USD/month': round(total, 3),
      },
      { service: 'TOTAL', item: 'with SMS', quantity: null, unit: '', kind: '', 'USD/month': round(total + smsLine.usd, 3) },
    );
    return {
      title: 'Cost per organisation per month (1,000 members, 50 sessions a week)',
      columns: ['service', 'item', 'quantity', 'unit', 'kind', 'USD/month'],
      rows,
      targets: [
        {
          name: 'cost per org per month, email only (usage + fixed)',
          limit: '≤ $1.25',
          actual: `$${round(total, 2)} (usage $${round(usage, 2)}, of which SES $${round(ses, 2)}; fixed $${round(fixed, 2)})`,
          met: total <= 1.25,
        },
      ],
      notes: [
        `Mix per month: ${Math.round(m.sessionsPerMonth)} sessions × ${m.bookedPerSession} booked = ${Math.round(bookings)} bookings, ${Math.round(cancellations)} cancellations, ${Math.round(checkinsSent)} check-ins sent, ${Math.round(answers)} answered, ${m.newSignups} sign-ups, ${m.escalations} escalations, ${m.directoryViews} directory views, ${Math.round(apiRequests)} API requests, ${Math.round(emailCount)} emails, ${Math.round(events)} outbox events, ${Math.round(timersFired)} timers + ${heartbeats} heartbeats.`,
        `DynamoDB units per route from db-work (this run); per email ${round(perEmail.dynamoCallsPerEmail, 2)} calls, ${round(perEmail.rruPerEmail, 2)} RRU, ${round(perEmail.wruPerEmail, 2)} WRU from the fan-out (${fanout ? 'this run' : 'assumed: fan-out not run'}).`,
        `Lambda duration: ${round(overheadMs, 1)} ms handler overhead (latency section) + 6 ms per DynamoDB call, +40 ms per SES send; assumptions, not measured in AWS.`,
        'Prices: us-east-1 list, 2026-11-22 (bench/sections/cost.ts PRICES cites each); no free tier applied. SMS price assumed, itemised apart.',
        `From the template: ${counts.alarms} alarms, ${counts.kmsKeys} KMS key(s), ${counts.secrets} secrets, ${counts.functions} functions, ${counts.sqsMappings} SQS event source mappings.`,
      ],
      data: { lines, sms: smsLine, usage, fixed, total, mix: MIX, counts, emails, prices: PRICES },
    };
  },
};
