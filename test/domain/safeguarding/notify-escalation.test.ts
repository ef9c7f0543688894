import { afterEach, describe, expect, it } from 'vitest';
import { makeHandler as makeEmailHandler } from '../../../functions/safeguarding/send-escalation-email.ts';
import { makeHandler as makeSmsHandler } from '../../../functions/safeguarding/send-escalation-sms.ts';
import {
  escalationTimerName,
  notifyEscalation,
  parseEscalationAlertEvent,
} from '../../../shared/domain/safeguarding/notify-escalation.ts';
import { raiseEscalation } from '../../../shared/domain/safeguarding/raise-escalation.ts';
import type { EmailMessage } from '../../../shared/ports/index.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { testDeps } from '../../support/deps.ts';
import { outboxItems, validEscalation } from './helpers.ts';

const SENTINEL = 'SENTINEL-3f9a';
const secretRecord = {
  ...validEscalation,
  summary: SENTINEL,
  facts: SENTINEL,
  opinion: SENTINEL,
  memberRef: SENTINEL,
  actionsTaken: SENTINEL,
};

async function raised(overrides: Partial<typeof validEscalation> = {}) {
  const deps = await testDeps();
  const { escalationId } = await raiseEscalation(
    deps,
    { ...secretRecord, ...overrides },
    { kind: 'webhook', webhookId: `msg_${Math.random()}` },
  );
  const [item] = await outboxItems(deps);
  const body = JSON.stringify(item?.event);
  return { deps, escalationId, body, event: parseEscalationAlertEvent(body) };
}

const alerts = (deps: { mail: { sent: EmailMessage[] } }) =>
  deps.mail.sent.filter((m) => m.to !== validEscalation.facilitatorEmail);

const sqsEvent = (body: string, messageId = 'm-1') => ({ Records: [{ messageId, body }] }) as never;

let restoreSink: (() => void) | undefined;
afterEach(() => restoreSink?.());
function captureLogs() {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  restoreSink = () => setLogSink(previous);
  return lines;
}

describe('escalation alerts', () => {
  it('emails the current level’s contacts on the staff stream: thin, with the code and link, no List-Unsubscribe', async () => {
    const { deps, escalationId, event } = await raised();
    const lines = captureLogs();
    expect(await notifyEscalation(deps, event, 'email')).toEqual({ status: 'notified', sent: 1, duplicates: 0 });
    const escalation = await deps.escalations.get(escalationId);
    const [mail, ...more] = alerts(deps);
    expect(more).toHaveLength(0);
    expect(mail?.to).toBe('lead@example.org');
    expect(mail?.stream).toBe('staff');
    expect(deps.mail.urgentTo).toEqual(['lead@example.org']); // not paced behind a bulk send
    expect(mail?.headers?.['List-Unsubscribe']).toBeUndefined();
    expect(mail?.text).toContain(escalation!.reference);
    expect(mail?.text).toContain(`Acknowledgement code: ${escalation!.ackCode}`);
    expect(mail?.text).toContain(`http://kith.test/escalations/${escalationId}/acknowledge`);
    expect(mail?.text).not.toContain(`acknowledge?`); // the code is never in the URL
    const everything = JSON.stringify({ mail, lines });
    for (const leak of [SENTINEL, 'self_harm', 'self harm', 'sam@example.org']) expect(everything).not.toContain(leak);
    expect(await deps.escalations.timeline(escalationId)).toMatchObject([
      { type: 'raised' },
      { type: 'notified', level: 0, round: 0, channel: 'email', contact: 'Sam Lead' },
    ]);
  });

  it('texts the level’s contacts with a thin SMS', async () => {
    const { deps, escalationId, event } = await raised();
    await notifyEscalation(deps, event, 'sms');
    const escalation = await deps.escalations.get(escalationId);
    expect(deps.sms.sent).toHaveLength(1);
    expect(deps.sms.sent[0]?.to).toBe('+447700900123');
    expect(deps.sms.sent[0]?.body).toContain(`Code ${escalation!.ackCode}`);
    expect(deps.sms.sent[0]?.body).not.toContain(SENTINEL);
    expect(deps.sms.sent[0]?.body).not.toContain('self_harm');
  });

  it('schedules the level’s acknowledgement timeout from the urgency', async () => {
    const { deps, escalationId, event } = await raised({ urgency: 'same_day' });
    await notifyEscalation(deps, event, 'email');
    const timer = deps.scheduler.timers.get(escalationTimerName(escalationId, 0, 0));
    expect(timer?.at.toISOString()).toBe('2026-11-22T11:00:00.000Z'); // level 0 same_day: 60 minutes
    expect(timer?.payload).toEqual({ kind: 'escalation-timeout', escalationId, level: 0, round: 0 });
  });

  it('sends once per contact and channel however often the event is delivered', async () => {
    const { deps, body } = await raised();
    const email = makeEmailHandler(deps);
    const sms = makeSmsHandler(deps);
    await Promise.all([
      email(sqsEvent(body), {} as never),
      email(sqsEvent(body, 'm-2'), {} as never),
      sms(sqsEvent(body), {} as never),
    ]);
    await sms(sqsEvent(body), {} as never);
    expect(alerts(deps)).toHaveLength(1);
    expect(deps.mail.sent.filter((m) => m.to === validEscalation.facilitatorEmail)).toHaveLength(1); // the debrief
    expect(deps.sms.sent).toHaveLength(1);
  });

  it('reports SES throttling as a batch failure so the queue retries, then sends on the retry', async () => {
    const { deps, body } = await raised();
    const handler = makeEmailHandler(deps);
    deps.mail.failNext(1);
    expect(await handler(sqsEvent(body), {} as never)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(alerts(deps)).toHaveLength(0);
    expect(await handler(sqsEvent(body), {} as never)).toEqual({ batchItemFailures: [] });
    expect(alerts(deps)).toHaveLength(1);
  });

  it('texts a suppressed lead instead, records it on the timeline and logs an alarm line', async () => {
    const { deps, escalationId, event } = await raised({ urgency: 'routine' });
    deps.mail.suppressed.add('lead@example.org');
    const lines = captureLogs();
    await notifyEscalation(deps, event, 'email');
    await notifyEscalation(deps, event, 'email'); // redelivered: no second SMS, no second alarm
    expect(alerts(deps)).toHaveLength(0);
    expect(deps.sms.sent.map((s) => s.to)).toEqual(['+447700900123']);
    expect(lines.filter((l) => l.includes('ALARM escalation contact suppressed'))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('lead@example.org');
    expect(await deps.escalations.timeline(escalationId)).toMatchObject([
      { type: 'raised' },
      { type: 'notification_failed', channel: 'email', contact: 'Sam Lead', reason: 'suppressed' },
      { type: 'notified', channel: 'sms', contact: 'Sam Lead' },
    ]);
  });

  it('sends nothing for an event of a level or round the escalation has left', async () => {
    const { deps, event } = await raised();
    const stale = { ...event, data: { ...event.data, level: 1 } };
    expect(await notifyEscalation(deps, stale, 'email')).toEqual({ status: 'stale' });
    expect(deps.mail.sent).toHaveLength(0);
  });

  it('fails a malformed message so it is retried and then parked in the DLQ', async () => {
    const { deps } = await raised();
    expect(await makeSmsHandler(deps)(sqsEvent('{"nope":1}'), {} as never)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-1' }],
    });
  });

  it('emails the raising facilitator a debrief task with the debrief contact, once, and nothing of the record', async () => {
    const { deps, event, escalationId } = await raised();
    await notifyEscalation(deps, event, 'email');
    await notifyEscalation(deps, event, 'email');
    const debriefs = deps.mail.sent.filter((m) => m.to === validEscalation.facilitatorEmail);
    expect(debriefs).toHaveLength(1);
    expect(debriefs[0]?.text).toContain(deps.org.safeguarding.debriefContact.email);
    expect(debriefs[0]?.text).toContain((await deps.escalations.get(escalationId))!.reference);
    expect(JSON.stringify(debriefs)).not.toContain(SENTINEL);
  });
});
