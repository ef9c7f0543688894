import { describe, expect, it } from 'vitest';
import { type TopicConsumer, topicConsumers, topicNames } from '../../functions/routes.ts';
import { maxReceiveCount } from '../../infra/constructs/queues.ts';
import { OUTBOX_KIND } from '../../shared/table-definition.ts';
import { exampleOrg, logicalId, type Props, refId, resourcesOf, synthOrg } from './synth.ts';

const org = exampleOrg();
const consumers: readonly TopicConsumer[] = [
  ...topicConsumers,
  {
    name: 'urgent-alerts',
    topic: 'member-notifications',
    entry: 'members/send-member-email',
    filterPolicy: { severity: ['high', 'critical'] },
    critical: true,
  },
];
const { stack, template } = synthOrg(org, { consumers });
const keyArn = { 'Fn::GetAtt': [logicalId(stack, stack.key.key), 'Arn'] };
const operatorTopicId = logicalId(stack, stack.alarms.topic);

const queues = resourcesOf(template, 'AWS::SQS::Queue');
const topics = resourcesOf(template, 'AWS::SNS::Topic');
const subscriptions = resourcesOf(template, 'AWS::SNS::Subscription');
const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
const functions = resourcesOf(template, 'AWS::Lambda::Function');
const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');

const props = (resource: { Properties?: Props } | undefined): Props => resource?.Properties ?? {};

/** Queues something dead-letters into: a queue's redrive policy, a subscription's, a mapping's on-failure. */
const deadLetterQueueIds = new Set<string>(
  [
    ...Object.values(queues).map((q) => refId((props(q).RedrivePolicy as Props | undefined)?.deadLetterTargetArn)),
    ...Object.values(subscriptions).map((s) => refId((props(s).RedrivePolicy as Props | undefined)?.deadLetterTargetArn)),
    ...Object.values(mappings).map((m) => refId((props(m).DestinationConfig as Props)?.OnFailure?.Destination)),
  ].filter((id): id is string => id !== undefined),
);

function denyInsecureTransport(statements: unknown): boolean {
  return (statements as Props[]).some(
    (s) => s.Effect === 'Deny' && (s.Condition as Props)?.Bool?.['aws:SecureTransport'] === 'false',
  );
}

describe('queues', () => {
  it('every queue either has a dead-letter queue (after 5 receives) or is one', () => {
    for (const [id, queue] of Object.entries(queues)) {
      if (deadLetterQueueIds.has(id)) {
        expect(props(queue).RedrivePolicy, `${id} is a DLQ`).toBeUndefined();
      } else {
        const redrive = props(queue).RedrivePolicy as Props | undefined;
        expect(redrive?.maxReceiveCount, `${id} has a DLQ`).toBe(maxReceiveCount);
        expect(deadLetterQueueIds.has(refId(redrive?.deadLetterTargetArn)!)).toBe(true);
      }
    }
    // work queues: one per consumer, the timers queue and the ses-feedback queue
    expect(Object.keys(queues).length - deadLetterQueueIds.size).toBe(consumers.length + 2);
  });

  it('every dead-letter queue alarms the operator on its first message', () => {
    for (const dlq of deadLetterQueueIds) {
      const alarm = Object.values(alarms).find((a) =>
        (props(a).Dimensions as Props[] | undefined)?.some((d) => d.Name === 'QueueName' && refId(d.Value) === dlq),
      );
      expect(alarm, `alarm on ${dlq}`).toBeDefined();
      expect(props(alarm)).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: operatorTopicId }],
      });
    }
  });

  it('every queue is encrypted with the stack key and refuses connections without TLS', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
    for (const [id, queue] of Object.entries(queues)) {
      expect(props(queue).KmsMasterKeyId, id).toEqual(keyArn);
      const policy = policies.find((p) => (props(p).Queues as unknown[]).some((q) => refId(q) === id));
      expect(denyInsecureTransport((props(policy).PolicyDocument as Props)?.Statement), `${id} denies plain HTTP`).toBe(true);
    }
  });

  it('each consumer queue stays invisible for at least 6 times its function timeout', () => {
    const sqsMappings = Object.values(mappings).filter((m) => (refId(props(m).EventSourceArn) ?? '') in queues);
    expect(sqsMappings).toHaveLength(consumers.length + 2);
    for (const mapping of sqsMappings) {
      const queue = queues[refId(props(mapping).EventSourceArn)!];
      const fn = functions[refId(props(mapping).FunctionName)!];
      expect(props(queue).VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * (props(fn).Timeout as number));
      expect(props(mapping).FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
  });
});

describe('topics', () => {
  it('one topic per topic name, plus the operator and SES feedback topics, all encrypted with the stack key and TLS only', () => {
    expect(Object.keys(topics)).toHaveLength(topicNames.length + 2);
    const policies = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy'));
    for (const [id, topic] of Object.entries(topics)) {
      expect(props(topic).KmsMasterKeyId, id).toEqual(keyArn);
      const policy = policies.find((p) => (props(p).Topics as unknown[]).some((t) => refId(t) === id));
      expect(denyInsecureTransport((props(policy).PolicyDocument as Props)?.Statement), `${id} denies plain HTTP`).toBe(true);
    }
  });

  it('every subscription has a dead-letter queue, and queue subscriptions deliver raw messages', () => {
    // one per consumer, the operator's email and the ses-feedback queue
    expect(Object.keys(subscriptions)).toHaveLength(consumers.length + 2);
    for (const [id, subscription] of Object.entries(subscriptions)) {
      const p = props(subscription);
      expect(deadLetterQueueIds.has(refId((p.RedrivePolicy as Props | undefined)?.deadLetterTargetArn)!), id).toBe(true);
      if (p.Protocol === 'sqs') expect(p.RawMessageDelivery, id).toBe(true);
    }
  });

  it('a consumer with a filter policy subscribes with it; a critical one gets reserved concurrency', () => {
    const urgent = stack.messaging.consumers.get('urgent-alerts')!;
    const filters = Object.values(subscriptions)
      .map((s) => props(s).FilterPolicy)
      .filter((f) => f !== undefined);
    expect(filters).toContainEqual({ severity: ['high', 'critical'] });
    // The session-mail queue takes only sessions events and the member events it acts on
    expect(filters).toContainEqual({ eventType: expect.arrayContaining(['SessionBooked', 'MemberConfirmed', 'MemberErased']) });
    expect(props(functions[logicalId(stack, urgent.fn)]).ReservedConcurrentExecutions).toBe(5);
    const ordinary = stack.messaging.consumers.get('member-mail')!;
    expect(props(functions[logicalId(stack, ordinary.fn)]).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('the operator topic emails the configured alarm address', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: org.operator.alarmEmail,
      TopicArn: { Ref: operatorTopicId },
    });
  });

  it("the stack key lets CloudWatch alarms, this account's SNS topics and SES use it, and no other service", () => {
    const [key] = Object.values(resourcesOf(template, 'AWS::KMS::Key'));
    const services = ((props(key).KeyPolicy as Props).Statement as Props[])
      .map((s) => (s.Principal as Props)?.Service)
      .filter(Boolean);
    expect(services).toEqual([
      'logs.eu-west-2.amazonaws.com',
      'sns.amazonaws.com',
      'ses.amazonaws.com',
      'cloudwatch.amazonaws.com',
    ]);
    const ses = ((props(key).KeyPolicy as Props).Statement as Props[]).find(
      (s) => (s.Principal as Props)?.Service === 'ses.amazonaws.com',
    );
    expect(ses?.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } });
    const sns = ((props(key).KeyPolicy as Props).Statement as Props[]).find(
      (s) => (s.Principal as Props)?.Service === 'sns.amazonaws.com',
    );
    expect(sns?.Condition).toEqual({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:eu-west-2:123456789012:*' } });
  });
});

describe('the outbox relay', () => {
  const relayId = logicalId(stack, stack.messaging.relay.fn);
  const tableId = logicalId(stack, stack.data.table);
  const streamMapping = Object.values(mappings).find((m) => refId(props(m).FunctionName) === relayId);

  it('reads the table stream, outbox INSERTs only', () => {
    expect(props(streamMapping).EventSourceArn).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
    const filters = (props(streamMapping).FilterCriteria as Props).Filters as { Pattern: string }[];
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: [OUTBOX_KIND] } } } },
    ]);
  });

  it('bisects failing batches, retries a bounded number of times, reports partial failures, then keeps the position', () => {
    const p = props(streamMapping);
    expect(p.BisectBatchOnFunctionError).toBe(true);
    expect(p.MaximumRetryAttempts).toBeGreaterThanOrEqual(1);
    expect(p.MaximumRetryAttempts).toBeLessThanOrEqual(100);
    expect(p.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
    expect(p.MaximumRecordAgeInSeconds).toBeLessThanOrEqual(24 * 3600);
    expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const destination = refId((p.DestinationConfig as Props)?.OnFailure?.Destination);
    expect(destination && destination in queues).toBe(true);
    // The operator's `kith outbox republish` finds that queue by the stack output
    expect(template.toJSON().Outputs.RelayFailuresQueueUrl.Value).toEqual({ Ref: destination });
  });

  it('alarms on stream lag and errors (throttles: one account-level alarm)', () => {
    const onRelay = Object.values(alarms).filter((a) =>
      (props(a).Dimensions as Props[] | undefined)?.some((d) => d.Name === 'FunctionName' && refId(d.Value) === relayId),
    );
    expect(onRelay.map((a) => props(a).MetricName).sort()).toEqual(['Errors', 'IteratorAge']);
    for (const alarm of onRelay) expect(props(alarm).AlarmActions).toEqual([{ Ref: operatorTopicId }]);
  });
});
