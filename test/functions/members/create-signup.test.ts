import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeHandler } from '../../../functions/members/create-signup.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { activeMember, mailRelay, scanAll, signupRequest } from '../../domain/members/helpers.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { httpEvent, lambdaContext } from '../../support/events.ts';
import { FORM, invoke, postForm, postJson, textOf, withoutNonce } from './helpers.ts';

// Request lines are logged at info; record them to check that no address or name ever appears.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'info';
});

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/members/post-signups-form.json', import.meta.url), 'utf8'),
) as APIGatewayProxyEventV2;

describe('POST /signups', () => {
  let deps: TestDeps;
  let handler: ReturnType<typeof makeHandler>;
  let logs: string[];
  let restoreLogs: (line: string) => void;
  beforeEach(async () => {
    deps = await testDeps();
    handler = makeHandler(deps);
    logs = [];
    restoreLogs = setLogSink((line) => logs.push(line));
  });
  afterEach(() => {
    setLogSink(restoreLogs);
  });

  it('answers 202 with the same body for a new, a pending and an active address, and for one over the limit', async () => {
    const relay = mailRelay(deps);
    await activeMember(deps, relay, { email: 'active@example.org' });
    const responses = [
      await postJson(handler, '/signups', signupRequest({ email: 'new@example.org' })),
      await postJson(handler, '/signups', signupRequest({ email: 'new@example.org' })),
      await postJson(handler, '/signups', signupRequest({ email: 'active@example.org' })),
    ];
    for (let i = 0; i < deps.org.members.maxSignupEmailsPerDay; i++) {
      responses.push(await postJson(handler, '/signups', signupRequest({ email: 'new@example.org' })));
    }

    for (const response of responses) {
      expect(response.status).toBe(202);
      expect(response.headers).toEqual(responses[0]?.headers);
      expect(response.body).toBe(responses[0]?.body);
    }
    expect(JSON.parse(responses[0]?.body ?? '')).toEqual({
      status: 'accepted',
      message: expect.stringMatching(/^Check your email/),
    });
  });

  it('accepts the hosted form (a recorded API Gateway event) and shows the same "check your email" page for a known address', async () => {
    const first = await invoke(handler, fixture);
    const again = await invoke(handler, fixture);

    expect(first.status).toBe(202);
    expect(first.headers['content-type']).toMatch(/^text\/html/);
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    expect(textOf(first.body)).toMatch(/Check your email/);
    expect(withoutNonce(again.body)).toBe(withoutNonce(first.body));
    const member = await deps.members.findByEmail('form.fixture@example.org');
    expect(member).toMatchObject({ status: 'pending', displayName: 'Fix', checkinEmails: true });
  });

  it('shows the form again with a message by each field and the values entered, and writes nothing', async () => {
    const response = await postForm(handler, '/signups', {
      email: 'not-an-address',
      displayName: '<b>Robin</b>',
      privacyNotice: 'yes',
      groupId: '01JDQ3R8Y4V5W6X7Y8Z9A0B1C2',
    });

    expect(response.status).toBe(400);
    const text = textOf(response.body);
    expect(text).toContain('There is a problem');
    expect(text).toContain('Error: Enter an email address like name@example.org');
    expect(text).toContain('Error: You need to accept the group agreement to join');
    expect(response.body).toContain('value="not-an-address"');
    expect(response.body).toContain('value="&lt;b&gt;Robin&lt;/b&gt;"');
    expect(response.body).toMatch(/<input type="checkbox" id="privacyNotice" name="privacyNotice" value="yes" checked required>/);
    expect(response.body).toMatch(/id="groupAgreement"[^>]*aria-invalid="true"/);
    expect(response.body).toContain('<input type="hidden" name="groupId" value="01JDQ3R8Y4V5W6X7Y8Z9A0B1C2">');
    expect(response.body).toContain('<button type="submit">Join</button>');
    expect(await scanAll(deps.table)).toEqual([]);
  });

  it('answers bad JSON fields with 400 and a message per field', async () => {
    const response = await postJson(handler, '/signups', {
      email: 'nope',
      displayName: '',
      consents: { groupAgreement: 'true', privacyNotice: true },
    });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error).toEqual({
      code: 'validation_failed',
      message: 'Some fields need attention.',
      fields: {
        email: 'enter an email address like name@example.org',
        displayName: 'enter a first name or nickname',
        'consents.groupAgreement': 'you need to accept the group agreement to join',
      },
    });
  });

  it('answers 413 to a body over 16 KiB, 415 to another content type, 400 to malformed JSON', async () => {
    const big = await postJson(handler, '/signups', { ...signupRequest(), displayName: 'x'.repeat(17 * 1024) });
    const text = await invoke(
      handler,
      httpEvent('POST', '/signups', { body: 'email=a', headers: { 'content-type': 'text/plain' } }),
    );
    const malformed = await postJson(handler, '/signups', '{"email":');

    expect(big.status).toBe(413);
    expect(text.status).toBe(415);
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.fields).toEqual({ body: 'must be valid JSON' });
    expect(await scanAll(deps.table)).toEqual([]);
  });

  it('refuses a form posted from another site', async () => {
    const response = await invoke(
      handler,
      httpEvent('POST', '/signups', { body: 'email=a%40b.org', headers: { ...FORM, 'sec-fetch-site': 'cross-site' } }),
    );
    expect(response.status).toBe(403);
  });

  it('never answers 5xx, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.json(), fc.string()),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
        async (body, type) => {
          const response = await handler(
            httpEvent('POST', '/signups', { body, headers: { 'content-type': type } }),
            lambdaContext,
          );
          expect(response.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('logs no address or name', async () => {
    await postJson(handler, '/signups', signupRequest({ email: 'log.check@example.org', displayName: 'Logname' }));
    await postJson(handler, '/signups', { email: 'log.check@example.org', displayName: 'Logname' });
    await invoke(handler, fixture);

    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toMatch(/log\.check|Logname|form\.fixture/i);
  });
});
