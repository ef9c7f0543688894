import { describe, expect, it } from 'vitest';
import { topicConsumers } from '../../functions/routes.ts';
import { DELIVERY_LEASE_SECONDS } from '../../shared/adapters/aws/dynamo/delivery-log.ts';
import { MEMBER_MAIL_EVENT_TYPES } from '../../shared/domain/members/send-member-email.ts';
import { exampleOrg, type Props, refId, resourcesOf, synthOrg } from '../infra/synth.ts';

/**
 * The "with an alarm" half of the fault matrix: every path's messages that fail 5 times (or that
 * SNS cannot deliver) land in a dead-letter queue with a depth alarm, in the template that deploys.
 * And the timings the delivery log relies on: a message that comes back after its worker died
 * finds the claim's lease over (function timeout < lease < visibility timeout).
 */
const { template } = synthOrg(exampleOrg());
const queues = resourcesOf(template, 'AWS::SQS::Queue');
const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
const functions = resourcesOf(template, 'AWS::Lambda::Function');
const subscriptions = resourcesOf(template, 'AWS::SNS::Subscription');
const alarmedQueues = new Set(
  Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))
    .map((a) => a.Properties as Props)
    .filter((p) => p.Namespace === 'AWS/SQS' && p.MetricName === 'ApproximateNumberOfMessagesVisible' && p.Threshold === 0)
    .map((p) => refId((p.Dimensions as Props[]).find((d) => d.Name === 'QueueName')?.Value)),
);

/** The event source mapping of the function whose logical id starts with `prefix`. */
function mappingOf(prefix: string) {
  const entry = Object.entries(mappings).find(([id]) => id.startsWith(prefix));
  if (!entry) throw new Error(`no event source mapping ${prefix}…`);
  return entry[1].Properties as Props;
}

function workQueueOf(prefix: string) {
  const id = refId(mappingOf(prefix).EventSourceArn) as string;
  return { id, props: queues[id]?.Properties as Props };
}

const deadLetterQueueOf = (prefix: string) => refId(workQueueOf(prefix).props.RedrivePolicy?.deadLetterTargetArn);

const timeoutOf = (prefix: string) => functions[refId(mappingOf(prefix).FunctionName) as string]?.Properties?.Timeout as number;

const paths: { path: string; mapping: string; consumer?: string }[] = [
  { path: 'escalation email', mapping: 'MessagingEscalationEmailHandler', consumer: 'escalation-email' },
  { path: 'escalation sms', mapping: 'MessagingEscalationSmsHandler', consumer: 'escalation-sms' },
  { path: 'escalation timeout', mapping: 'TimersWorkerHandler' },
  { path: 'trustee mail', mapping: 'MessagingTrusteeMailHandler', consumer: 'trustee-mail' },
  { path: 'heartbeat', mapping: 'TimersWorkerHandler' },
  { path: 'wellbeing alert', mapping: 'MessagingWellbeingAlertHandler', consumer: 'wellbeing-alert' },
  { path: 'session reminder', mapping: 'TimersWorkerHandler' },
  { path: 'check-in send', mapping: 'TimersWorkerHandler' },
  { path: 'member email', mapping: 'MessagingMemberMailHandler', consumer: 'member-mail' },
  { path: 'session email', mapping: 'MessagingSessionMailHandler', consumer: 'session-mail' },
];

for (const { path, mapping, consumer } of paths) {
  describe(`fault: ${path}`, () => {
    it('DLQ alarm → the path’s dead-letter queue (5 receives) alarms on its first message', () => {
      const dlq = deadLetterQueueOf(mapping);
      expect(workQueueOf(mapping).props.RedrivePolicy?.maxReceiveCount).toBe(5);
      expect(alarmedQueues.has(dlq), `${path}: ${dlq}`).toBe(true);
      expect(mappingOf(mapping).FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      if (consumer) {
        // SNS → SQS failures have their own dead-letter queue, alarmed too
        const queueId = workQueueOf(mapping).id;
        const subscription = Object.values(subscriptions).find((s) => refId((s.Properties as Props).Endpoint) === queueId)
          ?.Properties as Props;
        expect(alarmedQueues.has(refId(subscription.RedrivePolicy?.deadLetterTargetArn))).toBe(true);
      }
    });

    it('Lambda timeout: timings → function timeout < delivery lease < visibility timeout', () => {
      const visibility = workQueueOf(mapping).props.VisibilityTimeout as number;
      expect(timeoutOf(mapping)).toBeLessThan(DELIVERY_LEASE_SECONDS);
      expect(DELIVERY_LEASE_SECONDS).toBeLessThan(visibility);
    });
  });
}

describe('fault: outbox relay', () => {
  it('DLQ alarm → records the relay gives up on go to an alarmed dead-letter queue', () => {
    const relay = mappingOf('MessagingOutboxRelayHandler');
    expect(relay.BisectBatchOnFunctionError).toBe(true);
    expect(relay.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(alarmedQueues.has(refId(relay.DestinationConfig?.OnFailure?.Destination))).toBe(true);
  });
});

describe('fault: member email', () => {
  it('poison record: events it does not send for → filtered out by its subscription, never dead-lettered', () => {
    const consumer = topicConsumers.find((c) => c.name === 'member-mail');
    expect([...(consumer?.filterPolicy?.eventType ?? [])].sort()).toEqual([...MEMBER_MAIL_EVENT_TYPES].sort());
  });
});

// Every consumer in the topology is covered above (a new one must be added to the matrix).
it('every topic consumer with a dead-letter queue is a row of the fault matrix', () => {
  const covered = new Set(paths.map((p) => p.consumer).filter(Boolean));
  expect(topicConsumers.map((c) => c.name).filter((n) => !covered.has(n))).toEqual([]);
});
