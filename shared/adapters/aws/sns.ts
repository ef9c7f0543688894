import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { EventPublisher, SmsSender } from '../../ports/index.ts';

/** Publishes a domain event to its topic; attributes become message attributes for filter policies. */
export function createSnsEventPublisher(client: SNSClient, topicArn: (topic: string) => string): EventPublisher {
  return {
    async publish(event) {
      const attributes: Record<string, string> = { eventType: event.type, ...(event.attributes ?? {}) };
      await client.send(
        new PublishCommand({
          TopicArn: topicArn(event.topic),
          Message: JSON.stringify(event),
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
          ),
        }),
      );
    },
  };
}

/** SMS through SNS, always transactional (never marketing-throttled). */
export function createSnsSmsSender(client: SNSClient): SmsSender {
  return {
    async send(to, body) {
      const out = await client.send(
        new PublishCommand({
          PhoneNumber: to,
          Message: body,
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
        }),
      );
      return { messageId: out.MessageId ?? '' };
    },
  };
}
