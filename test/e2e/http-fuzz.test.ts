import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '../../functions/routes.ts';
import { propertyConfig } from '../properties/fc.ts';
import { startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

const { runs } = propertyConfig('http-wire');

/**
 * The wire, which the handler-level properties (test/properties) cannot reach: raw HTTP/1.1 requests
 * over a socket to the local stack, with Content-Length lies (shorter and longer than the body),
 * chunked bodies, invalid UTF-8, bodies over the 1 MB limit, odd methods and paths. Every request
 * gets an answer below 500 (or, only for a body that never arrives in full, a closed connection).
 */
interface Wire {
  status: number | undefined;
  raw: string;
}

/**
 * Writes one request and reads until the server closes (every request says `Connection: close`).
 * A body shorter than its Content-Length leaves the server waiting for the rest, as any server
 * would: after `waitMs` the socket is dropped and the answer is "none".
 */
function send(port: number, head: string, body: Buffer, waitMs = 3_000): Promise<Wire> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1];
      resolve({ status: status ? Number(status) : undefined, raw: raw.slice(0, 300) });
    });
    socket.on('error', () => {});
    socket.write(head);
    socket.write(body);
  });
}

describe('the local HTTP server on the wire (properties)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers a body cut short by the client (it stops sending) with 400, not 500', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(stack.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', () => {});
      socket.write(
        'POST /signups HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":',
      );
      socket.end();
      setTimeout(() => socket.destroy(), 5_000);
    });
    // Node's parser answers the early end itself; the handler never sees half a body.
    expect(answer.slice(0, 12)).toBe('HTTP/1.1 400');
  });

  const routeArb = fc.constantFrom(...httpRoutes);
  const bodyArb = fc.oneof(
    fc.json().map((j) => Buffer.from(j)),
    fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.concat([Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from(b)])),
    fc.constant(Buffer.alloc(1024 * 1024 + 10, 0x61)),
    fc.constant(Buffer.alloc(0)),
  );
  const lengthArb = fc.oneof(
    fc.constant('exact' as const),
    fc.constant('none' as const),
    fc.constant('chunked' as const),
    fc.integer({ min: -5, max: 5 }),
    fc.constantFrom('abc', '99999999999999', '-1', '1, 2'),
  );

  it('answers every raw request below 500', { timeout: 600_000 }, async () => {
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        routeArb,
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
        fc.string({ unit: fc.constantFrom(...'abc%2F/._~-?=&#'), maxLength: 30 }),
        bodyArb,
        lengthArb,
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain; charset=latin1', ''),
        async (route, method, junk, body, length, contentType) => {
          const path = route.path.replace(/\{\w+\}/g, () => junk.replace(/[#?]/g, '') || 'x');
          const headers = [
            `${method} ${encodeURI(path)}${junk.includes('?') ? `?${encodeURIComponent(junk)}` : ''} HTTP/1.1`,
            'Host: 127.0.0.1',
          ];
          if (contentType) headers.push(`Content-Type: ${contentType}`);
          let payload = body;
          if (length === 'exact') headers.push(`Content-Length: ${body.length}`);
          else if (length === 'chunked') {
            headers.push('Transfer-Encoding: chunked');
            payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
          } else if (typeof length === 'number') headers.push(`Content-Length: ${Math.max(0, body.length + length)}`);
          else if (length !== 'none') headers.push(`Content-Length: ${length}`);
          headers.push('Connection: close', '', '');
          const shortBody = typeof length === 'number' && length > 0;
          const wire = await send(stack.port, headers.join('\r\n'), payload);
          const key = String(wire.status ?? 'closed');
          seen[key] = (seen[key] ?? 0) + 1;
          if (wire.status === undefined) {
            // Only a body that never arrived in full may end without an answer.
            expect(shortBody, `no answer to ${headers[0]} (${String(length)})`).toBe(true);
            return;
          }
          expect(wire.status, `${headers[0]} length=${String(length)}: ${wire.raw}`).toBeLessThan(500);
        },
      ),
      { numRuns: runs(80) },
    );
    console.info(`[fast-check] http-wire statuses: ${JSON.stringify(seen)}`);
  });
});
