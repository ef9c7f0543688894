import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpRoute, httpRoutes } from '../../functions/routes.ts';
import { CHECKIN_TOKEN_PURPOSE } from '../../shared/domain/checkins/send-checkins.ts';
import { BROWSER_SESSION_PURPOSE, SESSION_COOKIE } from '../../shared/domain/facilitators/browser-sign-in.ts';
import { TOKEN_PURPOSE } from '../../shared/domain/members/member.ts';
import { ESCALATION_FORM_PURPOSE } from '../../shared/domain/safeguarding/escalation-form.ts';
import { raiseEscalation } from '../../shared/domain/safeguarding/raise-escalation.ts';
import { BOOKING_TOKEN_PURPOSE } from '../../shared/domain/sessions/model.ts';
import { setLogSink } from '../../shared/runtime/logger.ts';
import { signWebhook } from '../../shared/runtime/standard-webhooks.ts';
import { validEscalation } from '../domain/safeguarding/helpers.ts';
import { activeMember, facilitator, groupRequest, groupWithSession, tokenFor } from '../domain/sessions/helpers.ts';
import { TEST_WEBHOOK_SECRET, type TestDeps, testDeps } from '../support/deps.ts';
import { lambdaContext } from '../support/events.ts';
import { hardeningProblems, type Result } from '../support/hardening.ts';
import { propertyConfig } from './fc.ts';

/**
 * Every HTTP route of functions/routes.ts, public and admin, invoked as API Gateway would invoke its
 * Lambda, with random JSON, forms, near-valid bodies (a valid request with fields replaced or
 * dropped), random headers (content types, content-length lies, origins, Sec-Fetch-Site, bearer
 * tokens valid and not), random query strings and path parameters, huge bodies, invalid UTF-8 and
 * base64-flagged bodies. Each answer must be 2xx, 3xx or 4xx (never a 5xx, never a thrown
 * handler, never an unhandled rejection), and a 4xx must leave every item of the table as it was.
 */
const { runs } = propertyConfig('http-handlers');

type Handler = (event: APIGatewayProxyEventV2, context: typeof lambdaContext) => Promise<unknown>;

let deps: TestDeps;
const handlers = new Map<string, Handler>();
const ids = { groupId: '', sessionId: '', memberId: '', escalationId: '', facilitatorId: '' };
const bearer: string[] = [];
/** A signed-in admin's dashboard cookie (the dashboard authenticates before it reads the path). */
let adminCookie = '';
const tokens: string[] = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

/** Log lines at level error: an unexpected error in a handler (mapped, logged, answered 5xx). */
const errorLines: string[] = [];
let restoreSink: ((line: string) => void) | undefined;

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  restoreSink = setLogSink((line) => {
    if (line.includes('"level":"error"')) errorLines.push(line);
  });
  deps = await testDeps();
  const admin = await facilitator(deps, 'admin');
  const lead = await facilitator(deps, 'safeguarding_lead');
  const { facilitator: f, group, session } = await groupWithSession(deps);
  const member = await activeMember(deps, 'fuzz', group.groupId);
  const { escalationId } = await raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: 'fuzz-seed' });
  Object.assign(ids, {
    groupId: group.groupId,
    sessionId: session.sessionId,
    memberId: member.memberId,
    escalationId,
    facilitatorId: f.facilitatorId,
  });
  bearer.push(admin.token, lead.token);
  adminCookie = `${SESSION_COOKIE}=${await deps.tokens.sign({
    purpose: BROWSER_SESSION_PURPOSE,
    subject: admin.facilitator.facilitatorId,
    ttlSeconds: 3600,
    data: { startedAt: new Date(deps.clock.now().getTime() - 1000).toISOString() },
  })}`;
  const sign = (purpose: string, subject: string, data?: Record<string, string>) =>
    deps.tokens.sign({ purpose, subject, ttlSeconds: 86_400, ...(data ? { data } : {}) });
  tokens.push(
    await sign(TOKEN_PURPOSE.confirm, member.memberId),
    await sign(TOKEN_PURPOSE.manage, member.memberId),
    await sign(TOKEN_PURPOSE.manage, '01JUNKJUNKJUNKJUNKJUNKJUNK'),
    await sign(CHECKIN_TOKEN_PURPOSE.answer, member.memberId, { sessionId: session.sessionId }),
    await sign(CHECKIN_TOKEN_PURPOSE.answer, member.memberId),
    await sign(CHECKIN_TOKEN_PURPOSE.unsubscribe, member.memberId),
    await sign(ESCALATION_FORM_PURPOSE, f.facilitatorId),
    await sign(ESCALATION_FORM_PURPOSE, 'nobody'),
    await sign(BOOKING_TOKEN_PURPOSE, member.memberId, { x: '1' }),
    await tokenFor(deps, member.memberId, group.groupId, session.sessionId),
  );
  for (const route of httpRoutes) {
    const module = (await import(/* @vite-ignore */ new URL(`../../functions/${route.entry}.ts`, import.meta.url).href)) as {
      makeHandler: (d: TestDeps) => Handler;
    };
    handlers.set(`${route.method} ${route.path}`, module.makeHandler(deps));
  }
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
  if (restoreSink) setLogSink(restoreSink);
});

/** JSON with sorted keys: DynamoDB does not keep an item's attribute order across updates. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Every item of the table by key (a Scan: a test table of a few hundred items). */
async function snapshot(): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.client.send(new ScanCommand({ TableName: deps.table.tableName, ExclusiveStartKey }));
    for (const item of page.Items ?? []) items.set(`${item.pk} | ${item.sk}`, canonical(item));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * The one write a 4xx may make, by design: a wrong acknowledgement code is counted on the
 * escalation (`wrongCodeAttempts`), so that five wrong codes lock the page (429).
 */
function allowedOn4xx(route: HttpRoute, before: string | undefined, after: string | undefined): boolean {
  if (route.path !== '/escalations/{escalationId}/acknowledge' || !before || !after) return false;
  const { wrongCodeAttempts: a, ...restBefore } = JSON.parse(before) as Record<string, unknown>;
  const { wrongCodeAttempts: b, ...restAfter } = JSON.parse(after) as Record<string, unknown>;
  return Number(b) === Number(a ?? 0) + 1 && canonical(restBefore) === canonical(restAfter);
}

/** Items added, removed or changed, except what {@link allowedOn4xx} permits. */
function changes(route: HttpRoute, before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [b, a] = [before.get(key), after.get(key)];
    if (b !== a && !allowedOn4xx(route, b, a)) out.push(`${key}: ${b ?? '(none)'} → ${a ?? '(deleted)'}`);
  }
  return out;
}

// ---- arbitraries -------------------------------------------------------------------------------

const nasty = fc.constantFrom(
  '',
  ' ',
  '..',
  '%',
  '%00',
  '\u0000',
  '\uFFFD',
  '\uD800',
  '#',
  'MEMBER#x',
  '<script>alert(1)</script>',
  'a'.repeat(3000),
  '01JUNKJUNKJUNKJUNKJUNKJUNK',
  '__proto__',
  'constructor',
  '1e999',
  '-1',
  'null',
);
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), nasty);
const idArb = fc.oneof(
  fc.constantFrom(...Object.keys(ids)).map((k) => ids[k as keyof typeof ids]),
  text,
  fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHJKMNPQRSTVWXYZ'), minLength: 26, maxLength: 26 }),
);
const tokenArb = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9).map((i) => tokens[i] ?? ''),
  fc.tuple(fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([t, at, c]) => {
    const token = tokens[t % tokens.length] ?? '';
    const i = at % Math.max(token.length, 1);
    return token.slice(0, i) + c + token.slice(i + 1);
  }),
  text,
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), tokenArb, idArb);
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(scalar, { maxLength: 5 }),
  fc.dictionary(text, scalar, { maxKeys: 5 }),
);

function templates(route: HttpRoute): Record<string, unknown>[] {
  const t = tokens;
  switch (`${route.method} ${route.path}`) {
    case 'POST /signups':
      return [
        {
          email: 'fuzz@example.com',
          displayName: 'Robin',
          consents: { groupAgreement: true, privacyNotice: true, checkinEmails: true },
          groupId: ids.groupId,
        },
      ];
    case 'POST /confirm':
      return [{ token: t[0] }];
    case 'POST /manage':
      return ['checkin-emails-off', 'checkin-emails-on', 'unsubscribe', 'resubscribe', 'erase'].map((action) => ({
        token: t[1],
        action,
        confirmErase: action === 'erase' ? 'true' : undefined,
      }));
    case 'POST /webhooks/escalations':
    case 'POST /forms/escalation':
      return [{ ...validEscalation, f: t[6], submissionId: 'fuzz-submission-0001' }];
    case 'POST /escalations/{escalationId}/acknowledge':
      return [{ code: '123456', name: 'Alex' }];
    case 'POST /admin/escalations/{escalationId}/resolve':
      return [{ outcome: 'advice_given', seriousHarm: false, note: 'ok' }];
    case 'POST /admin/escalations/drill':
      return [{ urgency: 'routine' }];
    case 'POST /checkins/unsubscribe':
      return [{ token: t[5], 'List-Unsubscribe': 'One-Click' }];
    case 'POST /checkins/{sessionId}':
      return [{ token: t[3], score: 2, contact: 'yes', comment: 'hello' }];
    case 'POST /sessions/{sessionId}/book':
      return ['book', 'cancel', 'claim'].map((action) => ({ token: t[9], action }));
    case 'POST /admin/groups':
      return [{ ...groupRequest() }];
    case 'POST /admin/groups/{groupId}/sessions':
      return [{ startsAt: '2026-12-01T19:00:00+00:00', durationMinutes: 90, recurrence: { frequency: 'weekly', count: 3 } }];
    case 'PATCH /admin/sessions/{sessionId}':
      return [{ startsAt: '2026-12-02T19:00:00+00:00', durationMinutes: 60 }];
    case 'PUT /admin/sessions/{sessionId}/attendance':
      return [{ present: [ids.memberId] }];
    default:
      return [{}];
  }
}

/** A valid request with up to three fields replaced by anything, or dropped. */
const nearValid = (route: HttpRoute) =>
  fc
    .tuple(
      fc.constantFrom(...templates(route)),
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...Object.keys(templates(route)[0] ?? {}), 'extra'), text), fc.option(scalar)), {
        maxLength: 3,
      }),
    )
    .map(([template, changes]) => {
      const out: Record<string, unknown> = { ...template };
      for (const [key, value] of changes) {
        if (value === null) delete out[key];
        else out[key] = value;
      }
      return out;
    });

const asForm = (value: unknown) =>
  new URLSearchParams(
    Object.entries(typeof value === 'object' && value !== null ? value : { value }).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
    ]),
  ).toString();

interface Body {
  body?: string;
  contentType?: string;
  base64?: 'encoded' | 'bytes' | 'not-base64';
}

const bodyArb = (route: HttpRoute): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 4, arbitrary: nearValid(route).map((v) => ({ body: JSON.stringify(v), contentType: 'application/json' })) },
    {
      weight: 3,
      arbitrary: nearValid(route).map((v) => ({ body: asForm(v), contentType: 'application/x-www-form-urlencoded' })),
    },
    { weight: 2, arbitrary: anyJson.map((v) => ({ body: JSON.stringify(v), contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.record({ body: fc.string({ unit: 'binary', maxLength: 500 }) }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 16 * 1024 - 2, max: 300_000 }),
          fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
        )
        .map(([n, contentType]) => ({
          body: contentType === 'application/json' ? JSON.stringify({ summary: 'x'.repeat(n) }) : `summary=${'x'.repeat(n)}`,
          contentType,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(nearValid(route), fc.uint8Array({ maxLength: 300 }), fc.constantFrom('encoded', 'bytes', 'not-base64'))
        .map(([v, bytes, base64]): Body => {
          if (base64 === 'encoded')
            return { body: Buffer.from(asForm(v)).toString('base64'), contentType: 'application/x-www-form-urlencoded', base64 };
          // Invalid UTF-8 (lone continuation bytes, overlongs, surrogates) as API Gateway passes binary.
          if (base64 === 'bytes')
            return { body: Buffer.concat([Buffer.from([0xc0, 0x80, 0xed, 0xa0, 0x80, 0xff]), bytes]).toString('base64'), base64 };
          return { body: '!!not base64!!', base64 };
        }),
    },
    { weight: 1, arbitrary: fc.constant({}) },
  );

/** Mostly absent (the body's own content type, no origin…), sometimes anything. */
const sometimes = <T>(arb: fc.Arbitrary<T>, weight = 1) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight, arbitrary: arb });

const headerArb = fc
  .record({
    'content-type': sometimes(
      fc.oneof(
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'APPLICATION/JSON;charset=latin1',
          'application/x-www-form-urlencoded',
          'text/plain',
          'multipart/form-data; boundary=x',
          '',
        ),
        text,
      ),
    ),
    'content-length': sometimes(fc.oneof(fc.nat().map(String), fc.constantFrom('-1', '0', '99999999999', 'abc'))),
    accept: sometimes(fc.constantFrom('text/html,application/xhtml+xml,*/*;q=0.8', 'application/json', '*/*', ''), 3),
    origin: sometimes(fc.oneof(fc.constantFrom('null', 'http://kith.test', 'https://evil.example'), text)),
    'sec-fetch-site': sometimes(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'bogus'), 2),
    // Admin routes: mostly a live admin or lead token, so the body is reached.
    authorization: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(0, 1).map((i) => `Bearer ${bearer[i]}`) },
      { weight: 1, arbitrary: fc.constantFrom('Bearer ', 'Bearer kith_nope', 'Basic YTpi', 'bearer') },
      { weight: 1, arbitrary: text },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    'webhook-id': sometimes(text),
    'webhook-timestamp': sometimes(fc.oneof(fc.nat().map(String), text)),
    'webhook-signature': sometimes(text),
    cookie: sometimes(text),
  })
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);

const queryArb = fc.dictionary(
  fc.oneof(fc.constantFrom('t', 'a', 'f', 'format', 'topic', 'submissionId'), text),
  fc.oneof(tokenArb, fc.constantFrom('1', '3', '5', 'contact', '0', '6', 'online', 'in_person', 'grief'), text),
  { maxKeys: 4 },
);

interface Request {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Body;
  /** For the webhook route: sign the (decoded) body with the real secret, so the body is reached. */
  signWebhook: boolean;
  webhookId: string;
}

const paramNames = (route: HttpRoute) => [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');

const requestArb = (route: HttpRoute): fc.Arbitrary<Request> =>
  fc.record({
    params: fc.record(Object.fromEntries(paramNames(route).map((name) => [name, idArb]))) as fc.Arbitrary<Record<string, string>>,
    query: queryArb,
    headers: headerArb,
    body: bodyArb(route),
    signWebhook: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    webhookId: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-'), minLength: 1, maxLength: 40 }),
  });

/** A lone surrogate cannot be percent-encoded (nor sent by a client): the rawPath shows U+FFFD then. */
function safeEncode(value: string): string {
  return encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'));
}

function toEvent(route: HttpRoute, req: Request): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = { host: 'kith.test', 'user-agent': 'fuzz', ...req.headers };
  if (req.body.contentType !== undefined && !('content-type' in req.headers)) headers['content-type'] = req.body.contentType;
  if (route.path === '/webhooks/escalations' && req.signWebhook) {
    const raw =
      req.body.body === undefined ? '' : req.body.base64 ? Buffer.from(req.body.body, 'base64').toString('utf8') : req.body.body;
    const ts = Math.floor(Date.now() / 1000);
    headers['webhook-id'] = req.webhookId;
    headers['webhook-timestamp'] = String(ts);
    headers['webhook-signature'] = signWebhook(TEST_WEBHOOK_SECRET, req.webhookId, ts, raw);
  }
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => safeEncode(req.params[name] ?? ''));
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(req.query).toString(),
    ...(Object.keys(req.query).length ? { queryStringParameters: req.query } : {}),
    headers,
    ...(Object.keys(req.params).length ? { pathParameters: req.params } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'kith.test',
      domainPrefix: 'kith',
      http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
      requestId: 'fuzz',
      routeKey,
      stage: '$default',
      time: '22/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.parse('2026-11-22T10:00:00Z'),
    },
    ...(req.body.body !== undefined ? { body: req.body.body } : {}),
    isBase64Encoded: req.body.base64 !== undefined,
  };
}

// ---- the property ------------------------------------------------------------------------------

describe('every HTTP handler (properties)', () => {
  let state: Map<string, string> | undefined;
  const statuses = new Map<string, Record<number, number>>();

  for (const route of httpRoutes) {
    it(`${route.method} ${route.path}: answers 2xx/3xx/4xx to anything, and a 4xx writes nothing`, async () => {
      const handler = handlers.get(`${route.method} ${route.path}`);
      if (!handler) throw new Error(`no handler for ${route.method} ${route.path}`);
      await fc.assert(
        fc.asyncProperty(requestArb(route), async (req) => {
          const before = state ?? (await snapshot());
          state = undefined;
          const result = (await handler(toEvent(route, req), lambdaContext)) as Result;
          const seen = statuses.get(`${route.method} ${route.path}`) ?? {};
          seen[result.statusCode] = (seen[result.statusCode] ?? 0) + 1;
          statuses.set(`${route.method} ${route.path}`, seen);
          expect(result.statusCode, result.body?.slice(0, 300)).toBeGreaterThanOrEqual(200);
          expect(result.statusCode, result.body?.slice(0, 300)).toBeLessThan(500);
          expect(hardeningProblems(result), `headers of a ${result.statusCode}`).toEqual([]);
          if (result.statusCode >= 400) {
            const after = await snapshot();
            expect(changes(route, before, after), `a ${result.statusCode} changed the table`).toEqual([]);
            state = after;
          }
        }),
        { numRuns: runs(40) },
      );
      // Taken, not just read: a stray rejection or error line fails its own route only.
      expect(rejections.splice(0)).toEqual([]);
      expect(errorLines.splice(0)).toEqual([]);
    });
  }

  // Regression (FC_SEED=2): a 3,000-character id reached DynamoDB, which refuses keys over 2 KB → 500.
  it.each(httpRoutes.filter((r) => paramNames(r).length > 0))('$method $path: a 3,000-character id is 404', async (route) => {
    const handler = handlers.get(`${route.method} ${route.path}`);
    const params = Object.fromEntries(paramNames(route).map((name) => [name, 'a'.repeat(3000)]));
    const result = (await handler?.(
      toEvent(route, {
        params,
        query: {},
        headers: { authorization: `Bearer ${bearer[0]}`, cookie: adminCookie, 'sec-fetch-site': 'same-origin' },
        body: { body: '{}', contentType: 'application/json' },
        signWebhook: false,
        webhookId: 'x',
      }),
      lambdaContext,
    )) as { statusCode: number };
    expect(result.statusCode).toBe(404);
  });

  // Every state-changing route refuses a browser's cross-site submission (403, nothing written),
  // except those whose callers carry no ambient credential: the admin API (bearer) and the signed webhook.
  const crossSite: Record<string, string>[] = [
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { origin: 'https://evil.example' },
  ];
  const exempt = (r: HttpRoute) => r.path.startsWith('/admin/') || r.path === '/webhooks/escalations';
  it.each(httpRoutes.filter((r) => r.method !== 'GET' && !exempt(r)))(
    '$method $path refuses cross-site submissions with 403 and writes nothing',
    async (route) => {
      const handler = handlers.get(`${route.method} ${route.path}`);
      for (const headers of crossSite) {
        for (const body of templates(route)) {
          for (const form of [true, false]) {
            const before = await snapshot();
            const result = (await handler?.(
              toEvent(route, {
                params: Object.fromEntries(paramNames(route).map((name) => [name, ids.sessionId])),
                query: { t: tokens[5] ?? '' },
                headers: { ...headers, accept: 'text/html', host: 'kith.test' },
                body: form
                  ? { body: asForm(body), contentType: 'application/x-www-form-urlencoded' }
                  : { body: JSON.stringify(body), contentType: 'application/json' },
                signWebhook: false,
                webhookId: 'x',
              }),
              lambdaContext,
            )) as Result;
            expect(result.statusCode, JSON.stringify(headers)).toBe(403);
            expect(hardeningProblems(result)).toEqual([]);
            expect(changes(route, before, await snapshot())).toEqual([]);
          }
        }
      }
      state = undefined;
    },
  );

  it.each(httpRoutes.filter((r) => r.method !== 'GET' && exempt(r)))(
    '$method $path (bearer or signature, no ambient credential) answers a cross-site call as any other',
    async (route) => {
      const handler = handlers.get(`${route.method} ${route.path}`);
      const event = (extra: Record<string, string>) =>
        toEvent(route, {
          params: Object.fromEntries(paramNames(route).map((name) => [name, 'x'])),
          query: {},
          headers: { ...extra },
          body: { body: '{}', contentType: 'application/json' },
          signWebhook: false,
          webhookId: 'x',
        });
      const plain = (await handler?.(event({}), lambdaContext)) as Result;
      const cross = (await handler?.(event({ 'sec-fetch-site': 'cross-site' }), lambdaContext)) as Result;
      expect(cross.statusCode).toBe(plain.statusCode);
      expect(cross.statusCode).toBe(401);
    },
  );

  afterAll(() => {
    const total: Record<number, number> = {};
    for (const seen of statuses.values())
      for (const [k, n] of Object.entries(seen)) total[Number(k)] = (total[Number(k)] ?? 0) + n;
    console.info(`[fast-check] http-handlers statuses: ${JSON.stringify(total)}`);
    for (const [route, seen] of statuses) console.info(`  ${route}: ${JSON.stringify(seen)}`);
  });
});
