import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('joining an open group after its sessions were announced', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('sends the new member the welcome email and, separately, booking links for the sessions already scheduled', async () => {
    // Prepare: a facilitator's open group with two sessions, scheduled before anyone joined
    const { token } = (await stack.call('POST', '/_dev/facilitators', { email: 'fi@example.org', displayName: 'Fi' })).json as {
      token: string;
    };
    const auth = { authorization: `Bearer ${token}` };
    const group = await stack.call(
      'POST',
      '/admin/groups',
      {
        name: 'Walk and talk',
        format: 'activity',
        location: 'Park gates',
        capacity: 10,
        access: 'open',
        timezone: 'Europe/London',
      },
      auth,
    );
    expect(group.status).toBe(201);
    const groupId = group.json.id as string;
    // A week from now (the local stack runs on the wall clock): scheduling in the past is refused.
    const startsAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 7 * 86_400_000).toISOString();
    const sessions = await stack.call(
      'POST',
      `/admin/groups/${groupId}/sessions`,
      { startsAt, durationMinutes: 60, recurrence: { frequency: 'weekly', count: 2 } },
      auth,
    );
    expect(sessions.status).toBe(201);

    // Act: a person signs up from the group and confirms
    await stack.call('POST', '/signups', {
      email: 'jo@example.com',
      displayName: 'Jo',
      consents: { groupAgreement: true, privacyNotice: true },
      groupId,
    });
    await stack.drain();
    const confirm = linkIn((await stack.outbox()).at(-1)?.text ?? '', '/confirm?t=');
    const confirmed = await stack.call(
      'POST',
      '/confirm',
      `token=${encodeURIComponent(new URL(confirm).searchParams.get('t') ?? '')}`,
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(confirmed.status).toBe(200);
    await stack.drain();

    // Assess: both emails arrive, each once; the group one links every upcoming session's booking page
    const toJo = (await stack.outbox()).filter((m) => m.to === 'jo@example.com').map((m) => m.subject);
    expect(toJo.filter((s) => s.startsWith('Welcome to'))).toHaveLength(1);
    expect(toJo.filter((s) => s === 'You have joined Walk and talk')).toHaveLength(1);
    const joined = (await stack.outbox()).find((m) => m.subject === 'You have joined Walk and talk');
    const bookingLinks = joined?.text.match(/\/sessions\/[A-Z0-9]+\/book\?t=\S+/g) ?? [];
    expect(bookingLinks).toHaveLength(2);
  });
});
