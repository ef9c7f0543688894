import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for SES v2 on loopback: enough of the REST-JSON API for the real
 * @aws-sdk/client-sesv2 (endpoint override, fake credentials). `POST /v2/email/outbound-emails`
 * (SendEmail) is accepted at most at `rate` per second (a token bucket holding one second of
 * sends, as SES allows); over the rate it answers as SES does: HTTP 429, `x-amzn-ErrorType:
 * TooManyRequestsException`, body `{"message":"Maximum sending rate exceeded."}`.
 * `GET /v2/email/suppression/addresses/{email}` answers 404 NotFoundException (nobody suppressed).
 */
export interface SesStandin {
  endpoint: string;
  /** Accepted sends per recipient address (more than 1 is a duplicate). */
  accepted: Map<string, number>;
  stats: { requests: number; acceptedTotal: number; throttled: number; firstAt: number; lastAt: number };
  reset(rate: number): void;
  close(): Promise<void>;
}

export async function startSesStandin(rate: number): Promise<SesStandin> {
  let capacity = Math.max(1, rate);
  let perMs = rate / 1000;
  let tokens = capacity;
  let refilledAt = performance.now();
  const accepted = new Map<string, number>();
  const stats = { requests: 0, acceptedTotal: 0, throttled: 0, firstAt: 0, lastAt: 0 };

  const take = (): boolean => {
    const t = performance.now();
    tokens = Math.min(capacity, tokens + (t - refilledAt) * perMs);
    refilledAt = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const send = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (req.method === 'POST' && url.startsWith('/v2/email/outbound-emails')) {
        stats.requests++;
        if (!take()) {
          stats.throttled++;
          send(res, 429, { message: 'Maximum sending rate exceeded.' }, 'TooManyRequestsException');
          return;
        }
        let to = '';
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Destination?: { ToAddresses?: string[] } };
          to = body.Destination?.ToAddresses?.[0] ?? '';
        } catch {
          send(res, 400, { message: 'Malformed request body.' }, 'BadRequestException');
          return;
        }
        const now = performance.now();
        if (stats.acceptedTotal === 0) stats.firstAt = now;
        stats.lastAt = now;
        stats.acceptedTotal++;
        accepted.set(to, (accepted.get(to) ?? 0) + 1);
        send(res, 200, { MessageId: `standin-${randomUUID()}` });
        return;
      }
      if (req.method === 'GET' && url.startsWith('/v2/email/suppression/addresses/')) {
        send(res, 404, { message: 'Email address is not on the suppression list.' }, 'NotFoundException');
        return;
      }
      send(res, 404, { message: `The stand-in does not implement ${req.method} ${url}` }, 'NotFoundException');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accepted,
    stats,
    reset(next) {
      capacity = Math.max(1, next);
      perMs = next / 1000;
      tokens = capacity;
      refilledAt = performance.now();
      accepted.clear();
      Object.assign(stats, { requests: 0, acceptedTotal: 0, throttled: 0, firstAt: 0, lastAt: 0 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
