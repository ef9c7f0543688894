import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../domain/errors.ts';
import type * as z from '../zod.ts';
import { mapError, zodFields } from './errors.ts';
import { html, renderPage } from './html.ts';
import { createLogger } from './logger.ts';

/**
 * The one HTTP handler factory. Every route handler is
 * `httpHandler(options, async (req) => json(…) | page(…))`: the body is size-checked, parsed by
 * content type (JSON or an HTML form), validated by zod, and every error is mapped in one place
 * (shared/runtime/errors.ts) to a JSON error, or to an HTML page when the request came from a form
 * or a browser. Nothing is logged from the request but its route, status and timing.
 */

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };
export type BodyKind = 'json' | 'form';

export interface HttpRequest<B, Q> {
  body: B;
  query: Q;
  pathParameters: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  rawBody: string;
  /** How the body arrived (`none` without a body). */
  bodyKind: BodyKind | 'none';
  /** The caller is a browser or a form: errors render as pages. */
  wantsHtml: boolean;
  requestId: string;
  event: HttpEvent;
}

export interface HttpOptions<B extends z.ZodMiniType | undefined, Q extends z.ZodMiniType | undefined> {
  /** Validates the JSON body (or the form, after `fromForm`). */
  body?: B;
  query?: Q;
  /** Content types accepted for the body; default JSON only. */
  accepts?: readonly BodyKind[];
  /** Shapes flat form fields into the JSON body the schema expects. */
  fromForm?: (fields: Record<string, string>) => unknown;
  /** Default 16 KiB. */
  maxBodyBytes?: number;
  /** Renders a page for an error when `wantsHtml` (e.g. the form again with messages). */
  errorPage?: (error: unknown, req: HttpRequest<unknown, unknown>) => Promise<HttpResult | undefined> | HttpResult | undefined;
  /** Runs before the body is read (e.g. authentication, so a caller without a token learns nothing from validation). */
  before?: (req: HttpRequest<unknown, unknown>) => Promise<void>;
  /** The org name shown on generic error pages. */
  orgName?: () => string;
  /**
   * Accept POST/PUT/PATCH/DELETE from another site. Only for callers that are not browsers acting
   * on ambient credentials: the admin API (a bearer token a page cannot attach) and the signed
   * webhook. Everything else refuses a cross-site submission with 403 before reading the body.
   */
  allowCrossSite?: true;
}

export type Infer<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

const logger = createLogger('http');

/** Longer path parameters are answered 404 before any handler code (found by test/properties). */
export const MAX_PATH_PARAMETER_LENGTH = 128;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export function httpHandler<B extends z.ZodMiniType | undefined = undefined, Q extends z.ZodMiniType | undefined = undefined>(
  options: HttpOptions<B, Q>,
  fn: (req: HttpRequest<Infer<B>, Infer<Q>>) => Promise<HttpResult>,
) {
  const accepts = options.accepts ?? ['json'];
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;

  const base = async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const started = performance.now();
    const headers = lowerCaseHeaders(event.headers);
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'local';
    const route = event.routeKey ?? `${event.requestContext?.http?.method} ${event.rawPath}`;
    const method = event.requestContext?.http?.method ?? 'GET';
    const partial: HttpRequest<unknown, unknown> = {
      body: undefined,
      query: undefined,
      pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
      headers,
      rawBody: '',
      bodyKind: 'none',
      wantsHtml: wantsHtml(headers),
      requestId,
      event,
    };
    let result: HttpResult;
    try {
      if (method !== 'GET' && method !== 'HEAD' && !options.allowCrossSite && isCrossSite(headers)) {
        throw new ForbiddenError('Forms on other sites cannot post here.');
      }
      if (options.before) await options.before(partial);
      const req = parseRequest(event, partial, options, accepts, maxBodyBytes);
      result = await fn(req as HttpRequest<Infer<B>, Infer<Q>>);
    } catch (error) {
      result = await respondToError(error, partial, options);
    }
    logger.info('request', { requestId, route, status: result.statusCode, durationMs: Math.round(performance.now() - started) });
    return result;
  };
  return middy(base, { timeoutEarlyInMillis: 0 });
}

function parseRequest(
  event: HttpEvent,
  req: HttpRequest<unknown, unknown>,
  options: HttpOptions<z.ZodMiniType | undefined, z.ZodMiniType | undefined>,
  accepts: readonly BodyKind[],
  maxBodyBytes: number,
): HttpRequest<unknown, unknown> {
  // Ids in paths are ULIDs or short references: an empty one, anything longer, or one with control
  // characters names nothing, and must not reach storage (DynamoDB refuses keys over 2 KB, and an
  // empty string as an index key, with a 500-shaped error).
  for (const value of Object.values(req.pathParameters)) {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH_PARAMETER_LENGTH || CONTROL.test(value)) {
      throw new NotFoundError('There is nothing at this address.');
    }
  }
  const rawBody = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(rawBody) > maxBodyBytes) {
    throw new PayloadTooLargeError(`The body is larger than ${maxBodyBytes} bytes.`);
  }
  req.rawBody = rawBody;
  if (options.query) {
    const parsed = options.query.safeParse(event.queryStringParameters ?? {});
    if (!parsed.success) throw new ValidationError('The link or query is not valid.', zodFields(parsed.error));
    req.query = parsed.data;
  }
  if (!options.body) return req;

  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let input: unknown;
  if (contentType === 'application/json' && accepts.includes('json')) {
    req.bodyKind = 'json';
    try {
      input = JSON.parse(rawBody);
    } catch {
      throw new ValidationError('The body is not valid JSON.', { body: 'must be valid JSON' });
    }
  } else if (contentType === 'application/x-www-form-urlencoded' && accepts.includes('form')) {
    req.bodyKind = 'form';
    req.wantsHtml = true;
    const fields = Object.fromEntries(new URLSearchParams(rawBody));
    input = options.fromForm ? options.fromForm(fields) : fields;
  } else {
    const list = accepts.map((k) => (k === 'json' ? 'application/json' : 'application/x-www-form-urlencoded')).join(' or ');
    throw new UnsupportedMediaTypeError(`Send the body as ${list}.`);
  }
  const parsed = options.body.safeParse(input);
  if (!parsed.success) throw new ValidationError('Some fields need attention.', zodFields(parsed.error));
  req.body = parsed.data;
  return req;
}

async function respondToError(
  error: unknown,
  req: HttpRequest<unknown, unknown>,
  options: HttpOptions<z.ZodMiniType | undefined, z.ZodMiniType | undefined>,
): Promise<HttpResult> {
  const mapped = mapError(error);
  if (mapped.unexpected) {
    logger.error('request failed', { requestId: req.requestId, code: mapped.code, error });
  }
  if (req.wantsHtml) {
    if (options.errorPage && !mapped.unexpected) {
      try {
        const custom = await options.errorPage(error, req);
        if (custom) return custom;
      } catch (pageError) {
        logger.error('error page failed', { requestId: req.requestId, error: pageError });
      }
    }
    const fields = mapped.fields
      ? html`<ul>${Object.entries(mapped.fields).map(([k, v]) => html`<li><strong>${k}</strong>: ${v}</li>`)}</ul>`
      : '';
    const reference = mapped.unexpected ? html`<p class="muted">Reference: ${req.requestId}</p>` : '';
    return page(
      mapped.status,
      renderPage({
        title: mapped.status >= 500 ? 'Something went wrong' : 'That did not work',
        orgName: options.orgName?.() ?? 'kith',
        body: html`<h1>${mapped.status >= 500 ? 'Something went wrong' : 'That did not work'}</h1>
<div class="error" role="alert"><p>${mapped.message}</p>${fields}</div>${reference}`,
      }),
    );
  }
  const body: Record<string, unknown> = { code: mapped.code, message: mapped.message };
  if (mapped.fields) body.fields = mapped.fields;
  if (mapped.unexpected) body.requestId = req.requestId;
  const headers: Record<string, string> = mapped.status === 503 ? { 'retry-after': '30' } : {};
  return json(mapped.status, { error: body }, headers);
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export function page(statusCode: number, rendered: { body: string; headers: Record<string, string> }): HttpResult {
  return { statusCode, headers: rendered.headers, body: rendered.body };
}

/** 303 See Other: after a form post, the browser GETs the result page. */
export function seeOther(location: string): HttpResult {
  return {
    statusCode: 303,
    headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' },
    body: '',
  };
}

/**
 * A submission a browser made for another site. `Sec-Fetch-Site` decides when present (only
 * `same-origin` and `none`, a typed address or a bookmark, pass: `same-site` is another origin too).
 * Browsers without it (Safari before 16.4) send `Origin` on a POST: it must name this host. The
 * origin `null` (Chromium's same-origin posts under `Referrer-Policy: no-referrer`) and a request
 * with neither header (curl, a mail provider's RFC 8058 one-click POST) pass: they are not a
 * browser carrying someone's session, and every member action needs the link's signed token.
 */
export function isCrossSite(headers: Record<string, string>): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = headers.origin;
  if (origin === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host !== (headers['x-forwarded-host'] ?? headers.host);
  } catch {
    return true;
  }
}

function lowerCaseHeaders(headers: HttpEvent['headers'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function wantsHtml(headers: Record<string, string>): boolean {
  const accept = headers.accept ?? '';
  return accept.includes('text/html');
}

export { zodFields };
