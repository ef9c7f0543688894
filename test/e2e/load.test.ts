import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningLocalStack, TABLE_NAME } from '../../local/stack.ts';
import { runLoad } from '../load/load.ts';
import { startTestStack } from '../support/local-stack.ts';

/**
 * The load run of `npm run load` at CI size (300 sign-ups and 30 escalations at once, 10 replayed
 * webhooks): nothing lost, nothing duplicated, no 5xx. The full size (2,000 + 200, 50 replays) and
 * the README's figures come from `npm run load`.
 */
describe('load on the local stack (CI size)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('accepts 300 sign-ups and 30 escalations at once: 0 lost, 0 duplicated, 0 5xx', { timeout: 300_000 }, async () => {
    const endpoints = runningLocalStack(stack.dataDir);
    if (!endpoints) throw new Error('no endpoints for the test stack');
    const report = await runLoad(
      { url: stack.url, dynamodbEndpoint: endpoints.dynamodb, tableName: endpoints.tableName || TABLE_NAME },
      { signups: 300, escalations: 30, replays: 10, concurrency: 50, drainTimeoutMs: 240_000 },
    );
    console.info(
      `[load] ${report.burst.requests} requests in ${report.burst.seconds} s (${report.burst.perSecond}/s); ` +
        `sign-up p50/p99 ${report.latencyMs.signups.p50}/${report.latencyMs.signups.p99} ms; ` +
        `escalation p50/p99 ${report.latencyMs.escalations.p50}/${report.latencyMs.escalations.p99} ms; drain ${report.drainSeconds} s`,
    );
    expect(report.failures).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(report.statuses).toEqual({ 202: 340 });
    expect(report.checks).toEqual({
      pendingMembers: 300,
      confirmationEmails: 300,
      signupsWithoutExactlyOneEmail: 0,
      escalationsStored: 30,
      distinctEscalationIds: 30,
      replaysAnsweredWithSameId: 10,
      leadEmails: 30,
      escalationsWithoutExactlyOneLeadEmail: 0,
      leadSms: 20,
      escalationsWithoutExpectedSms: 0,
    });
  });
});
