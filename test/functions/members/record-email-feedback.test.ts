import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/members/record-email-feedback.ts';
import { makeHandler as makeMailHandler } from '../../../functions/members/send-member-email.ts';
import { createSignup } from '../../../shared/domain/members/create-signup.ts';
import { bareAddress } from '../../../shared/domain/members/record-email-feedback.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { eventOf, signupRequest } from '../../domain/members/helpers.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { lambdaContext } from '../../support/events.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/members/sqs-member-mail.json', import.meta.url), 'utf8'),
) as SQSEvent;

function sqsEvent(...bodies: string[]): SQSEvent {
  const [template] = fixture.Records;
  return { Records: bodies.map((body, i) => ({ ...template!, messageId: `msg-${i}`, body })) };
}

/** SES event publishing records, as the configuration set's SNS destination delivers them (raw). */
const bounce = (address: string, bounceType = 'Permanent') =>
  JSON.stringify({
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: address }],
      timestamp: '2026-11-22T10:00:00Z',
    },
    mail: { messageId: 'ses-1', destination: [address], tags: { 'ses:configuration-set': ['member'] } },
  });
const complaint = (address: string) =>
  JSON.stringify({
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: address }],
      complaintFeedbackType: 'abuse',
      timestamp: '2026-11-22T10:00:00Z',
    },
    mail: { messageId: 'ses-2', destination: [address] },
  });

describe('the ses-feedback queue consumer', () => {
  let deps: TestDeps;
  let handler: ReturnType<typeof makeHandler>;
  let logs: string[];
  let restore: (line: string) => void;
  beforeEach(async () => {
    deps = await testDeps();
    handler = makeHandler(deps);
    logs = [];
    restore = setLogSink((line) => logs.push(line));
  });
  afterEach(() => {
    setLogSink(restore);
  });

  const member = async (email: string) => {
    await createSignup(deps, signupRequest({ email }));
    const found = await deps.members.findByEmail(email);
    if (!found) throw new Error('no member');
    return found;
  };

  it('stops all mail to an address that hard-bounced, matched through the email hash whatever its case', async () => {
    // Prepare
    const robin = await member('robin@example.com');
    const signupEvent = await eventOf(deps.table, 'MemberSignupRequested', robin.memberId);

    // Act
    const result = await handler(sqsEvent(bounce('"Robin" <Robin@Example.com>')), lambdaContext);

    // Assess: the bounce is recorded, and even the essential confirmation email is no longer sent
    expect(result).toEqual({ batchItemFailures: [] });
    expect((await deps.members.get(robin.memberId))?.emailBouncedAt).toBe(deps.clock.now().toISOString());
    await makeMailHandler(deps)(sqsEvent(JSON.stringify(signupEvent)), lambdaContext);
    expect(deps.mail.sent).toEqual([]);
    expect(logs.join('\n')).not.toContain('robin');
    expect(logs.join('\n')).not.toContain('Robin');
  });

  it('changes nothing on a transient bounce', async () => {
    const robin = await member('robin@example.com');
    await handler(sqsEvent(bounce('robin@example.com', 'Transient')), lambdaContext);
    const after = await deps.members.get(robin.memberId);
    expect(after?.emailBouncedAt).toBeUndefined();
    expect(after?.emailOptOut).toBe(robin.emailOptOut);
  });

  it('unsubscribes a member who complained, and a redelivery changes nothing more', async () => {
    const robin = await member('robin@example.com');
    await deps.members.updatePreferences(robin.memberId, { emailOptOut: false });

    await handler(sqsEvent(complaint('robin@example.com'), complaint('robin@example.com')), lambdaContext);

    const after = await deps.members.get(robin.memberId);
    expect(after?.emailOptOut).toBe(true);
    expect(after?.emailBouncedAt).toBeUndefined();
  });

  it('ignores addresses of no member, and erased members stay erased', async () => {
    const robin = await member('robin@example.com');
    await deps.members.erase(robin.memberId, '2026-11-22T10:00:00Z', {
      id: 'e1',
      type: 'MemberErased',
      topic: 'member-notifications',
      occurredAt: '2026-11-22T10:00:00Z',
      data: { memberId: robin.memberId },
    });
    const result = await handler(sqsEvent(bounce('robin@example.com'), complaint('nobody@example.com')), lambdaContext);
    expect(result).toEqual({ batchItemFailures: [] });
    expect((await deps.members.get(robin.memberId))?.status).toBe('erased');
  });

  it('fails a message that is not an SES event, so it retries and then parks in the DLQ', async () => {
    const result = await handler(sqsEvent('not json', JSON.stringify({ hello: 1 }), bounce('x@example.com')), lambdaContext);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }, { itemIdentifier: 'msg-1' }]);
  });

  it('accepts identity notifications (notificationType) as well as event publishing (eventType)', async () => {
    const robin = await member('robin@example.com');
    const notification = JSON.parse(bounce('robin@example.com'));
    notification.notificationType = notification.eventType;
    delete notification.eventType;
    await handler(sqsEvent(JSON.stringify(notification)), lambdaContext);
    expect((await deps.members.get(robin.memberId))?.emailBouncedAt).toBeDefined();
  });

  it('reads the bare address from a display-name form', () => {
    expect(bareAddress('"A B" <a@b.example>')).toBe('a@b.example');
    expect(bareAddress(' a@b.example ')).toBe('a@b.example');
  });
});
