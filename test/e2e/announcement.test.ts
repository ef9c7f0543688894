import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../shared/domain/events.ts';
import { STOP_BEFORE_TIMEOUT_MS } from '../../shared/domain/time-budget.ts';
import { signUpFromGroup, startTestStack } from '../support/local-stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('announcing a session to a group larger than one invocation can tell', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Consumers with no time to spare past the stop margin: each invocation starts one send, then continues
    stack = await startTestStack({ consumerTimeoutMs: STOP_BEFORE_TIMEOUT_MS });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('reaches every member once, through SessionMailContinued events the relay brings back to the consumer', async () => {
    // Prepare: an open group that five people join by signing up from it
    const { token } = (await stack.call('POST', '/_dev/facilitators', { email: 'al@example.org', displayName: 'Al' })).json as {
      token: string;
    };
    const auth = { authorization: `Bearer ${token}` };
    const group = await stack.call(
      'POST',
      '/admin/groups',
      {
        name: 'Carers circle',
        format: 'online',
        meetingUrl: 'https://meet.example.org/carers',
        capacity: 12,
        access: 'open',
        timezone: 'Europe/London',
      },
      auth,
    );
    expect(group.status).toBe(201);
    const groupId = group.json.id as string;
    const people = ['ana', 'bo', 'cy', 'di', 'ed'].map((n) => `${n}@example.com`);
    for (const email of people) await signUpFromGroup(stack, email, groupId);
    await stack.drain();
    const continued: DomainEvent[] = [];
    const append = stack.deps.sessions.appendEvent;
    stack.deps.sessions.appendEvent = async (event) => {
      continued.push(event);
      return append(event);
    };

    // Act: a session is scheduled, and the stack runs until idle
    const startsAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 7 * 86_400_000).toISOString();
    const scheduled = await stack.call('POST', `/admin/groups/${groupId}/sessions`, { startsAt, durationMinutes: 60 }, auth);
    expect(scheduled.status).toBe(201);
    await stack.drain();

    // Assess: one announcement each, by one invocation each (the first and four continuations)
    const announced = (await stack.outbox()).filter((m) => m.subject.startsWith('New sessions'));
    expect(announced.map((m) => m.to).sort()).toEqual(people);
    expect(continued).toHaveLength(4);
    expect(continued.every((e) => e.type === 'SessionMailContinued' && e.data.ofType === 'SessionsScheduled')).toBe(true);
    expect(await stack.call('GET', '/_dev/dlq').then((r) => JSON.stringify(r.json))).not.toMatch(/session-mail/);
  }, 120_000);
});
