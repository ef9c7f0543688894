import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { HttpRoute } from '../functions/routes.ts';
import { mapError } from '../shared/runtime/errors.ts';
import { type LambdaHandler, lambdaContext } from './lambda.ts';

/**
 * API Gateway (HTTP API, payload format 2.0) in front of the real route handlers: each request
 * becomes the event API Gateway would send, and the handler's result is written back as API
 * Gateway would. Also serves the local-only `/_dev/*` routes. Bodies over 1 MB are refused with
 * 413 before they are read (API Gateway's own limit is 10 MB; no kith route takes more than a few
 * KB); a handler gets 30 s, API Gateway's integration timeout.
 */

export type HttpLambda = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

export interface BoundRoute {
  route: HttpRoute;
  handler: HttpLambda;
}

export interface DevRequest {
  body: unknown;
  query: URLSearchParams;
}

export interface DevRoute {
  method: string;
  path: string;
  handle(req: DevRequest): Promise<{ status: number; body: unknown }>;
}

export interface ApiServerOptions {
  routes: readonly BoundRoute[];
  dev?: readonly DevRoute[];
  maxBodyBytes?: number;
  timeoutMs?: number;
  onRequest?: (line: { method: string; path: string; status: number; durationMs: number }) => void;
  onError?: (where: string, error: unknown) => void;
}

const MB = 1024 * 1024;

interface CompiledRoute extends BoundRoute {
  pattern: RegExp;
  names: string[];
  specificity: number;
}

/** `/admin/sessions/{sessionId}` → a matcher with named segments; `{proxy+}` takes the rest. */
function compile(bound: BoundRoute): CompiledRoute {
  const names: string[] = [];
  let params = 0;
  const source = bound.route.path
    .split('/')
    .map((segment) => {
      const match = /^\{([A-Za-z0-9_]+)(\+)?\}$/.exec(segment);
      if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1]!);
      params += match[2] ? 100 : 1;
      return match[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...bound, pattern: new RegExp(`^${source}$`), names, specificity: params };
}

export function createApiListener(options: ApiServerOptions) {
  const maxBodyBytes = options.maxBodyBytes ?? MB;
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Literal routes before parameterised ones, as API Gateway prefers the most specific match.
  const routes = options.routes.map(compile).sort((a, b) => a.specificity - b.specificity);
  const dev = options.dev ?? [];

  return async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://local');
    const rawPath = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    res.on('finish', () =>
      options.onRequest?.({ method, path: rawPath, status: res.statusCode, durationMs: Math.round(performance.now() - started) }),
    );
    try {
      if (rawPath.startsWith('/_dev/')) {
        const candidates = dev.filter((d) => d.path === rawPath);
        const route = candidates.find((d) => d.method === method);
        if (!route)
          return refuse(
            res,
            candidates.map((d) => d.method),
            method,
            rawPath,
          );
        const body = await readBody(req, res, maxBodyBytes);
        if (body === undefined) return;
        let parsed: unknown = {};
        if (body.length) {
          try {
            parsed = JSON.parse(body.toString('utf8'));
          } catch {
            return sendJson(res, 400, {
              error: {
                code: 'validation_failed',
                message: 'The body is not valid JSON.',
                fields: { body: 'must be valid JSON' },
              },
            });
          }
        }
        let result: { status: number; body: unknown };
        try {
          result = await route.handle({ body: parsed, query: url.searchParams });
        } catch (error) {
          const mapped = mapError(error);
          if (mapped.unexpected) options.onError?.(`${method} ${rawPath}`, error);
          result = {
            status: mapped.status,
            body: { error: { code: mapped.code, message: mapped.message, ...(mapped.fields ? { fields: mapped.fields } : {}) } },
          };
        }
        return sendJson(res, result.status, result.body);
      }

      // HEAD is answered by the GET route, without a body (GET and HEAD never change state).
      const lookup = method === 'HEAD' ? 'GET' : method;
      const onPath = routes
        .map((r) => ({ r, match: r.pattern.exec(rawPath) }))
        .filter((x): x is { r: CompiledRoute; match: RegExpExecArray } => x.match !== null);
      const hit = onPath.find((x) => x.r.route.method === lookup);
      if (!hit)
        return refuse(
          res,
          onPath.map((x) => x.r.route.method),
          method,
          rawPath,
        );

      const body = await readBody(req, res, maxBodyBytes);
      if (body === undefined) return;
      const pathParameters: Record<string, string> = {};
      for (const [i, name] of hit.r.names.entries()) {
        try {
          pathParameters[name] = decodeURIComponent(hit.match[i + 1]!);
        } catch {
          return sendJson(res, 404, { error: { code: 'not_found', message: `No route for ${method} ${rawPath}` } });
        }
      }
      const event = toApiGatewayEvent(req, url, `${hit.r.route.method} ${hit.r.route.path}`, lookup, pathParameters, body);
      let result: APIGatewayProxyResultV2;
      try {
        result = await withTimeout(
          hit.r.handler(event, lambdaContext(hit.r.route.entry.replaceAll('/', '-'), timeoutMs)),
          timeoutMs,
        );
      } catch (error) {
        if (error instanceof IntegrationTimeoutError) return sendJson(res, 504, { message: 'Gateway Timeout' });
        // An unhandled error in a function: API Gateway answers 500 with this body.
        options.onError?.(hit.r.route.entry, error);
        return sendJson(res, 500, { message: 'Internal Server Error' });
      }
      writeResult(res, result, method === 'HEAD');
    } catch (error) {
      options.onError?.('server', error);
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.destroy();
    }
  };
}

function refuse(res: ServerResponse, methods: string[], method: string, path: string) {
  if (methods.length) {
    const allow = [...new Set(methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(', ');
    return sendJson(
      res,
      405,
      { error: { code: 'method_not_allowed', message: `${method} is not allowed on ${path}; use ${allow}.` } },
      { allow },
    );
  }
  return sendJson(res, 404, { error: { code: 'not_found', message: `No route for ${method} ${path}` } });
}

/**
 * The request body, or undefined after answering 413 when it is (or claims to be) over the limit.
 * Nothing beyond the limit is kept: the rest of an oversized upload is discarded as it arrives.
 */
async function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | undefined> {
  const tooLarge = () => {
    sendJson(
      res,
      413,
      { error: { code: 'payload_too_large', message: `The body is larger than ${limit} bytes.` } },
      { connection: 'close' },
    );
    // Let the client finish sending (so it reads the answer), without keeping any of it.
    req.removeAllListeners('data');
    req.resume();
    setTimeout(() => req.socket.destroy(), 5_000).unref();
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    tooLarge();
    return undefined;
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        tooLarge();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** Text bodies are passed as they are; anything else (forms included) base64, as API Gateway does. */
function isTextContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

export function toApiGatewayEvent(
  req: IncomingMessage,
  url: URL,
  routeKey: string,
  method: string,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    if (name === 'cookie') {
      cookies = values.flatMap((v) => v.split(';').map((c) => c.trim())).filter(Boolean);
      continue;
    }
    headers[name] = values.join(',');
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const localPort = String(req.socket.localPort ?? '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = localPort;
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const now = new Date();
  const host = headers.host ?? `127.0.0.1:${localPort}`;
  const domainName = host.replace(/:\d+$/, '');
  const requestId = randomUUID();
  const text = isTextContentType(headers['content-type']);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(url.search.length > 1 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(body.length ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

/** `22/Nov/2026:10:00:00 +0000` */
function apiGatewayTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** API Gateway's reading of a payload 2.0 result (a plain value without statusCode is a 200 JSON body). */
function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2, headOnly: boolean) {
  if (typeof result !== 'object' || result === null || !('statusCode' in result) || result.statusCode === undefined) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(headOnly ? undefined : body);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode, headers);
  res.end(headOnly ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

class IntegrationTimeoutError extends Error {
  override name = 'IntegrationTimeoutError';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntegrationTimeoutError()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
