import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../shared/domain/errors.ts';
import { httpHandler, json } from '../../shared/runtime/http.ts';
import { setLogSink } from '../../shared/runtime/logger.ts';
import * as z from '../../shared/zod.ts';
import { httpEvent, lambdaContext } from '../support/events.ts';

const Body = z.object({ email: z.email({ message: 'must be an email address' }), nested: z.object({ ok: z.literal(true) }) });

describe('the HTTP handler factory', () => {
  let lines: string[];
  let restore: (line: string) => void;
  beforeEach(() => {
    lines = [];
    restore = setLogSink((l) => lines.push(l));
  });
  afterEach(() => {
    setLogSink(restore);
  });

  const handler = httpHandler(
    { body: Body, accepts: ['json', 'form'], fromForm: (f) => ({ email: f.email, nested: { ok: f.ok === 'on' } }) },
    async ({ body }) => json(200, { email: body.email }),
  );
  const post = (body: string, headers: Record<string, string>) =>
    handler(httpEvent('POST', '/x', { body, headers }), lambdaContext);

  it('accepts valid JSON and a valid form alike', async () => {
    expect((await post('{"email":"a@b.org","nested":{"ok":true}}', { 'content-type': 'application/json' })).statusCode).toBe(200);
    const form = await post('email=a%40b.org&ok=on', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
    expect(form.statusCode).toBe(200);
  });

  it('answers invalid fields with 400 and a message per field path', async () => {
    const res = await post('{"email":"nope","nested":{"ok":false}}', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body ?? '{}');
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.fields.email).toBe('must be an email address');
    expect(body.error.fields['nested.ok']).toBeDefined();
  });

  it('answers 404 for a path parameter no id could be, before the handler runs', async () => {
    let ran = 0;
    const byId = httpHandler({}, async () => {
      ran++;
      return json(200, {});
    });
    const get = (id: string) => byId(httpEvent('GET', `/x/${encodeURIComponent(id)}`, { pathParameters: { id } }), lambdaContext);
    expect((await get('a'.repeat(128))).statusCode).toBe(200);
    expect((await get('a'.repeat(129))).statusCode).toBe(404);
    expect((await get('a\u0000b')).statusCode).toBe(404);
    // Empty: DynamoDB refuses an empty string as an index key (found by the route property test)
    expect((await get('')).statusCode).toBe(404);
    expect(ran).toBe(1);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await post('{"email":', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
  });

  it('answers an unsupported content type with 415', async () => {
    expect((await post('email=a', { 'content-type': 'text/plain' })).statusCode).toBe(415);
    expect((await post('email=a', {})).statusCode).toBe(415);
  });

  it('answers an oversized body with 413 before parsing it', async () => {
    const res = await post(JSON.stringify({ email: 'x'.repeat(17 * 1024) }), { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(413);
  });

  it('refuses a form posted from another site', async () => {
    const res = await post('email=a%40b.org&ok=on', {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'cross-site',
    });
    expect(res.statusCode).toBe(403);
  });

  it('renders errors as an accessible page for a form post', async () => {
    const res = await post('email=nope', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toContain('text/html');
    expect(res.body).toContain('role="alert"');
  });

  it('maps domain errors in one place', async () => {
    const notFound = httpHandler({}, async () => {
      throw new NotFoundError('No such session.');
    });
    const res = await notFound(httpEvent('GET', '/s/1'), lambdaContext);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body ?? '{}').error).toEqual({ code: 'not_found', message: 'No such session.' });
  });

  it('answers a storage outage with 503 and Retry-After so the sender retries', async () => {
    const down = httpHandler({}, async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
    });
    const res = await down(httpEvent('POST', '/x'), lambdaContext);
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('30');
  });

  it('logs an unexpected error by name and stack only, never the request body or error message', async () => {
    const boom = httpHandler({ body: z.object({ summary: z.string() }) }, async ({ body }) => {
      throw new Error(`failed while handling ${body.summary}`);
    });
    const res = await boom(
      httpEvent('POST', '/x', { body: '{"summary":"SENTINEL-health-detail"}', headers: { 'content-type': 'application/json' } }),
      lambdaContext,
    );
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('SENTINEL');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('SENTINEL');
  });
});
