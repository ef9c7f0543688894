import { afterEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/safeguarding/receive-escalation-webhook.ts';
import { createDocumentClient } from '../../../shared/adapters/aws/dynamo/document-client.ts';
import { createDynamoEscalationRepository } from '../../../shared/adapters/aws/dynamo/escalation-repository.ts';
import { createUlids } from '../../../shared/adapters/ids.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { signWebhook } from '../../../shared/runtime/standard-webhooks.ts';
import { outboxItems, validEscalation } from '../../domain/safeguarding/helpers.ts';
import { TEST_WEBHOOK_PREVIOUS_SECRET, TEST_WEBHOOK_SECRET, testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { invoke } from '../members/helpers.ts';

const PATH = '/webhooks/escalations';

function signed(body: string, options: { id?: string; secret?: string; at?: number; headers?: Record<string, string> } = {}) {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const ts = Math.floor((options.at ?? Date.now()) / 1000);
  return httpEvent('POST', PATH, {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signWebhook(options.secret ?? TEST_WEBHOOK_SECRET, id, ts, body),
      ...options.headers,
    },
  });
}

const restore: (() => void)[] = [];
afterEach(() => {
  for (const fn of restore.splice(0)) fn();
});

describe('POST /webhooks/escalations', () => {
  it('answers 202 with the escalation id after storing it, and the same id for a repeated delivery', async () => {
    const deps = await testDeps();
    const handler = makeHandler(deps);
    const event = signed(JSON.stringify(validEscalation), { id: 'msg_same' });
    const first = await invoke(handler, event);
    expect(first.status).toBe(202);
    const { escalationId } = JSON.parse(first.body);
    expect((await deps.escalations.get(escalationId))?.status).toBe('open');
    const again = await invoke(handler, event);
    expect(again.status).toBe(202);
    expect(JSON.parse(again.body)).toEqual({ escalationId });
    expect(await outboxItems(deps)).toHaveLength(1);
  });

  it('accepts a signature made with the previous secret during a rotation', async () => {
    const deps = await testDeps();
    const res = await invoke(
      makeHandler(deps),
      signed(JSON.stringify(validEscalation), { secret: TEST_WEBHOOK_PREVIOUS_SECRET }),
    );
    expect(res.status).toBe(202);
  });

  it('checks the timestamp against real time, not the application clock', async () => {
    const deps = await testDeps(); // the application clock says 2026-11-22T10:00Z
    deps.clock.set('2020-01-01T00:00:00Z');
    expect((await invoke(makeHandler(deps), signed(JSON.stringify(validEscalation)))).status).toBe(202);
    const stale = signed(JSON.stringify(validEscalation), { at: Date.now() - 6 * 60_000 });
    expect((await invoke(makeHandler(deps), stale)).status).toBe(401);
  });

  it('answers 401 and stores nothing for a bad signature, a tampered body, or missing headers', async () => {
    const deps = await testDeps();
    const handler = makeHandler(deps);
    const body = JSON.stringify(validEscalation);
    const wrongSecret = signed(body, { secret: `whsec_${Buffer.from('not-the-secret-at-all-000').toString('base64')}` });
    const tampered = { ...signed(body), body: body.replace('immediate', 'routine') };
    const missing = signed(body);
    delete missing.headers['webhook-signature'];
    for (const event of [wrongSecret, tampered, missing]) {
      const res = await invoke(handler, event);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).error.code).toBe('unauthorized');
    }
    expect(await outboxItems(deps)).toHaveLength(0);
  });

  it('verifies the signature before parsing: an unsigned malformed body is 401, not 400', async () => {
    const deps = await testDeps();
    const event = signed('{not json');
    event.headers['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')}`;
    expect((await invoke(makeHandler(deps), event)).status).toBe(401);
  });

  it('answers 400 with field messages for a signed but invalid body, and 400 for signed malformed JSON', async () => {
    const deps = await testDeps();
    const handler = makeHandler(deps);
    const res = await invoke(
      handler,
      signed(JSON.stringify({ ...validEscalation, category: 'worry', urgency: 'soon', summary: '', facilitatorEmail: 'nope' })),
    );
    expect(res.status).toBe(400);
    expect(Object.keys(JSON.parse(res.body).error.fields).sort()).toEqual(['category', 'facilitatorEmail', 'summary', 'urgency']);
    const malformed = await invoke(handler, signed('{"summary":'));
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.fields).toEqual({ body: 'must be valid JSON' });
    expect(await outboxItems(deps)).toHaveLength(0);
  });

  it('answers 415 for a signed body that is not JSON', async () => {
    const deps = await testDeps();
    const res = await invoke(
      makeHandler(deps),
      signed('a=b', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    );
    expect(res.status).toBe(415);
  });

  it('answers 413 over 64 KB before anything else', async () => {
    const deps = await testDeps();
    const big = JSON.stringify({ ...validEscalation, summary: 'x'.repeat(64 * 1024) });
    expect((await invoke(makeHandler(deps), signed(big))).status).toBe(413);
  });

  it('answers 503 with Retry-After when storage is down, so the sender retries', async () => {
    const deps = await testDeps();
    const down = createDocumentClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const escalations = createDynamoEscalationRepository(
      { client: down, tableName: deps.table.tableName },
      createUlids(deps.clock),
    );
    const lines: string[] = [];
    restore.push(
      (
        (prev) => () =>
          setLogSink(prev)
      )(setLogSink((line) => lines.push(line))),
    );
    const res = await invoke(makeHandler({ ...deps, escalations }), signed(JSON.stringify(validEscalation)));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(lines.join('\n')).not.toContain('described a plan');
  });

  it('answers 503 when the secret cannot be read', async () => {
    const deps = await testDeps();
    const webhookSecrets = {
      keys: async () => {
        throw Object.assign(new Error('Secrets Manager down'), { name: 'ServiceUnavailable' });
      },
    };
    expect((await invoke(makeHandler({ ...deps, webhookSecrets }), signed(JSON.stringify(validEscalation)))).status).toBe(503);
  });

  it('logs no part of the body', async () => {
    const deps = await testDeps();
    const lines: string[] = [];
    restore.push(
      (
        (prev) => () =>
          setLogSink(prev)
      )(setLogSink((line) => lines.push(line))),
    );
    const sentinel = 'SENTINEL-7b1c';
    const body = JSON.stringify({
      ...validEscalation,
      summary: sentinel,
      facts: sentinel,
      opinion: sentinel,
      memberRef: sentinel,
    });
    expect((await invoke(makeHandler(deps), signed(body))).status).toBe(202);
    expect((await invoke(makeHandler(deps), signed(JSON.stringify({ ...JSON.parse(body), urgency: 1 })))).status).toBe(400);
    const tampered = { ...signed(body), body: body.replace('immediate', 'routine') };
    expect((await invoke(makeHandler(deps), tampered)).status).toBe(401);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(sentinel);
  });
});
