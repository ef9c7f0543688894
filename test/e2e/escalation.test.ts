import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../shared/runtime/standard-webhooks.ts';
import { launchChromium } from '../support/browser.ts';
import { linkIn, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

const SENTINEL = 'SENTINEL-e2e-51d2';

describe('a safeguarding escalation through the local stack and a real browser', () => {
  let stack: Stack;
  let browser: Browser;
  let secret: string;

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await launchChromium();
    secret = (await stack.call('GET', '/_dev/webhook-secret')).json.secret as string;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const post = (body: string, id: string) => {
    const ts = Math.floor(Date.now() / 1000);
    return stack.call('POST', '/webhooks/escalations', body, {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signWebhook(secret, id, ts, body),
    });
  };
  const sms = async () => ((await stack.call('GET', '/_dev/sms')).json as { messages: { to: string; body: string }[] }).messages;

  it('alerts the lead by email and SMS, moves up to the deputy on time, and stops once acknowledged in the browser', async () => {
    const body = JSON.stringify({
      facilitatorEmail: 'sam.facilitator@example.org',
      category: 'suicide_risk',
      urgency: 'immediate',
      summary: SENTINEL,
      facts: SENTINEL,
      opinion: SENTINEL,
      memberRef: SENTINEL,
    });
    const started = performance.now();
    const accepted = await post(body, 'msg_e2e_1');
    expect(accepted.status).toBe(202);
    const { escalationId } = accepted.json as { escalationId: string };
    expect((await post(body, 'msg_e2e_1')).json).toEqual({ escalationId }); // a retried delivery

    // webhook 202 → first lead email, as fast as the local pump delivers it
    const acceptedAt = performance.now();
    let leadMail: Awaited<ReturnType<Stack['outbox']>>[number] | undefined;
    while (!leadMail && performance.now() - acceptedAt < 15_000) {
      leadMail = (await stack.outbox()).find((m) => m.to === 'lead@example.org');
      if (!leadMail) await new Promise((r) => setTimeout(r, 20));
    }
    const latencyMs = Math.round(performance.now() - acceptedAt);
    console.log(`webhook 202 → first lead email: ${latencyMs} ms (request itself ${Math.round(acceptedAt - started)} ms)`);
    expect(leadMail).toBeDefined();
    await stack.drain();

    const mails = await stack.outbox();
    expect(mails.filter((m) => m.to === 'lead@example.org')).toHaveLength(1);
    expect((await sms()).filter((m) => m.to === '+447700900123')).toHaveLength(1);
    const code = /Acknowledgement code: (\d{6})/.exec(leadMail!.text)?.[1];
    expect(code).toBeDefined();
    const ackUrl = linkIn(leadMail!.text, `/escalations/${escalationId}/acknowledge`);
    expect(ackUrl).not.toContain(code);
    const staffAlerts = mails.filter((m) => m.to !== 'sam.facilitator@example.org');
    expect(mails.filter((m) => m.to === 'sam.facilitator@example.org').map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Debrief after safeguarding concern S-/),
    ]);
    expect(JSON.stringify(mails)).not.toContain(SENTINEL);
    for (const leak of [SENTINEL, 'suicide', 'sam.facilitator']) {
      expect(JSON.stringify(staffAlerts), leak).not.toContain(leak);
      expect(JSON.stringify(await sms()), leak).not.toContain(leak);
    }

    // Nobody acknowledges within level 0's 10 minutes (immediate): the deputy is alerted
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 11 });
    await stack.drain();
    expect((await stack.outbox()).filter((m) => m.to === 'deputy@example.org')).toHaveLength(1);
    expect((await sms()).filter((m) => m.to === '+447700900456')).toHaveLength(1);

    // A link scanner renders the page with JavaScript on: nothing is acknowledged
    const scanner = await browser.newPage({ javaScriptEnabled: true });
    await scanner.goto(ackUrl, { waitUntil: 'networkidle' });
    await scanner.close();
    await stack.drain();
    expect((await stack.deps.escalations.get(escalationId))?.status).toBe('open');

    // A wrong code: the form again, with a message, and nothing acknowledged
    const page = await browser.newPage();
    await page.goto(ackUrl);
    await page.getByLabel(/acknowledgement code/i).fill(code === '000000' ? '111111' : '000000');
    await page.getByLabel(/your name/i).fill('Dee Deputy');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForLoadState('load');
    expect(await page.textContent('body')).toMatch(/code is not right/i);

    // The right code
    await page.getByLabel(/acknowledgement code/i).fill(code!);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForLoadState('load');
    expect(await page.textContent('body')).toMatch(/you have acknowledged/i);
    await page.close();

    // A second acknowledgement says who acknowledged
    const again = await browser.newPage();
    await again.goto(ackUrl);
    expect(await again.textContent('body')).toMatch(/already acknowledged.*Dee Deputy/is);
    await again.close();

    // No further alerts on the next clock advances
    const before = { mail: (await stack.outbox()).length, sms: (await sms()).length };
    await stack.call('POST', '/_dev/clock', { advanceMinutes: 30 });
    await stack.drain();
    expect((await stack.outbox()).length).toBe(before.mail);
    expect((await sms()).length).toBe(before.sms);

    // The timeline, for a safeguarding lead
    const lead = (
      await stack.call('POST', '/_dev/facilitators', { email: 'lead@example.org', displayName: 'Sam', role: 'safeguarding_lead' })
    ).json as { token: string };
    const view = await stack.call('GET', `/admin/escalations/${escalationId}`, undefined, {
      authorization: `Bearer ${lead.token}`,
    });
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ status: 'acknowledged', level: 1, round: 0 });
    const types = (view.json.timeline as { type: string }[]).map((e) => e.type);
    expect(types[0]).toBe('raised');
    expect(types).toContain('moved_up');
    expect(types.at(-1)).toBe('acknowledged');
    expect(types.filter((t) => t === 'notified')).toHaveLength(4);
    expect(view.text).not.toContain(SENTINEL);
  });

  it('resolves an acknowledged escalation with serious harm: off the open list, and the trustees get one thin email', async () => {
    const body = JSON.stringify({
      facilitatorEmail: 'sam.facilitator@example.org',
      category: 'abuse_or_neglect',
      urgency: 'same_day',
      summary: SENTINEL,
      facts: SENTINEL,
      memberRef: SENTINEL,
    });
    const accepted = await post(body, 'msg_e2e_serious');
    expect(accepted.status).toBe(202);
    const { escalationId } = accepted.json as { escalationId: string };
    await stack.drain();
    const leadMail = (await stack.outbox()).find(
      (m) => m.to === 'lead@example.org' && m.text.includes(`/escalations/${escalationId}/`),
    );
    const code = /Acknowledgement code: (\d{6})/.exec(leadMail?.text ?? '')?.[1];
    expect(code).toBeDefined();

    const lead = (
      await stack.call('POST', '/_dev/facilitators', {
        email: 'lead2@example.org',
        displayName: 'Lee',
        role: 'safeguarding_lead',
      })
    ).json as { token: string };
    const resolve = (outcome: string) =>
      stack.call(
        'POST',
        `/admin/escalations/${escalationId}/resolve`,
        { outcome, seriousHarm: true, note: SENTINEL },
        { authorization: `Bearer ${lead.token}` },
      );
    expect((await resolve('emergency_services')).status).toBe(409); // not acknowledged yet
    const ack = await stack.call('POST', `/escalations/${escalationId}/acknowledge`, { code, name: 'Lee' });
    expect(ack.status).toBe(200);
    const resolved = await resolve('emergency_services');
    expect(resolved.status).toBe(200);
    expect(resolved.json).toMatchObject({ status: 'resolved', resolution: { outcome: 'emergency_services', seriousHarm: true } });
    expect((await resolve('advice_given')).json).toMatchObject({ status: 'already' });
    await stack.drain();

    const trustees = stack.deps.org.trustees.email;
    const toTrustees = (await stack.outbox()).filter((m) => m.to === trustees);
    expect(toTrustees).toHaveLength(1);
    expect(toTrustees[0]?.text).toContain(`/admin/escalations/${escalationId}`);
    expect(JSON.stringify(toTrustees)).not.toContain(SENTINEL);
    expect(JSON.stringify(toTrustees)).not.toContain('sam.facilitator');

    const view = await stack.call('GET', `/admin/escalations/${escalationId}`, undefined, {
      authorization: `Bearer ${lead.token}`,
    });
    expect(view.json).toMatchObject({ status: 'resolved' });
    expect((view.json.timeline as { type: string }[]).at(-1)).toMatchObject({ type: 'resolved', outcome: 'emergency_services' });
    expect(view.text).not.toContain(SENTINEL);
  });

  it('runs a drill through the same path: the lead is alerted with the DRILL mark, acknowledges, resolves; no trustees email', async () => {
    const admin = (
      await stack.call('POST', '/_dev/facilitators', { email: 'ada.admin@example.org', displayName: 'Ada', role: 'admin' })
    ).json as { token: string };
    const auth = { authorization: `Bearer ${admin.token}` };
    const started = await stack.call('POST', '/admin/escalations/drill', { urgency: 'same_day' }, auth);
    expect(started.status).toBe(201);
    const { escalationId, reference } = started.json as { escalationId: string; reference: string };
    await stack.drain();
    const leadMail = (await stack.outbox()).find((m) => m.to === 'lead@example.org' && m.subject.includes(reference));
    expect(leadMail?.subject).toMatch(/^DRILL — TEST ALERT, no action needed beyond acknowledging/);
    expect(leadMail?.text).toContain('DRILL — TEST ALERT, no action needed beyond acknowledging');
    const drillSms = (await sms()).filter((m) => m.body.includes(reference));
    expect(drillSms.length).toBeGreaterThan(0);
    expect(drillSms.every((m) => m.body.startsWith('DRILL'))).toBe(true);
    expect((await stack.outbox()).filter((m) => m.to === 'ada.admin@example.org')).toEqual([]); // no debrief

    const code = /Acknowledgement code: (\d{6})/.exec(leadMail?.text ?? '')?.[1];
    expect((await stack.call('POST', `/escalations/${escalationId}/acknowledge`, { code, name: 'Sam Lead' })).status).toBe(200);
    const resolved = await stack.call(
      'POST',
      `/admin/escalations/${escalationId}/resolve`,
      { outcome: 'no_further_action', seriousHarm: true },
      auth,
    );
    expect(resolved.status).toBe(200);
    await stack.drain();
    const trustees = stack.deps.org.trustees.email;
    expect((await stack.outbox()).filter((m) => m.to === trustees && m.text.includes(reference))).toEqual([]);
    const view = await stack.call('GET', `/admin/escalations/${escalationId}`, undefined, auth);
    expect(view.json).toMatchObject({ drill: true, status: 'resolved', acknowledgedBy: { name: 'Sam Lead' } });
  });
});
