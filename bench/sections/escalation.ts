import { setLogSink } from '../../shared/runtime/logger.ts';
import { signWebhook } from '../../shared/runtime/standard-webhooks.ts';
import { validEscalation } from '../../test/domain/safeguarding/helpers.ts';
import { startTestStack } from '../../test/support/local-stack.ts';
import type { BenchSection } from '../section.ts';
import { median, quantile, round, sleep } from '../support/stats.ts';

const TARGET_MS = 2000;

/**
 * On the real local stack (`npm start`'s, on a free port with a fresh data folder): a signed
 * escalation webhook (urgency immediate) over HTTP, then the time from its 202 to the first email
 * to the lead and the first SMS, as the local SES and SNS stand-ins receive them (their send
 * functions are wrapped to timestamp each call). Sequential escalations; median and p95.
 */
export const escalation: BenchSection = {
  id: 'escalation',
  title: 'Escalation: webhook 202 → first lead email and SMS (local stack)',
  async run(ctx) {
    const count = ctx.quick ? 5 : 24;
    const restoreSink = setLogSink(() => {});
    const stack = await startTestStack();
    const email: number[] = [];
    const sms: number[] = [];
    const failures: string[] = [];
    try {
      const secret = ((await stack.call('GET', '/_dev/webhook-secret')).json as { secret: string }).secret;
      // Timestamp every send the consumers make, by the escalation id in the message's link.
      const seen = new Map<string, { email?: number; sms?: number }>();
      const mark = (text: string, channel: 'email' | 'sms') => {
        const id = /escalations\/([0-9A-Z]{26})/.exec(text)?.[1];
        if (!id) return;
        const entry = seen.get(id) ?? {};
        entry[channel] ??= performance.now();
        seen.set(id, entry);
      };
      const mail = stack.deps.mail;
      const sendMail = mail.send.bind(mail);
      mail.send = async (message) => {
        const out = await sendMail(message);
        if (message.to === stack.deps.org.safeguarding.levels[0]?.contacts[0]?.email) mark(message.text, 'email');
        return out;
      };
      const smsOut = stack.deps.sms;
      const sendSms = smsOut.send.bind(smsOut);
      smsOut.send = async (to, body) => {
        const out = await sendSms(to, body);
        mark(body, 'sms');
        return out;
      };
      const body = JSON.stringify({ ...validEscalation, urgency: 'immediate' });
      for (let i = 0; i < count; i++) {
        const id = `msg_bench_${Date.now()}_${i}`;
        const ts = Math.floor(Date.now() / 1000);
        const response = await stack.call('POST', '/webhooks/escalations', body, {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': signWebhook(secret, id, ts, body),
        });
        const accepted = performance.now();
        if (response.status !== 202) {
          failures.push(`webhook answered ${response.status}`);
          continue;
        }
        const escalationId = String(response.json.escalationId);
        const deadline = accepted + 15_000;
        while (performance.now() < deadline) {
          const entry = seen.get(escalationId);
          if (entry?.email && entry.sms) break;
          await sleep(2);
        }
        const entry = seen.get(escalationId);
        if (!entry?.email || !entry.sms) {
          failures.push(`escalation ${i}: no ${entry?.email ? 'SMS' : 'email'} within 15 s`);
          continue;
        }
        email.push(entry.email - accepted);
        sms.push(entry.sms - accepted);
      }
    } finally {
      await stack.close();
      setLogSink(restoreSink);
    }
    const row = (what: string, samples: number[]) => ({
      'first notification': what,
      escalations: samples.length,
      'median ms': round(median(samples), 0),
      'p95 ms': round(quantile(samples, 0.95), 0),
      'max ms': round(Math.max(...samples), 0),
    });
    const first = email.map((e, i) => Math.min(e, sms[i] ?? e));
    return {
      title: 'Escalation: webhook 202 → first lead email and SMS (local stack)',
      columns: ['first notification', 'escalations', 'median ms', 'p95 ms', 'max ms'],
      rows: [row('lead email', email), row('lead SMS', sms), row('either', first)],
      targets: [
        {
          name: 'escalation → first lead email, median (local)',
          limit: `≤ ${TARGET_MS / 1000} s`,
          actual: `${round(median(email) / 1000, 2)} s (p95 ${round(quantile(email, 0.95) / 1000, 2)} s)`,
          met: median(email) <= TARGET_MS,
        },
        {
          name: 'escalation → first SMS, median (local)',
          limit: `≤ ${TARGET_MS / 1000} s`,
          actual: `${round(median(sms) / 1000, 2)} s (p95 ${round(quantile(sms, 0.95) / 1000, 2)} s)`,
          met: median(sms) <= TARGET_MS,
        },
      ],
      notes: [
        `${count} sequential escalations (urgency immediate) over HTTP to the local stack; time from the 202 to the stand-in's send call.`,
        "The path: webhook → one transaction (escalation + outbox) → DynamoDB Local's stream → relay → local topic → escalation-email and escalation-sms queues → consumers; the local pump polls every 150 ms (in AWS: the stream's and SQS's pollers).",
      ],
      data: { email, sms },
      failures,
    };
  },
};
