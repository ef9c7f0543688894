import { describe, expect, it } from 'vitest';
import { makeHandler as makeGet } from '../../../functions/safeguarding/get-escalation-form.ts';
import { makeHandler as makeLink } from '../../../functions/safeguarding/get-escalation-form-link.ts';
import { makeHandler as makePost } from '../../../functions/safeguarding/submit-escalation-form.ts';
import { createDocumentClient } from '../../../shared/adapters/aws/dynamo/document-client.ts';
import { createDynamoEscalationRepository } from '../../../shared/adapters/aws/dynamo/escalation-repository.ts';
import { createUlids } from '../../../shared/adapters/ids.ts';
import { createFacilitator } from '../../../shared/domain/facilitators/create-facilitator.ts';
import { outboxItems } from '../../domain/safeguarding/helpers.ts';
import { testDeps } from '../../support/deps.ts';
import { httpEvent } from '../../support/events.ts';
import { BROWSER, FORM, invoke, textOf } from '../members/helpers.ts';

async function setup() {
  const deps = await testDeps();
  const { token } = await createFacilitator(deps, { email: 'sam@example.org', displayName: 'Sam', role: 'facilitator' });
  const link = await invoke(
    makeLink(deps),
    httpEvent('GET', '/admin/escalation-form-link', { headers: { authorization: `Bearer ${token}` } }),
  );
  const url = new URL(JSON.parse(link.body).url);
  const f = url.searchParams.get('f')!;
  const getForm = () => invoke(makeGet(deps), httpEvent('GET', '/forms/escalation', { headers: BROWSER, query: { f } }));
  const submissionId = /name="submissionId" value="([^"]+)"/.exec((await getForm()).body)?.[1] ?? '';
  const post = (fields: Record<string, string>, d = deps) =>
    invoke(
      makePost(d),
      httpEvent('POST', '/forms/escalation', {
        body: new URLSearchParams({ f, submissionId, ...fields }).toString(),
        headers: FORM,
      }),
    );
  return { deps, url, f, getForm, post };
}

const valid = { category: 'self_harm', urgency: 'immediate', summary: 'Described a plan', facts: 'Said so', personAware: 'yes' };

describe('the hosted escalation form', () => {
  it('is reached through the facilitator’s personal link and shows the 999 guidance before any field', async () => {
    const { url, getForm } = await setup();
    expect(url.pathname).toBe('/forms/escalation');
    const res = await getForm();
    expect(res.status).toBe(200);
    const guidance = res.body.indexOf('call 999 first');
    expect(guidance).toBeGreaterThan(-1);
    expect(guidance).toBeLessThan(res.body.indexOf('<form'));
    expect(res.body).toContain('<button type="submit">Send to the safeguarding lead</button>');
  });

  it('raises the escalation with the facilitator from the link, once for a double submission', async () => {
    const { deps, post } = await setup();
    const res = await post(valid);
    expect(res.status).toBe(202);
    expect(textOf(res.body)).toMatch(/has been sent/);
    expect((await post(valid)).status).toBe(202);
    const events = await outboxItems(deps);
    expect(events).toHaveLength(1);
    const escalation = await deps.escalations.get(events[0]?.event.data.escalationId);
    expect(escalation?.record).toMatchObject({
      facilitatorEmail: 'sam@example.org',
      summary: 'Described a plan',
      facts: 'Said so',
      personAware: true,
      emergencyServicesContacted: false,
    });
    expect(escalation?.source.kind).toBe('form');
  });

  it('shows the form again with messages and the values kept, for mistakes', async () => {
    const { deps, post } = await setup();
    const res = await post({ summary: 'Kept text' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('id="category-error"');
    expect(res.body).toContain('id="urgency-error"');
    expect(res.body).toContain('Kept text');
    expect(await outboxItems(deps)).toHaveLength(0);
  });

  it('says it was NOT sent and gives the phone number when storage fails', async () => {
    const { deps, post } = await setup();
    const down = createDocumentClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'eu-west-2',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
    });
    const escalations = createDynamoEscalationRepository(
      { client: down, tableName: deps.table.tableName },
      createUlids(deps.clock),
    );
    const res = await post(valid, { ...deps, escalations });
    expect(res.status).toBe(503);
    const text = textOf(res.body);
    expect(text).toMatch(/has NOT been sent/);
    expect(text).toContain(deps.org.phone);
    expect(text).not.toMatch(/has been sent/);
  });

  it('refuses a forged or revoked link', async () => {
    const { deps, f } = await setup();
    const forged = await invoke(
      makeGet(deps),
      httpEvent('GET', '/forms/escalation', { headers: BROWSER, query: { f: `${f}x` } }),
    );
    expect(forged.status).toBe(400);
    const [facilitator] = await deps.facilitators.list();
    await deps.facilitators.revoke(facilitator!.facilitatorId, '2026-11-22T11:00:00Z');
    expect((await invoke(makeGet(deps), httpEvent('GET', '/forms/escalation', { headers: BROWSER, query: { f } }))).status).toBe(
      400,
    );
  });
});
