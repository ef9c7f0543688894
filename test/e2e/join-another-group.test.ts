import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, signUpFromGroup, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * A member of one group joins another: they sign up again from its page (the answer is the same as
 * anyone's), their "you already have an account" email links their manage page, which offers the
 * group with a Join button. Opening the link changes nothing; pressing Join does, once.
 */
describe('a member joining another group', () => {
  let stack: Stack;
  let auth: Record<string, string>;
  const group = async (name: string, access: 'open' | 'closed') => {
    const created = await stack.call(
      'POST',
      '/admin/groups',
      { name, format: 'in_person', location: 'Hall', capacity: 10, access, timezone: 'Europe/London' },
      auth,
    );
    expect(created.status).toBe(201);
    return created.json.id as string;
  };
  const signUpAgain = async (email: string, groupId: string) => {
    const answer = await stack.call('POST', '/signups', {
      email,
      displayName: 'Someone else',
      consents: { groupAgreement: true, privacyNotice: true },
      groupId,
    });
    expect(answer.status).toBe(202);
    await stack.drain();
    const mail = (await stack.outbox()).filter((m) => m.to === email).at(-1);
    expect(mail?.subject).toMatch(/^You already have an account/);
    return { mail: mail!, token: new URL(linkIn(mail?.text ?? '', '/manage?t=')).searchParams.get('t') ?? '' };
  };
  const press = (token: string) =>
    stack.call('POST', '/manage', `token=${encodeURIComponent(token)}&action=join`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
  const groupsOf = async (memberId: string) => {
    const all = await stack.deps.sessions.listGroups();
    const found: string[] = [];
    for (const g of all) if ((await stack.deps.sessions.listGroupMembers(g.groupId)).includes(memberId)) found.push(g.name);
    return found.sort();
  };

  beforeAll(async () => {
    stack = await startTestStack();
    const { token } = (await stack.call('POST', '/_dev/facilitators', { email: 'fac@example.org', displayName: 'Fac' })).json as {
      token: string;
    };
    auth = { authorization: `Bearer ${token}` };
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('an open group: offered on the manage page, joined by its button, once; the name they gave stays', async () => {
    // Prepare: a member of "Grief circle" signs up from "Carers' coffee"'s page
    const first = await group('Grief circle', 'open');
    const second = await group("Carers' coffee", 'open');
    const startsAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 7 * 86_400_000).toISOString();
    expect((await stack.call('POST', `/admin/groups/${second}/sessions`, { startsAt, durationMinutes: 60 }, auth)).status).toBe(
      201,
    );
    const memberId = await signUpFromGroup(stack, 'ana@example.com', first, 'Ana');
    const { mail, token } = await signUpAgain('ana@example.com', second);
    expect(mail.text).toContain('press its Join button');
    expect(mail.text).not.toContain("Carers' coffee"); // the email names no group

    // Act: the link is opened (as a mail scanner would, too): nothing changes
    const opened = await stack.call('GET', `/manage?t=${encodeURIComponent(token)}`);
    await stack.drain();

    // Assess
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('Join Carers&#39; coffee');
    expect(await groupsOf(memberId)).toEqual(['Grief circle']);

    // Act: the button
    const pressed = await press(token);
    await stack.drain();

    // Assess: in both groups, sent its session to book once; a second press writes nothing
    expect(pressed.status).toBe(200);
    expect(pressed.text).toContain('You have joined <strong>Carers&#39; coffee</strong>');
    expect(await groupsOf(memberId)).toEqual(["Carers' coffee", 'Grief circle']);
    const joinedMails = (await stack.outbox()).filter(
      (m) => m.to === 'ana@example.com' && m.subject === "You have joined Carers' coffee",
    );
    expect(joinedMails).toHaveLength(1);
    expect(joinedMails[0]?.text).toMatch(/\/sessions\/[A-Z0-9]+\/book\?t=/);
    const again = await press(token);
    await stack.drain();
    expect(again.text).toContain('You are a member of <strong>Carers&#39; coffee</strong>');
    expect((await stack.outbox()).filter((m) => m.subject === "You have joined Carers' coffee")).toHaveLength(1);
    expect((await stack.deps.members.get(memberId))?.displayName).toBe('Ana');
  });

  it('a closed group: the button asks; its facilitators are told; approved, the member is in', async () => {
    const first = await group('Walk and talk', 'open');
    const closed = await group('Closed circle', 'closed');
    const memberId = await signUpFromGroup(stack, 'bo@example.com', first, 'Bo');
    const { token } = await signUpAgain('bo@example.com', closed);

    const pressed = await press(token);
    await stack.drain();

    expect(pressed.text).toContain('You have asked to join <strong>Closed circle</strong>');
    const requests = await stack.call('GET', `/admin/groups/${closed}/requests`, undefined, auth);
    expect((requests.json.requests as { memberId: string }[]).map((r) => r.memberId)).toEqual([memberId]);
    expect((await stack.outbox()).filter((m) => m.to === 'fac@example.org' && m.subject.includes('Closed circle'))).toHaveLength(
      1,
    );
    const approved = await stack.call('POST', `/admin/groups/${closed}/requests/${memberId}/approve`, undefined, auth);
    expect(approved.status).toBe(200);
    await stack.drain();
    expect(await groupsOf(memberId)).toEqual(['Closed circle', 'Walk and talk']);
  });

  it('the welcome email’s manage link offers nothing to join, and its Join is refused with the field named', async () => {
    const first = await group('Art group', 'open');
    await signUpFromGroup(stack, 'cy@example.com', first, 'Cy');
    const welcome = (await stack.outbox()).find((m) => m.to === 'cy@example.com' && m.subject.startsWith('Welcome to'));
    const token = new URL(linkIn(welcome?.text ?? '', '/manage?t=')).searchParams.get('t') ?? '';

    const page = await stack.call('GET', `/manage?t=${encodeURIComponent(token)}`);
    const refused = await stack.call('POST', '/manage', { token, action: 'join' });

    expect(page.text).not.toContain('id="join-heading"');
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ fields: { action: 'this link does not offer a group to join' } });
  });
});
