import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/members/get-signup-page.ts';
import { exampleOrg } from '../../support/deps.ts';
import { get, textOf } from './helpers.ts';

describe('GET /signup', () => {
  const org = exampleOrg();
  const handler = makeHandler({ org });

  it('shows the group agreement, the limits of confidentiality and the privacy notice before the form', async () => {
    const response = await get(handler, '/signup');

    expect(response.status).toBe(200);
    const text = textOf(response.body);
    for (const line of org.groupAgreement.text.split('\n')) expect(text).toContain(line.replaceAll("'", "'"));
    expect(text).toContain(org.confidentiality.text);
    expect(text).toContain(org.privacyNotice.text);
    expect(text.indexOf('Confidentiality and its limits')).toBeLessThan(text.indexOf('Your details'));
  });

  it('has a labelled form: email, name (first name or nickname), two required consents, an optional one, and "Join"', async () => {
    const { body } = await get(handler, '/signup');

    expect(body).toMatch(/<form method="post" action="signups"/);
    for (const id of ['email', 'displayName', 'groupAgreement', 'privacyNotice', 'checkinEmails']) {
      expect(body).toContain(`<label for="${id}">`);
      expect(body).toMatch(new RegExp(`<input [^>]*id="${id}" name="${id}"`));
    }
    expect(body).toContain('<label for="displayName">First name or nickname</label>');
    expect(body).toMatch(/id="groupAgreement"[^>]* required/);
    expect(body).toMatch(/id="privacyNotice"[^>]* required/);
    expect(body).not.toMatch(/id="checkinEmails"[^>]* required/);
    expect(body).toContain('<button type="submit">Join</button>');
  });

  it('carries a valid ?groupId= into the form and ignores anything else', async () => {
    const withGroup = await get(handler, '/signup', { groupId: '01JDQ3R8Y4V5W6X7Y8Z9A0B1C2' });
    const junk = await get(handler, '/signup', { groupId: '"><script>' });

    expect(withGroup.body).toContain('<input type="hidden" name="groupId" value="01JDQ3R8Y4V5W6X7Y8Z9A0B1C2">');
    expect(junk.status).toBe(200);
    expect(junk.body).not.toContain('name="groupId"');
  });

  it('is served with a strict CSP, no referrer and no framing', async () => {
    const { headers } = await get(handler, '/signup');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
  });
});
