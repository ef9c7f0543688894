import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/members/send-member-email.ts';
import { createSignup } from '../../../shared/domain/members/create-signup.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { eventOf, signupRequest } from '../../domain/members/helpers.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { lambdaContext } from '../../support/events.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/members/sqs-member-mail.json', import.meta.url), 'utf8'),
) as SQSEvent;

/** The recorded SQS event with the given bodies, one record each. */
function sqsEvent(...bodies: string[]): SQSEvent {
  const [template] = fixture.Records;
  return { Records: bodies.map((body, i) => ({ ...template!, messageId: `msg-${i}`, body })) };
}

describe('the member-mail queue consumer', () => {
  let deps: TestDeps;
  let handler: ReturnType<typeof makeHandler>;
  let logs: string[];
  let restoreLogs: (line: string) => void;
  beforeEach(async () => {
    deps = await testDeps();
    handler = makeHandler(deps);
    logs = [];
    restoreLogs = setLogSink((line) => logs.push(line));
  });
  afterEach(() => {
    setLogSink(restoreLogs);
  });

  const signupEventBody = async (email: string) => {
    await createSignup(deps, signupRequest({ email }));
    const member = await deps.members.findByEmail(email);
    return JSON.stringify(await eventOf(deps.table, 'MemberSignupRequested', member?.memberId));
  };

  it('accepts the recorded message shape (a member it does not know is skipped, not failed)', async () => {
    expect(await handler(fixture, lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(deps.mail.sent).toEqual([]);
  });

  it('sends each message once, even when the queue delivers it again', async () => {
    const body = await signupEventBody('once@example.org');

    expect(await handler(sqsEvent(body), lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent(body, body), lambdaContext)).toEqual({ batchItemFailures: [] });

    expect(deps.mail.sent.map((m) => m.to)).toEqual(['once@example.org']);
  });

  it('reports only the failed record when the mailer fails, and sends it on the retry', async () => {
    const a = await signupEventBody('a@example.org');
    const b = await signupEventBody('b@example.org');
    deps.mail.failNext();

    const first = await handler(sqsEvent(a, b), lambdaContext);

    expect(first.batchItemFailures).toHaveLength(1);
    const failedIndex = Number(first.batchItemFailures[0]?.itemIdentifier.replace('msg-', ''));
    const failedBody = [a, b][failedIndex]!;
    expect(deps.mail.sent).toHaveLength(1);

    expect(await handler(sqsEvent(failedBody), lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(deps.mail.sent.map((m) => m.to).sort()).toEqual(['a@example.org', 'b@example.org']);
  });

  it('fails a malformed message (so it goes to the DLQ after retries) without failing the others', async () => {
    const good = await signupEventBody('good@example.org');

    const result = await handler(sqsEvent('not json', '{"type":"MemberConfirmed"}', good), lambdaContext);

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['msg-0', 'msg-1']);
    expect(deps.mail.sent.map((m) => m.to)).toEqual(['good@example.org']);
    expect(logs.join('\n')).toMatch(/record failed/);
    expect(logs.join('\n')).not.toContain('good@example.org');
  });
});
