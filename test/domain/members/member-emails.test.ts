import { describe, expect, it } from 'vitest';
import { alreadyMemberEmail, confirmationEmail, welcomeEmail } from '../../../shared/domain/members/member-emails.ts';
import { exampleOrg } from '../../support/deps.ts';

const org = exampleOrg();
const confirmUrl = 'http://kith.test/confirm?t=abc.def';
const manageUrl = 'http://kith.test/manage?t=ghi.jkl';
const hostileName = `<img src=x onerror=alert(1)> & "Jo" 'O'`;

describe('member emails', () => {
  const all = [
    confirmationEmail(org, 'robin@example.org', confirmUrl),
    alreadyMemberEmail(org, 'robin@example.org', hostileName, manageUrl),
    welcomeEmail(org, 'robin@example.org', hostileName, manageUrl),
  ];

  it('carry their link in both the text and the HTML, with link text that says where it goes', () => {
    expect(all[0]?.text).toContain(confirmUrl);
    expect(all[0]?.html).toMatch(/<a href="http:\/\/kith\.test\/confirm\?t=abc\.def">Confirm your email address for [^<]+<\/a>/);
    for (const mail of all.slice(1)) {
      expect(mail.text).toContain(manageUrl);
      expect(mail.html).toMatch(/<a href="http:\/\/kith\.test\/manage\?t=ghi\.jkl">Manage your [^<]+membership[^<]*<\/a>/);
    }
  });

  it('are accessible HTML documents: language, a title, one main heading, no images', () => {
    for (const mail of all) {
      expect(mail.html).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(mail.html).toContain(`<title>${mail.subject.replaceAll("'", '&#39;')}</title>`);
      expect(mail.html.match(/<h1>/g)).toHaveLength(1);
      expect(mail.html).not.toMatch(/<img/i);
    }
  });

  it('escape the display name in HTML and keep it readable in text', () => {
    for (const mail of all.slice(1)) {
      expect(mail.html).not.toContain('<img src=x');
      expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Jo&quot; &#39;O&#39;');
      expect(mail.text).toContain(`Hello ${hostileName},`);
    }
  });

  it('are transactional member mail: the member stream, no List-Unsubscribe', () => {
    for (const mail of all) {
      expect(mail.stream).toBe('member');
      expect(Object.keys(mail.headers ?? {}).map((h) => h.toLowerCase())).not.toContain('list-unsubscribe');
    }
  });

  it('keep subjects free of health details and names', () => {
    expect(all.map((m) => m.subject)).toEqual([
      `Confirm your email address for ${org.name}`,
      `You already have an account with ${org.name}`,
      `Welcome to ${org.name}`,
    ]);
  });

  it('put nothing a stranger typed into the confirmation (it goes to an unproven address)', () => {
    const mail = confirmationEmail(org, 'victim@example.org', confirmUrl);
    expect(mail.text).toMatch(/^Hello,\n/);
    expect(mail.text).toContain(`${org.members.confirmTokenHours} hours`);
  });

  it('signpost crisis lines in the welcome email', () => {
    for (const line of org.crisisLines) expect(all[2]?.text).toContain(line.name);
  });
});
