import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSnsEventPublisher, createSnsSmsSender } from '../../../shared/adapters/aws/sns.ts';

const sns = mockClient(SNSClient);

describe('SNS adapters', () => {
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  });

  it('publishes an event to its topic with the event type and attributes for filter policies', async () => {
    const arns: Record<string, string> = { 'member-notifications': 'arn:aws:sns:eu-west-2:123456789012:t1' };
    const publisher = createSnsEventPublisher(new SNSClient({ region: 'eu-west-2' }), (t) => arns[t] ?? 'missing');
    await publisher.publish({
      id: 'E1',
      type: 'MemberSignupRequested',
      topic: 'member-notifications',
      occurredAt: '2026-11-22T10:00:00.000Z',
      attributes: { urgency: 'immediate' },
      data: { memberId: 'M1' },
    });
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe('arn:aws:sns:eu-west-2:123456789012:t1');
    expect(JSON.parse(input?.Message ?? '{}')).toMatchObject({ id: 'E1', data: { memberId: 'M1' } });
    expect(input?.MessageAttributes).toEqual({
      eventType: { DataType: 'String', StringValue: 'MemberSignupRequested' },
      urgency: { DataType: 'String', StringValue: 'immediate' },
    });
  });

  it('sends SMS as transactional to the phone number', async () => {
    const sms = createSnsSmsSender(new SNSClient({ region: 'eu-west-2' }));
    const out = await sms.send('+447700900123', 'Safeguarding alert K-1234');
    expect(out.messageId).toBe('sns-1');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      PhoneNumber: '+447700900123',
      Message: 'Safeguarding alert K-1234',
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    });
  });
});
