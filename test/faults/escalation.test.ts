import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoOutboxStore } from '../../bin/outbox-store.ts';
import { makeHandler as makeWebhook } from '../../functions/safeguarding/receive-escalation-webhook.ts';
import type { Facilitator } from '../../shared/domain/facilitators/facilitator.ts';
import { republishRelayFailures } from '../../shared/domain/operators/republish-outbox.ts';
import { acknowledgeEscalation } from '../../shared/domain/safeguarding/acknowledge-escalation.ts';
import { resolveEscalation } from '../../shared/domain/safeguarding/resolve-escalation.ts';
import { setLogSink } from '../../shared/runtime/logger.ts';
import { signWebhook } from '../../shared/runtime/standard-webhooks.ts';
import { OUTBOX_KIND } from '../../shared/table-definition.ts';
import { validEscalation } from '../domain/safeguarding/helpers.ts';
import { invoke } from '../functions/members/helpers.ts';
import { TEST_WEBHOOK_SECRET } from '../support/deps.ts';
import { httpEvent } from '../support/events.ts';
import { captureLogs, type Pipeline, pipeline } from './pipeline.ts';

/**
 * The fault matrix of the escalation fan-out (README "Fault matrix", `npm run fault-matrix`):
 * webhook → outbox → stream relay → SNS safeguarding-escalations → escalation-email / escalation-sms
 * → escalation-timeout timers moving it up to the deputies; trustee mail. Each `describe` is a path
 * (`fault: <path>`), each `it` a failure (`<failure>[: detail] → <outcome>`).
 */

const LEAD = 'lead@example.org';
const LEAD_PHONE = '+447700900123';
const DEPUTY = 'deputy@example.org';
const DEPUTY_PHONE = '+447700900456';
const FACILITATOR = validEscalation.facilitatorEmail;

function webhookEvent(body: string, id = `msg_${Math.random().toString(36).slice(2)}`) {
  const ts = Math.floor(Date.now() / 1000);
  return httpEvent('POST', '/webhooks/escalations', {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signWebhook(TEST_WEBHOOK_SECRET, id, ts, body),
    },
  });
}

/** Raises an escalation through the real webhook handler; returns its id. */
async function raise(p: Pipeline, overrides: Partial<typeof validEscalation> = {}, id?: string): Promise<string> {
  const response = await invoke(makeWebhook(p.deps), webhookEvent(JSON.stringify({ ...validEscalation, ...overrides }), id));
  expect(response.status).toBe(202);
  return JSON.parse(response.body).escalationId;
}

/** The escalation's events as they reach the consumer queues. */
async function relayed(p: Pipeline) {
  await p.relay();
}

// The handlers' log lines are asserted where they matter (captureLogs); the rest are kept quiet.
let restoreLogs: ReturnType<typeof setLogSink>;
beforeAll(() => {
  restoreLogs = setLogSink(() => undefined);
});
afterAll(() => {
  setLogSink(restoreLogs);
});

const noDeadLetters = (p: Pipeline) => expect(p.deadLetters()).toEqual([]);

describe('fault: escalation webhook', () => {
  it('DynamoDB unavailable → 503, nothing written; the sender’s retry is delivered once', async () => {
    const p = await pipeline();
    p.table.fail(1, 'server-error', { command: 'TransactWriteCommand' });
    const body = JSON.stringify(validEscalation);
    const event = webhookEvent(body, 'msg_retry');
    const failed = await invoke(makeWebhook(p.deps), event);
    expect(failed.status).toBe(503);
    await p.settle();
    expect(p.sentTo(LEAD)).toHaveLength(0);
    // The form tool retries the same delivery (same webhook id)
    expect((await invoke(makeWebhook(p.deps), event)).status).toBe(202);
    await p.settle();
    expect(p.sentTo(LEAD)).toHaveLength(1);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('DynamoDB unavailable: network error → 503, the retry is delivered once', async () => {
    const p = await pipeline();
    p.table.fail(1, 'network', { command: 'TransactWriteCommand' });
    const event = webhookEvent(JSON.stringify(validEscalation), 'msg_net');
    expect((await invoke(makeWebhook(p.deps), event)).status).toBe(503);
    expect((await invoke(makeWebhook(p.deps), event)).status).toBe(202);
    await p.settle();
    expect(p.sentTo(LEAD)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('duplicate delivery: the same webhook id twice → one escalation, alerted once', async () => {
    const p = await pipeline();
    const a = await raise(p, {}, 'msg_dup');
    const b = await raise(p, {}, 'msg_dup');
    expect(b).toBe(a);
    await p.settle();
    expect(p.sentTo(LEAD)).toHaveLength(1);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
  });

  it('conditional-check race: the same webhook id twice at once → one escalation, alerted once', async () => {
    const p = await pipeline();
    const event = webhookEvent(JSON.stringify(validEscalation), 'msg_race');
    const [a, b] = await Promise.all([invoke(makeWebhook(p.deps), event), invoke(makeWebhook(p.deps), event)]);
    expect([a.status, b.status].sort()).toEqual([202, 202]);
    expect(JSON.parse(a.body).escalationId).toBe(JSON.parse(b.body).escalationId);
    await p.settle();
    expect(p.sentTo(LEAD)).toHaveLength(1);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
  });
});

describe('fault: outbox relay', () => {
  it('SNS publish error → retried, published once, delivered once', async () => {
    const p = await pipeline();
    p.events.failPublish(2, 'server-error');
    await raise(p);
    await p.settle();
    expect(p.published.filter((e) => e.includes('EscalationRaised'))).toHaveLength(1);
    expect(p.sentTo(LEAD)).toHaveLength(1);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
    expect(p.stream.deadLetters()).toEqual([]);
  });

  it('SNS publish error: throttling → retried, published once', async () => {
    const p = await pipeline();
    p.events.failPublish(3, 'throttling');
    await raise(p);
    await p.settle();
    expect(p.published.filter((e) => e.includes('EscalationRaised'))).toHaveLength(1);
    expect(p.sentTo(LEAD)).toHaveLength(1);
  });

  it('poison stream record → relay DLQ (position kept); the records after it are still delivered', async () => {
    const p = await pipeline();
    // A malformed outbox item (a bug): no topic
    const { lines } = await captureLogs(async () => {
      await p.table.client.send(
        new PutCommand({
          TableName: p.table.tableName,
          Item: { pk: 'OUTBOX#bad', sk: 'OUTBOX', kind: OUTBOX_KIND, event: { id: 'bad', type: 'X', occurredAt: 'x', data: {} } },
        }),
      );
      await raise(p);
      await p.settle();
    });
    expect(p.stream.deadLetters()).toHaveLength(1);
    expect(p.sentTo(LEAD)).toHaveLength(1);
    expect(lines.some((l) => l.includes('stream record failed'))).toBe(true);
  });

  it('SNS publish error: SNS down for longer than the relay retries → DLQ+alarm (position, not content); the operator republishes; lead alerted once', async () => {
    const p = await pipeline();
    await raise(p); // alerted before the outage
    await p.settle();
    p.events.failPublish(5, 'network'); // every attempt the relay makes for the next record
    const lost = await raise(p, { memberRef: 'R-123' });
    await p.settle();
    expect(p.sentTo(LEAD)).toHaveLength(1);
    const letters = p.stream.deadLetters();
    expect(letters).toHaveLength(1);
    expect(JSON.parse(letters[0]!.body).DDBStreamBatchInfo).toMatchObject({ batchSize: 1 });
    expect(letters[0]!.body).not.toContain(lost);
    expect(letters[0]!.body).not.toContain('R-123');

    // SNS is back: the operator runs `outbox republish`
    const report = await republishRelayFailures({
      outbox: createDynamoOutboxStore(p.table),
      relayFailures: {
        list: async () => p.stream.deadLetters().map((l) => ({ id: l.messageId, body: l.body })),
        remove: async (ids) => void p.stream.removeDeadLetters(ids),
        release: async () => {},
      },
      clock: p.deps.clock,
    });
    await p.settle();

    // Both events in the window went out again; the consumers alerted once per escalation
    expect(report.events.filter((e) => e.type === 'EscalationRaised')).toHaveLength(2);
    expect(report.removed).toBe(1);
    const leads = p.sentTo(LEAD);
    expect(leads).toHaveLength(2);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(2);
    expect(new Set(leads.map((m) => m.subject)).size).toBe(2);
    expect(p.stream.deadLetters()).toEqual([]);
    noDeadLetters(p);
  });

  it('SNS publish error: a network error on the first of two records → retried from it, each event published once', async () => {
    const p = await pipeline();
    p.events.failPublish(1, 'network');
    await raise(p);
    await raise(p);
    await p.settle();
    expect(p.published.filter((e) => e.includes('EscalationRaised'))).toHaveLength(2);
    expect(p.sentTo(LEAD)).toHaveLength(2);
  });

  it('Lambda timeout: the relay times out mid-batch (the second publish hangs) → the batch is published again; each lead alerted once per escalation', async () => {
    const p = await pipeline({ relayTimeoutMs: 500 });
    await raise(p);
    await raise(p);
    // The first publish goes through; the second hangs until the relay's deadline
    let publishes = 0;
    p.events.failPublish(1, 'hang', () => ++publishes === 2);
    await p.settle();
    const raised = p.published.filter((e) => e.includes('EscalationRaised'));
    expect(raised).toHaveLength(3); // the first one twice: SNS gets duplicates, the consumers absorb them
    expect(new Set(raised).size).toBe(2);
    const leads = p.sentTo(LEAD);
    expect(leads).toHaveLength(2);
    expect(new Set(leads.map((m) => m.subject)).size).toBe(2);
    expect(p.stream.deadLetters()).toEqual([]);
  });
});

describe('fault: escalation email', () => {
  it('SES throttling → retried, delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.mail.failSend(2, 'throttling', LEAD);
    const run = await p.run('escalation-email');
    expect(run.receives).toBe(3);
    expect(p.sentTo(LEAD)).toHaveLength(1);
    expect(p.sentTo(FACILITATOR)).toHaveLength(1); // the debrief task, once
    noDeadLetters(p);
  });

  it('SES throttling: on every receive → DLQ with alarm; the acknowledgement timeout is still set', async () => {
    const p = await pipeline();
    const id = await raise(p);
    await relayed(p);
    p.mail.failSend(5, 'throttling', LEAD);
    const run = await p.run('escalation-email');
    expect(run.deadLetters).toHaveLength(1);
    expect(p.sentTo(LEAD)).toHaveLength(0);
    // The escalation still moves up to the deputies when its timeout fires
    expect([...p.deps.scheduler.timers.keys()]).toContain(`escalation-timeout-${id}-0-0`);
  });

  it('SES suppression: the lead’s address is on the account suppression list → SMS instead (once), ALARM line', async () => {
    const p = await pipeline();
    p.deps.mail.suppressed.add(LEAD);
    await raise(p, { urgency: 'routine' }); // routine: no escalation-sms consumer, so the SMS is the fallback's
    await relayed(p);
    const { lines } = await captureLogs(() => p.run('escalation-email'));
    expect(p.sentTo(LEAD)).toHaveLength(0);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
    expect(lines.filter((l) => l.includes('ALARM escalation contact suppressed'))).toHaveLength(1);
  });

  it('SES suppression: with the SMS consumer too (immediate) → one SMS to the lead, not two', async () => {
    const p = await pipeline();
    p.deps.mail.suppressed.add(LEAD);
    await raise(p);
    await captureLogs(() => p.settle());
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
  });

  it('DynamoDB unavailable: claiming the delivery → retried, delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.table.fail(2, 'throttling', { pkPrefix: 'DELIVERY#' });
    await p.run('escalation-email');
    expect(p.sentTo(LEAD)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('DynamoDB unavailable: reading the escalation → retried, delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.table.fail(3, 'server-error', { command: 'GetCommand', pkPrefix: 'ESCALATION#' });
    await p.run('escalation-email');
    expect(p.sentTo(LEAD)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('DynamoDB unavailable: recording the delivery after the send → delivered once, not sent again', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.table.fail(1, 'server-error', { command: 'UpdateCommand', pkPrefix: 'DELIVERY#' });
    await captureLogs(() => p.run('escalation-email'));
    expect(p.sentTo(LEAD)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('Scheduler error: the acknowledgement timeout cannot be set → retried, timer set, delivered once', async () => {
    const p = await pipeline();
    const id = await raise(p);
    await relayed(p);
    p.scheduler.failSchedule(2, 'throttling');
    await p.run('escalation-email');
    expect([...p.deps.scheduler.timers.keys()]).toContain(`escalation-timeout-${id}-0-0`);
    expect(p.sentTo(LEAD)).toHaveLength(1);
  });

  it('duplicate delivery of the same SQS message → delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    const q = p.queue('escalation-email');
    const [message] = q.receive(1);
    q.delete(message!.messageId);
    q.send(message!.body, message!.attributes);
    q.send(message!.body, message!.attributes);
    await p.run('escalation-email', { batchSize: 1 });
    await p.run('escalation-email');
    expect(p.sentTo(LEAD)).toHaveLength(1);
    expect(p.sentTo(FACILITATOR)).toHaveLength(1);
  });

  it('conditional-check race: two workers on the same message at once → delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    const q = p.queue('escalation-email');
    const [message] = q.receive(1);
    q.delete(message!.messageId);
    const record = (mid: string) => ({ Records: [{ messageId: mid, body: message!.body }] }) as never;
    const handler = p.handler('escalation-email');
    const results = await Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]);
    expect(p.sentTo(LEAD)).toHaveLength(1);
    // A worker that lost the race and finds the delivery unfinished must not swallow the message
    const failed = results.flatMap((r) => r?.batchItemFailures ?? []);
    for (const _ of failed) q.send(message!.body, message!.attributes);
    await p.run('escalation-email');
    expect(p.sentTo(LEAD)).toHaveLength(1);
    expect(p.sentTo(FACILITATOR)).toHaveLength(1);
  });

  it('poison record: in a batch with good ones → the poison one in the DLQ, the good ones delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.queue('escalation-email').send('{"not":"an escalation event"}');
    const run = await captureLogs(() => p.run('escalation-email'));
    expect(run.result.deadLetters).toHaveLength(1);
    expect(run.result.deadLetters[0]?.body).toContain('not');
    expect(p.sentTo(LEAD)).toHaveLength(1);
  });

  it('Lambda timeout: mid-batch (one send hangs) → nothing acknowledged; the re-run sends only what is missing', async () => {
    const p = await pipeline();
    await raise(p);
    await raise(p);
    await relayed(p);
    p.mail.failSend(1, 'hang', LEAD);
    const q = p.queue('escalation-email');
    const run = await p.run('escalation-email', { timeoutMs: 500 });
    expect(run.receives).toBe(2); // the timed-out batch came back whole
    expect(q.depth().messages).toBe(0);
    noDeadLetters(p);
    const leads = p.sentTo(LEAD);
    expect(leads).toHaveLength(2);
    expect(new Set(leads.map((m) => m.subject)).size).toBe(2); // one per escalation, none twice
    expect(p.sentTo(FACILITATOR)).toHaveLength(2);
  });
});

describe('fault: escalation email', () => {
  it('Lambda timeout: after SES accepted the email, before it was recorded → sent again once after the lease (at-least-once: a duplicate page beats a lost one)', async () => {
    const p = await pipeline();
    await raise(p, { urgency: 'routine' });
    await relayed(p);
    p.mail.failSend(1, 'hang-after', LEAD);
    const run = await p.run('escalation-email', { timeoutMs: 300 });
    expect(run.receives).toBe(2);
    expect(p.sentTo(LEAD)).toHaveLength(2);
    noDeadLetters(p);
  });

  it('SMS failure: the fallback SMS for a suppressed lead fails → retried, one SMS', async () => {
    const p = await pipeline();
    p.deps.mail.suppressed.add(LEAD);
    await raise(p, { urgency: 'routine' });
    await relayed(p);
    p.sms.failSend(2, 'server-error');
    await captureLogs(() => p.run('escalation-email'));
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
    noDeadLetters(p);
  });
});

describe('fault: escalation sms', () => {
  it('poison record: in a batch with a good one → the poison one in the DLQ, the good one delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.queue('escalation-sms').send('not json');
    expect((await p.run('escalation-sms')).deadLetters).toHaveLength(1);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
  });

  it('SMS failure → retried, delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.sms.failSend(2, 'server-error');
    const run = await p.run('escalation-sms');
    expect(run.receives).toBe(3);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('SMS failure: on every receive → DLQ with alarm; the email still goes', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.sms.failSend(5, 'throttling');
    const run = await p.run('escalation-sms');
    expect(run.deadLetters).toHaveLength(1);
    await p.run('escalation-email');
    expect(p.sentTo(LEAD)).toHaveLength(1);
  });

  it('DynamoDB unavailable → retried, delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.table.fail(2, 'network');
    await p.run('escalation-sms');
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
    noDeadLetters(p);
  });

  it('duplicate delivery of the same SQS message → delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    const q = p.queue('escalation-sms');
    const [message] = q.receive(1);
    q.delete(message!.messageId);
    q.send(message!.body, message!.attributes);
    q.send(message!.body, message!.attributes);
    await p.run('escalation-sms');
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
  });

  it('conditional-check race: two workers on the same message at once → delivered once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    const [message] = p.queue('escalation-sms').receive(1);
    const handler = p.handler('escalation-sms');
    const record = (mid: string) => ({ Records: [{ messageId: mid, body: message!.body }] }) as never;
    await Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
  });

  it('Lambda timeout: the SMS publish hangs → not acknowledged, re-run delivers once', async () => {
    const p = await pipeline();
    await raise(p);
    await relayed(p);
    p.sms.failSend(1, 'hang');
    const run = await p.run('escalation-sms', { timeoutMs: 300 });
    expect(run.receives).toBe(2);
    expect(p.smsTo(LEAD_PHONE)).toHaveLength(1);
    noDeadLetters(p);
  });
});

describe('fault: escalation timeout', () => {
  /** Raised, alerted, and its level-0 timeout due. */
  async function dueTimeout() {
    const p = await pipeline();
    const id = await raise(p);
    await p.settle();
    p.deps.clock.advance(11 * 60_000);
    return { p, id };
  }

  it('timer fired twice → moved up once, the deputy alerted once', async () => {
    const { p, id } = await dueTimeout();
    const timer = p.deps.scheduler.timers.get(`escalation-timeout-${id}-0-0`)!;
    p.fireDueTimers();
    p.queue('timers').send(JSON.stringify({ ...timer.payload, name: timer.name, dueAt: timer.at.toISOString() }));
    await p.run('timers');
    await p.settle();
    expect((await p.deps.escalations.get(id))?.level).toBe(1);
    expect(p.sentTo(DEPUTY)).toHaveLength(1);
    expect(p.smsTo(DEPUTY_PHONE)).toHaveLength(1);
  });

  it('timer fired late: after the acknowledgement → nothing moves, nobody else alerted', async () => {
    const { p, id } = await dueTimeout();
    const escalation = await p.deps.escalations.get(id);
    await acknowledgeEscalation(p.deps, id, { code: escalation!.ackCode, name: 'Sam Lead' });
    p.deps.clock.advance(60 * 60_000);
    p.fireDueTimers();
    await p.run('timers');
    await p.settle();
    expect((await p.deps.escalations.get(id))?.status).toBe('acknowledged');
    expect(p.sentTo(DEPUTY)).toHaveLength(0);
  });

  it('timer fired late: still open an hour later → moved up once, the deputy alerted once', async () => {
    const { p, id } = await dueTimeout();
    p.deps.clock.advance(60 * 60_000);
    p.fireDueTimers();
    await p.run('timers');
    await p.settle();
    expect((await p.deps.escalations.get(id))?.level).toBe(1);
    expect(p.sentTo(DEPUTY)).toHaveLength(1);
  });

  it('DynamoDB unavailable: the move-up transaction → retried, moved up once', async () => {
    const { p, id } = await dueTimeout();
    p.fireDueTimers();
    p.table.fail(2, 'throttling', { command: 'TransactWriteCommand' });
    const run = await p.run('timers');
    expect(run.receives).toBe(3);
    await p.settle();
    expect((await p.deps.escalations.get(id))?.level).toBe(1);
    expect(p.sentTo(DEPUTY)).toHaveLength(1);
  });

  it('conditional-check race: two workers fire the same timeout at once → moved up once, deputy alerted once', async () => {
    const { p, id } = await dueTimeout();
    const timer = p.deps.scheduler.timers.get(`escalation-timeout-${id}-0-0`)!;
    const body = JSON.stringify({ ...timer.payload, name: timer.name, dueAt: timer.at.toISOString() });
    const handler = p.handler('timers');
    const record = (mid: string) => ({ Records: [{ messageId: mid, body }] }) as never;
    const results = await Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]);
    expect(results.flatMap((r) => r?.batchItemFailures ?? [])).toEqual([]);
    await p.settle();
    expect((await p.deps.escalations.get(id))?.level).toBe(1);
    expect(p.sentTo(DEPUTY)).toHaveLength(1);
    const moved = (await p.deps.escalations.timeline(id)).filter((e) => e.type === 'moved_up');
    expect(moved).toHaveLength(1);
  });

  it('Lambda timeout: the move-up was written, then the worker timed out → the re-run finds it moved; moved up once, deputy alerted once', async () => {
    const { p, id } = await dueTimeout();
    p.fireDueTimers();
    p.table.fail(1, 'hang-after', { command: 'TransactWriteCommand' });
    const run = await p.run('timers', { timeoutMs: 300 });
    expect(run.receives).toBe(2);
    await p.settle();
    expect((await p.deps.escalations.get(id))?.level).toBe(1);
    expect(p.sentTo(DEPUTY)).toHaveLength(1);
    expect((await p.deps.escalations.timeline(id)).filter((e) => e.type === 'moved_up')).toHaveLength(1);
  });

  it('poison record: a timer of an unknown kind → DLQ with alarm', async () => {
    const p = await pipeline();
    p.queue('timers').send('{"name":"x","kind":"no-such-kind"}');
    const { result } = await captureLogs(() => p.run('timers'));
    expect(result.deadLetters).toHaveLength(1);
  });

  it('SES throttling: the operator email after every level → retried, sent once, marked once', async () => {
    const p = await pipeline();
    const id = await raise(p);
    await p.settle();
    const { lines } = await captureLogs(async () => {
      // Through every level, repeatCount + 1 rounds
      for (let i = 0; i < 9; i++) {
        p.deps.clock.advance(16 * 60_000);
        if (i === 8) p.mail.failSend(2, 'throttling', 'ops@example.org');
        p.fireDueTimers();
        await p.run('timers');
        await p.settle();
      }
    });
    expect((await p.deps.escalations.get(id))?.status).toBe('unacknowledged_after_all_levels');
    expect(p.sentTo('ops@example.org')).toHaveLength(1);
    expect(lines.filter((l) => l.includes('ALARM escalation unacknowledged after all levels'))).toHaveLength(1);
  });
});

describe('fault: trustee mail', () => {
  async function resolvedWithSeriousHarm() {
    const p = await pipeline();
    const id = await raise(p);
    await p.settle();
    const escalation = await p.deps.escalations.get(id);
    await acknowledgeEscalation(p.deps, id, { code: escalation!.ackCode, name: 'Sam Lead' });
    const lead = { facilitatorId: 'f-lead', role: 'safeguarding_lead', displayName: 'Sam Lead' } as Facilitator;
    await resolveEscalation(p.deps, lead, id, { outcome: 'emergency_services', seriousHarm: true });
    await p.relay();
    return p;
  }

  it('SES throttling → retried, delivered once', async () => {
    const p = await resolvedWithSeriousHarm();
    p.mail.failSend(3, 'throttling', 'trustees@example.org');
    await p.run('trustee-mail');
    expect(p.sentTo('trustees@example.org')).toHaveLength(1);
    noDeadLetters(p);
  });

  it('SES throttling: on every receive → DLQ with alarm', async () => {
    const p = await resolvedWithSeriousHarm();
    p.mail.failSend(5, 'throttling', 'trustees@example.org');
    expect((await p.run('trustee-mail')).deadLetters).toHaveLength(1);
  });

  it('DynamoDB unavailable → retried, delivered once', async () => {
    const p = await resolvedWithSeriousHarm();
    p.table.fail(2, 'server-error');
    await p.run('trustee-mail');
    expect(p.sentTo('trustees@example.org')).toHaveLength(1);
  });

  it('duplicate delivery of the same SQS message → delivered once', async () => {
    const p = await resolvedWithSeriousHarm();
    const q = p.queue('trustee-mail');
    const [message] = q.receive(1);
    q.delete(message!.messageId);
    q.send(message!.body, message!.attributes);
    q.send(message!.body, message!.attributes);
    await p.run('trustee-mail');
    expect(p.sentTo('trustees@example.org')).toHaveLength(1);
  });

  it('poison record: a body that is not a serious-harm event → DLQ with alarm', async () => {
    const p = await pipeline();
    p.queue('trustee-mail').send('{"type":"EscalationSeriousHarmReported"}');
    expect((await p.run('trustee-mail')).deadLetters).toHaveLength(1);
  });

  it('conditional-check race: two workers on the same message at once → delivered once', async () => {
    const p = await resolvedWithSeriousHarm();
    const [message] = p.queue('trustee-mail').receive(1);
    const handler = p.handler('trustee-mail');
    const record = (mid: string) => ({ Records: [{ messageId: mid, body: message!.body }] }) as never;
    await Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]);
    expect(p.sentTo('trustees@example.org')).toHaveLength(1);
  });

  it('Lambda timeout: the send hangs → not acknowledged, re-run delivers once', async () => {
    const p = await resolvedWithSeriousHarm();
    p.mail.failSend(1, 'hang', 'trustees@example.org');
    const run = await p.run('trustee-mail', { timeoutMs: 300 });
    expect(run.receives).toBe(2);
    expect(p.sentTo('trustees@example.org')).toHaveLength(1);
  });
});

describe('fault: heartbeat', () => {
  const beat = (dueAt?: string) => JSON.stringify({ name: 'heartbeat', kind: 'heartbeat', ...(dueAt ? { dueAt } : {}) });

  it('DynamoDB unavailable → retried, recorded', async () => {
    const p = await pipeline();
    p.table.fail(2, 'throttling', { pkPrefix: 'HEARTBEAT' });
    p.queue('timers').send(beat());
    const { result } = await captureLogs(() => p.run('timers'));
    expect(result.receives).toBe(3);
    expect(await p.deps.heartbeats.last()).toBeDefined();
  });

  it('DynamoDB unavailable: on every receive → DLQ with alarm (and the missing-heartbeat alarm)', async () => {
    const p = await pipeline();
    p.table.fail(5, 'server-error', { pkPrefix: 'HEARTBEAT' });
    p.queue('timers').send(beat());
    const { result } = await captureLogs(() => p.run('timers'));
    expect(result.deadLetters).toHaveLength(1);
    expect(await p.deps.heartbeats.last()).toBeUndefined();
  });

  it('conditional-check race: two workers record the same beat at once → recorded once, no failure', async () => {
    const p = await pipeline();
    const handler = p.handler('timers');
    const record = (mid: string) => ({ Records: [{ messageId: mid, body: beat('2026-11-22T10:00:00.000Z') }] }) as never;
    const results = await captureLogs(() => Promise.all([handler(record('a'), {} as never), handler(record('b'), {} as never)]));
    expect(results.result.flatMap((r) => r?.batchItemFailures ?? [])).toEqual([]);
    expect((await p.deps.heartbeats.last())?.dueAt).toBe('2026-11-22T10:00:00.000Z');
  });

  it('timer fired twice → recorded, the time never moves back', async () => {
    const p = await pipeline();
    p.queue('timers').send(beat('2026-11-22T10:00:00.000Z'));
    p.queue('timers').send(beat('2026-11-22T10:00:00.000Z'));
    await captureLogs(() => p.run('timers'));
    expect((await p.deps.heartbeats.last())?.dueAt).toBe('2026-11-22T10:00:00.000Z');
  });

  it('timer fired late: an older beat after a newer one → the recorded time does not move back', async () => {
    const p = await pipeline();
    p.queue('timers').send(beat('2026-11-22T10:05:00.000Z'));
    await captureLogs(() => p.run('timers'));
    const first = await p.deps.heartbeats.last();
    p.deps.clock.advance(-60_000 * 30);
    p.queue('timers').send(beat('2026-11-22T10:00:00.000Z'));
    await captureLogs(() => p.run('timers'));
    expect(await p.deps.heartbeats.last()).toEqual(first);
  });
});
