import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiListener, type HttpLambda } from '../../local/http-server.ts';

/** A handler that answers with the event it was given. */
const echo: HttpLambda = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(event),
});

describe('the local API Gateway', () => {
  let server: Server;
  let base: string;
  const seen: APIGatewayProxyEventV2[] = [];

  beforeAll(async () => {
    const listener = createApiListener({
      routes: [
        { route: { method: 'GET', path: '/things', entry: 'test/echo', feature: 'platform' }, handler: echo },
        { route: { method: 'POST', path: '/things', entry: 'test/echo', feature: 'platform' }, handler: echo },
        {
          route: { method: 'GET', path: '/things/special', entry: 'test/special', feature: 'platform' },
          handler: async () => ({ statusCode: 204 }),
        },
        {
          route: { method: 'GET', path: '/things/{thingId}/parts/{partId}', entry: 'test/echo', feature: 'platform' },
          handler: echo,
        },
        {
          route: { method: 'GET', path: '/cookies', entry: 'test/cookies', feature: 'platform' },
          handler: async (event) => {
            seen.push(event);
            return { statusCode: 200, cookies: ['a=1; HttpOnly', 'b=2'], body: 'aGVsbG8=', isBase64Encoded: true };
          },
        },
        {
          route: { method: 'GET', path: '/boom', entry: 'test/boom', feature: 'platform' },
          handler: async () => {
            throw new Error('secret detail that must not reach the client');
          },
        },
        {
          route: { method: 'GET', path: '/slow', entry: 'test/slow', feature: 'platform' },
          handler: () => new Promise(() => undefined),
        },
      ],
      dev: [{ method: 'POST', path: '/_dev/echo', handle: async ({ body }) => ({ status: 200, body: { got: body } }) }],
      maxBodyBytes: 1024,
      timeoutMs: 300,
    });
    server = createServer((req, res) => void listener(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const eventFor = async (path: string, init?: RequestInit) =>
    (await (await fetch(`${base}${path}`, init)).json()) as APIGatewayProxyEventV2;

  it('builds a payload 2.0 event: route key, raw path and query, repeated parameters comma-joined', async () => {
    const event = await eventFor('/things?tag=a&tag=b&q=x%20y', { headers: { 'X-Custom': 'One' } });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /things',
      rawPath: '/things',
      rawQueryString: 'tag=a&tag=b&q=x%20y',
      queryStringParameters: { tag: 'a,b', q: 'x y' },
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'GET /things',
        stage: '$default',
        http: { method: 'GET', path: '/things', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
      },
    });
    expect(event.headers['x-custom']).toBe('One');
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.timeEpoch).toBeGreaterThan(Date.now() - 10_000);
    expect(event.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(event.body).toBeUndefined();
  });

  it('takes path parameters from {name} segments, decoded, and prefers literal routes', async () => {
    const event = await eventFor('/things/t%201/parts/p2');
    expect(event.routeKey).toBe('GET /things/{thingId}/parts/{partId}');
    expect(event.pathParameters).toEqual({ thingId: 't 1', partId: 'p2' });
    expect((await fetch(`${base}/things/special`)).status).toBe(204);
  });

  it('passes JSON and text bodies as text, and forms and binary as base64', async () => {
    const json = await eventFor('/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(json).toMatchObject({ body: '{"a":1}', isBase64Encoded: false, routeKey: 'POST /things' });
    const form = await eventFor('/things', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=%C3%A9',
    });
    expect(form.isBase64Encoded).toBe(true);
    expect(Buffer.from(form.body!, 'base64').toString('utf8')).toBe('a=1&b=%C3%A9');
    const binary = await eventFor('/things', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 255, 1]),
    });
    expect(Buffer.from(binary.body!, 'base64')).toEqual(Buffer.from([0, 255, 1]));
  });

  it('lower-cases and comma-joins repeated headers, and moves cookies out of the headers', async () => {
    const event = await new Promise<APIGatewayProxyEventV2>((resolve, reject) => {
      const req = request(
        `${base}/things`,
        { headers: ['Host', 'localhost', 'X-Multi', 'one', 'X-Multi', 'two', 'Cookie', 'a=1; b=2', 'Cookie', 'c=3'] },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => {
            try {
              resolve(JSON.parse(text));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.cookies).toEqual(['a=1', 'b=2', 'c=3']);
    expect(event.headers.cookie).toBeUndefined();
  });

  it('writes the structured result back: status, cookies as set-cookie, base64 bodies decoded', async () => {
    const response = await fetch(`${base}/cookies`);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual(['a=1; HttpOnly', 'b=2']);
    expect(await response.text()).toBe('hello');
  });

  it('answers unknown routes with a 404 JSON error and a wrong method with 405 and Allow', async () => {
    const missing = await fetch(`${base}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const wrong = await fetch(`${base}/things`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(await wrong.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('answers HEAD from the GET route without a body', async () => {
    const response = await fetch(`${base}/cookies`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(seen.at(-1)?.requestContext.http.method).toBe('GET');
  });

  it('refuses an oversized body with 413 before a handler sees it, declared or streamed', async () => {
    const declared = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(2048),
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(512)));
        controller.close();
      },
    });
    const streamed = await fetch(`${base}/things`, { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('answers 500 with no detail when a function throws, and 504 when it outlives the integration timeout', async () => {
    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(JSON.parse(text)).toEqual({ message: 'Internal Server Error' });
    expect(text).not.toContain('secret');
    expect((await fetch(`${base}/slow`)).status).toBe(504);
  });

  it('serves /_dev routes with JSON bodies and refuses malformed JSON with 400', async () => {
    const ok = await fetch(`${base}/_dev/echo`, { method: 'POST', body: '{"a":1}' });
    expect(await ok.json()).toEqual({ got: { a: 1 } });
    const bad = await fetch(`${base}/_dev/echo`, { method: 'POST', body: '{"a":' });
    expect(bad.status).toBe(400);
    expect((await fetch(`${base}/_dev/echo`)).status).toBe(405);
    expect((await fetch(`${base}/_dev/nothing`)).status).toBe(404);
  });
});
