import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { httpEvent, lambdaContext } from '../../support/events.ts';

type Invocable = (
  event: APIGatewayProxyEventV2,
  context: typeof lambdaContext,
) => Promise<{ statusCode: number; headers?: Record<string, unknown>; body?: string }>;

export const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'sec-fetch-site': 'same-origin' };
export const FORM = { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' };
export const JSON_BODY = { 'content-type': 'application/json' };

export async function invoke(handler: Invocable, event: APIGatewayProxyEventV2) {
  const result = await handler(event, lambdaContext);
  return { status: result.statusCode, headers: (result.headers ?? {}) as Record<string, string>, body: result.body ?? '' };
}

export const get = (
  handler: Invocable,
  path: string,
  query: Record<string, string> = {},
  headers: Record<string, string> = BROWSER,
) => invoke(handler, httpEvent('GET', path, { query, headers }));

export const postForm = (handler: Invocable, path: string, fields: Record<string, string>) =>
  invoke(handler, httpEvent('POST', path, { body: new URLSearchParams(fields).toString(), headers: FORM }));

export const postJson = (handler: Invocable, path: string, body: unknown) =>
  invoke(handler, httpEvent('POST', path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers: JSON_BODY }));

/** Page text without tags, for "the page says…" assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The page with its per-response CSP nonce blanked, to compare two responses. */
export const withoutNonce = (html: string) => html.replace(/nonce="[^"]+"/g, 'nonce=""');
