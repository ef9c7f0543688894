import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTable } from '../../local/deps.ts';
import { runningLocalStack, TABLE_NAME } from '../../local/stack.ts';
import { bookingLink } from '../../shared/domain/sessions/book-session.ts';
import { signWebhook } from '../../shared/runtime/standard-webhooks.ts';
import { launchChromium } from '../support/browser.ts';
import { hardeningProblems } from '../support/hardening.ts';
import { linkIn, type OutboxMessage, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * Mail scanners fetch, and even render with JavaScript, every link of every email. This drives
 * every flow that sends mail on the local stack, collects every link of every email (text and
 * HTML parts, List-Unsubscribe headers) and SMS, snapshots every item of the table, then opens
 * each link in headless Chromium with JavaScript on and sends HEAD and GET to it (no cookies, no
 * redirects followed): no 5xx, every page hardened, and nothing changed in the table, the outbox
 * or the SMS outbox, except the one write the design allows: opening a check-in answer link records
 * that it was opened (`open_<answer>`) and flags a scanner that opens several (`flagged`).
 */
describe('link scanners on every emailed link', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('drives every flow that sends mail, then scans every link: no state change, no 5xx', { timeout: 300_000 }, async () => {
    const { call, drain, outbox } = stack;
    const clock = async (advanceMinutes: number) => call('POST', '/_dev/clock', { advanceMinutes });
    const token = (mail: OutboxMessage | undefined, path: string) =>
      new URL(linkIn(mail?.text ?? '', path)).searchParams.get('t') ?? '';
    const mailTo = async (to: string, subject: string | RegExp) =>
      (await outbox()).filter(
        (m) => m.to === to && (typeof subject === 'string' ? m.subject.includes(subject) : subject.test(m.subject)),
      );

    // People: a facilitator (who raises the escalation) and a safeguarding lead (who resolves it).
    const kim = (await call('POST', '/_dev/facilitators', { email: 'kim@example.org', displayName: 'Kim' })).json;
    const auth = { authorization: `Bearer ${kim.token as string}` };
    const lead = (
      await call('POST', '/_dev/facilitators', { email: 'lead@example.org', displayName: 'Sam Lead', role: 'safeguarding_lead' })
    ).json;

    // Groups: one open, one closed (join requests).
    const group = (name: string, access: 'open' | 'closed') =>
      call(
        'POST',
        '/admin/groups',
        { name, format: 'in_person', location: 'Room 1', capacity: 8, access, timezone: 'Europe/London' },
        auth,
      );
    const openGroup = (await group('Walk and talk', 'open')).json.id as string;
    const closedGroup = (await group('Closed circle', 'closed')).json.id as string;

    // Sign-up → confirmation → welcome (manage link) → joined the open group.
    const signUp = async (email: string, groupId: string) => {
      await call('POST', '/signups', {
        email,
        displayName: 'Robin Taylor',
        consents: { groupAgreement: true, privacyNotice: true, checkinEmails: true },
        groupId,
      });
      await drain();
      const [confirmation] = await mailTo(email, 'onfirm');
      expect((await call('POST', '/confirm', { token: token(confirmation, '/confirm?t=') })).status).toBe(200);
      await drain();
      return (await stack.deps.members.findByEmail(email))?.memberId ?? '';
    };
    const robin = await signUp('robin@example.com', openGroup);
    // A join request for the closed group, approved by its facilitator.
    const jo = await signUp('jo@example.com', closedGroup);
    expect((await call('GET', `/admin/groups/${closedGroup}/requests`, undefined, auth)).status).toBe(200);
    expect((await call('POST', `/admin/groups/${closedGroup}/requests/${jo}/approve`, undefined, auth)).status).toBeLessThan(300);
    await drain();
    // Robin signs up again from the closed group's page: "you already have an account", its manage link offering the group.
    await call('POST', '/signups', {
      email: 'robin@example.com',
      displayName: 'Robin',
      consents: { groupAgreement: true, privacyNotice: true },
      groupId: closedGroup,
    });
    await drain();
    expect(await mailTo('robin@example.com', 'already have an account')).toHaveLength(1);

    // A session: announcement (booking link) → booked (confirmation) → reminder → check-in → its reminder.
    const now = Date.parse((await clock(0)).json.now as string);
    const startsAt = new Date(now + 48 * 3_600_000).toISOString();
    const sessions = await call('POST', `/admin/groups/${openGroup}/sessions`, { startsAt, durationMinutes: 60 }, auth);
    const sessionId = (sessions.json.sessions as { id: string }[])[0]?.id ?? '';
    await drain();
    const book = new URL(await bookingLink(stack.deps, robin, openGroup, sessionId));
    expect((await call('POST', book.pathname, { token: book.searchParams.get('t'), action: 'book' })).json.result).toBe('booked');
    await drain();
    const { delayMinutes, reminderAfterHours } = stack.deps.org.checkins;
    await clock(24 * 60); // the 24 h reminder
    await clock(24 * 60 + 60 + delayMinutes); // the session, and the check-in delay
    await clock(reminderAfterHours * 60 + 1); // the check-in reminder
    const [checkin] = await mailTo('robin@example.com', /^How are you after/);
    expect(checkin).toBeDefined();
    // A low answer (a POST, as from the page) → the thin wellbeing alert to the facilitator.
    const answer = token(checkin, `/checkins/${sessionId}?t=`);
    expect((await call('POST', `/checkins/${sessionId}`, { token: answer, score: 1 })).status).toBeLessThan(400);
    await drain();

    // Safeguarding: a signed webhook → lead email + SMS (and the facilitator's debrief); acknowledged;
    // the resolve reminder after resolveWithinHours; resolved with serious harm → the trustees' email.
    const secret = (await call('GET', '/_dev/webhook-secret')).json.secret as string;
    const body = JSON.stringify({
      facilitatorEmail: 'kim@example.org',
      category: 'self_harm',
      urgency: 'immediate',
      summary: 'Link scanner test',
      emergencyServicesContacted: false,
    });
    const ts = Math.floor(Date.now() / 1000);
    const raised = await call('POST', '/webhooks/escalations', body, {
      'content-type': 'application/json',
      'webhook-id': 'msg_link_scanner_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signWebhook(secret, 'msg_link_scanner_1', ts, body),
    });
    expect(raised.status).toBe(202);
    const escalationId = raised.json.escalationId as string;
    await drain();
    const [alert] = await mailTo('lead@example.org', 'Safeguarding alert');
    const code = /Acknowledgement code: (\d{6})/.exec(alert?.text ?? '')?.[1];
    expect((await call('POST', `/escalations/${escalationId}/acknowledge`, { code, name: 'Sam Lead' })).status).toBe(200);
    await clock(stack.deps.org.safeguarding.resolveWithinHours * 60 + 1);
    const resolved = await call(
      'POST',
      `/admin/escalations/${escalationId}/resolve`,
      { outcome: 'advice_given', seriousHarm: true },
      { authorization: `Bearer ${lead.token as string}` },
    );
    expect(resolved.status).toBe(200);
    await drain();

    // Every mail the flows sent, by subject: each kind the scanner must cover is there.
    const mails = await outbox();
    const subjects = mails.map((m) => m.subject);
    for (const kind of [
      /onfirm/i, // sign-up confirmation
      /welcome/i,
      /You have joined/,
      /^New sessions/, // booking announcement
      /^Your place/,
      /^Reminder/,
      /^How are you after/, // check-in
      /^A reminder: how are you after/,
      /^Check-in follow-up needed/, // facilitator alert
      /Safeguarding alert/, // escalation lead email
      /^Debrief/,
      /acknowledged but not resolved/,
      /^Serious incident report needed/, // trustees
    ]) {
      expect(
        subjects.some((s) => kind.test(s)),
        `an email matching ${kind} in: ${subjects.join(' | ')}`,
      ).toBe(true);
    }

    // Every link of every email and SMS (only this stack's own: nothing leaves the machine).
    const sms = ((await call('GET', '/_dev/sms')).json as { messages: { body: string }[] }).messages;
    const texts = [
      ...mails.flatMap((m) => [m.text, m.html.replaceAll('&amp;', '&'), ...Object.values(m.headers)]),
      ...sms.map((m) => m.body),
    ];
    const links = [...new Set(texts.flatMap((t) => t.match(/https?:\/\/[^\s"'<>]+/g) ?? []))].filter((u) =>
      u.startsWith(stack.url),
    );
    const paths = new Set(links.map((u) => new URL(u).pathname.replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '{id}')));
    for (const path of [
      '/confirm',
      '/manage',
      '/sessions/{id}/book',
      '/checkins/{id}',
      '/checkins/unsubscribe',
      '/escalations/{id}/acknowledge',
    ]) {
      expect(paths, `a ${path} link`).toContain(path);
    }

    const endpoints = runningLocalStack(stack.dataDir);
    if (!endpoints) throw new Error('no endpoints for the test stack');
    const table = localTable(endpoints.dynamodb, endpoints.tableName || TABLE_NAME);
    const snapshot = async () => {
      const items = new Map<string, Record<string, unknown>>();
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await table.client.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey }));
        for (const item of page.Items ?? []) items.set(`${item.pk} | ${item.sk}`, item);
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    };
    const before = await snapshot();
    const mailsBefore = mails.length;
    const smsBefore = sms.length;

    // The scan: Chromium with JavaScript on, then HEAD and GET without cookies.
    const problems: string[] = [];
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ javaScriptEnabled: true });
      for (const url of links) {
        const page = await context.newPage();
        const response = await page.goto(url, { waitUntil: 'load' });
        const status = response?.status() ?? 0;
        if (status === 0 || status >= 500) problems.push(`chromium ${status} ${url}`);
        const hardening = response ? hardeningProblems({ statusCode: status, headers: await response.allHeaders() }) : [];
        if (hardening.length) problems.push(`chromium ${url}: ${hardening.join(', ')}`);
        await page.close();
      }
      await context.close();
    } finally {
      await browser.close();
    }
    for (const url of links) {
      for (const method of ['HEAD', 'GET']) {
        const response = await fetch(url, { method, redirect: 'manual' });
        await response.arrayBuffer();
        if (response.status >= 500) problems.push(`${method} ${response.status} ${url}`);
        const hardening = hardeningProblems({ statusCode: response.status, headers: Object.fromEntries(response.headers) });
        if (hardening.length) problems.push(`${method} ${url}: ${hardening.join(', ')}`);
      }
    }
    await drain();
    expect(problems).toEqual([]);

    // Zero state changes, but the check-in "opened" markers the design allows.
    const after = await snapshot();
    const allowed = (key: string, b: Record<string, unknown> | undefined, a: Record<string, unknown> | undefined) => {
      if (!b || !a || !key.includes(sessionId) || !key.includes(robin)) return false;
      const changed = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
        (k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]),
      );
      return changed.every((k) => /^open_(1|2|3|4|5|contact)$/.test(k) || k === 'flagged');
    };
    const changes = [...new Set([...before.keys(), ...after.keys()])].filter((key) => {
      const [b, a] = [before.get(key), after.get(key)];
      return JSON.stringify(b) !== JSON.stringify(a) && !allowed(key, b, a);
    });
    expect(changes, 'items changed by opening links').toEqual([]);
    // …and the allowed write did happen: the scan opened the check-in links.
    expect(Object.keys((await stack.deps.checkins.get(sessionId, robin))?.opened ?? {}).length).toBeGreaterThan(0);
    expect((await outbox()).length).toBe(mailsBefore);
    expect(((await call('GET', '/_dev/sms')).json as { messages: unknown[] }).messages.length).toBe(smsBefore);
    console.info(
      `[link-scanner] ${links.length} links from ${mailsBefore} emails and ${smsBefore} SMS, ${paths.size} paths: ${[...paths].sort().join(', ')}`,
    );
  });
});
