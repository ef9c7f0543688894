import { describe, expect, it } from 'vitest';
import { makeHandler as makePost } from '../../../functions/safeguarding/acknowledge-escalation.ts';
import { makeHandler as makeGet } from '../../../functions/safeguarding/get-acknowledge-page.ts';
import { raiseEscalation } from '../../../shared/domain/safeguarding/raise-escalation.ts';
import { validEscalation } from '../../domain/safeguarding/helpers.ts';
import { testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { BROWSER, FORM, invoke, textOf } from '../members/helpers.ts';

async function setup() {
  const deps = await testDeps();
  const { escalationId } = await raiseEscalation(deps, validEscalation, { kind: 'webhook', webhookId: `msg_${Math.random()}` });
  const escalation = (await deps.escalations.get(escalationId))!;
  const path = `/escalations/${escalationId}/acknowledge`;
  const get = () => invoke(makeGet(deps), httpEvent('GET', path, { headers: BROWSER, pathParameters: { escalationId } }));
  const post = (fields: Record<string, string>) =>
    invoke(
      makePost(deps),
      httpEvent('POST', path, { body: new URLSearchParams(fields).toString(), headers: FORM, pathParameters: { escalationId } }),
    );
  return { deps, escalation, get, post };
}

describe('the acknowledgement page', () => {
  it('asks for the code and a name, shows the reference only, and changes nothing when opened', async () => {
    const { deps, escalation, get } = await setup();
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toContain('name="code"');
    expect(res.body).toContain('<button type="submit">Acknowledge</button>');
    expect(textOf(res.body)).toContain(escalation.reference);
    expect(res.body).not.toContain(escalation.ackCode);
    expect(res.body).not.toContain(validEscalation.summary);
    expect(res.body).not.toContain('<script');
    await get();
    expect((await deps.escalations.get(escalation.escalationId))?.status).toBe('open');
  });

  it('answers a wrong code with the form again (400) and a message by the field, then 429 with the phone number', async () => {
    const { deps, escalation, post } = await setup();
    const wrong = escalation.ackCode === '000000' ? '111111' : '000000';
    const res = await post({ code: wrong, name: 'Sam' });
    expect(res.status).toBe(400);
    expect(textOf(res.body)).toMatch(/code is not right/);
    expect(res.body).toContain('value="Sam"');
    for (let i = 0; i < 4; i++) await post({ code: wrong, name: 'Sam' });
    const locked = await post({ code: escalation.ackCode, name: 'Sam' });
    expect(locked.status).toBe(429);
    expect(textOf(locked.body)).toContain(deps.org.phone);
  });

  it('acknowledges with the right code, and a second time says who did', async () => {
    const { escalation, post, get } = await setup();
    const res = await post({ code: escalation.ackCode, name: 'Sam Lead' });
    expect(res.status).toBe(200);
    expect(textOf(res.body)).toMatch(/you have acknowledged/i);
    const again = await post({ code: escalation.ackCode, name: 'Dee' });
    expect(textOf(again.body)).toMatch(/already acknowledged.*Sam Lead/);
    expect(textOf((await get()).body)).toMatch(/already acknowledged.*Sam Lead/);
  });

  it('answers 404 for an unknown escalation, and 400 with fields for a missing name', async () => {
    const { escalation, post } = await setup();
    const missing = await invoke(
      makeGet((await setup()).deps),
      httpEvent('GET', '/escalations/X/acknowledge', { headers: BROWSER, pathParameters: { escalationId: 'X' } }),
    );
    expect(missing.status).toBe(404);
    const noName = await post({ code: escalation.ackCode, name: '' });
    expect(noName.status).toBe(400);
    expect(textOf(noName.body)).toMatch(/enter your name/);
  });
});
