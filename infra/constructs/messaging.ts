import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Subscription, SubscriptionFilter, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { streamRelay, type TopicConsumer, type TopicName, topicConsumers, topicNames } from '../../functions/routes.ts';
import type { OrgConfig } from '../../shared/domain/org/org-config.ts';
import { CONSUMER_TIMEOUT_SECONDS } from '../../shared/runtime/batch.ts';
import { OUTBOX_KIND } from '../../shared/table-definition.ts';
import type { Alarms } from './alarms.ts';
import { AppFunction, type Bindings, type NamedTopic } from './app-function.ts';
import { acknowledge, wildcardResourceFinding } from './nag.ts';
import { pascal } from './names.ts';
import { deadLetterQueue, maxReceiveCount, queueWithDeadLetters } from './queues.ts';

const consumerTimeout = Duration.seconds(CONSUMER_TIMEOUT_SECONDS);
/** Reserved concurrency of consumers marked `critical` (safeguarding), so other load cannot starve them. */
export const criticalConcurrency = 5;

export interface MessagingProps {
  readonly org: OrgConfig;
  readonly key: IKey;
  readonly table: ITable;
  readonly alarms: Alarms;
  readonly bindings: Bindings;
  /** Defaults to the topology's `topicConsumers`. */
  readonly consumers?: readonly TopicConsumer[];
}

/**
 * Events, after the state that caused them is committed: the outbox relay reads outbox items from
 * the table stream and publishes them to SNS; each consumer has its own SQS queue (with a DLQ) on a
 * topic, so a failure is retried and then kept, never lost. Everything is encrypted with the stack
 * key and refuses plain-text connections.
 */
export class Messaging extends Construct {
  readonly topics: ReadonlyMap<TopicName, Topic>;
  readonly relay: AppFunction;
  /** Where the relay's event source puts what it gave up on (positions, not events): `kith outbox republish`. */
  readonly relayFailures: IQueue;
  readonly consumers: ReadonlyMap<string, AppFunction>;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const { org, key, alarms } = props;

    const topics = new Map<TopicName, Topic>();
    for (const name of topicNames) {
      topics.set(
        name,
        new Topic(this, `${pascal(name)}Topic`, { displayName: `kith ${name}`, masterKey: key, enforceSSL: true }),
      );
    }
    this.topics = topics;

    const consumers = new Map<string, AppFunction>();
    for (const consumer of props.consumers ?? topicConsumers) {
      const topic = topics.get(consumer.topic);
      if (!topic) throw new Error(`Consumer ${consumer.name} subscribes to unknown topic ${consumer.topic}`);
      const base = pascal(consumer.name);
      const { queue, deadLetterQueue: dlq } = queueWithDeadLetters(this, `${base}Queue`, {
        key,
        visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
      });
      alarms.watchDeadLetterQueue(dlq, `${consumer.name} messages that failed ${maxReceiveCount} times`);
      const undelivered = deadLetterQueue(this, `${base}Undelivered`, key, `the ${consumer.name} SNS subscription`);
      alarms.watchDeadLetterQueue(undelivered, `${consumer.topic} messages SNS could not deliver to the ${consumer.name} queue`);

      // Subscribed by hand rather than with SqsSubscription: that helper adds a statement naming the
      // topic to the key policy, and the topic is encrypted with the same key (a dependency cycle).
      // The stack key lets SNS topics of this account use it instead (infra/constructs/key.ts).
      const subscription = new Subscription(this, `${base}Subscription`, {
        topic,
        protocol: SubscriptionProtocol.SQS,
        endpoint: queue.queueArn,
        rawMessageDelivery: true,
        deadLetterQueue: undelivered,
        ...(consumer.filterPolicy ? { filterPolicy: stringFilters(consumer.filterPolicy) } : {}),
      });
      const { policyDependable } = queue.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('sns.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
        }),
      );
      // SNS can deliver from the moment the subscription exists.
      if (policyDependable) subscription.node.addDependency(policyDependable);

      const fn = new AppFunction(this, base, {
        entry: consumer.entry,
        org,
        key,
        timeout: consumerTimeout,
        ...(consumer.critical ? { reservedConcurrentExecutions: criticalConcurrency } : {}),
      });
      fn.bindUses(consumer.uses ?? [], props.bindings);
      if (consumer.critical) alarms.watchAlarmLines(fn.logGroup, `${consumer.name} could not reach a safeguarding contact`);
      fn.consumeQueue(queue);
      consumers.set(consumer.name, fn);
    }
    this.consumers = consumers;

    // The outbox relay: INSERTs of outbox items only; a poison record is isolated by bisecting, retried
    // a bounded number of times, then its position (not its content) goes to the relay's DLQ.
    const relayFailures = deadLetterQueue(this, 'RelayFailures', key, 'outbox records the relay gave up on');
    alarms.watchDeadLetterQueue(
      relayFailures,
      'outbox records the relay gave up on: fix the cause, then npm run kith -- outbox republish --org <slug>',
    );
    this.relayFailures = relayFailures;
    this.relay = new AppFunction(this, pascal(streamRelay.name), {
      entry: streamRelay.entry,
      org,
      key,
      timeout: Duration.seconds(30),
    });
    for (const [name, topic] of topics) this.relay.bindTopic({ name, topic } satisfies NamedTopic);
    this.relay.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(1),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(relayFailures),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { kind: { S: FilterRule.isEqual(OUTBOX_KIND) } } },
          }),
        ],
      }),
    );
    acknowledge(
      this.relay.role,
      wildcardResourceFinding(this, '*'),
      'dynamodb:ListStreams has no resource-level permissions; the event source mapping needs it to find the table stream. ' +
        'Reading the stream itself is scoped to this table.',
    );
    alarms.watchStreamRelay(this.relay.fn);
  }
}

function stringFilters(policy: Record<string, readonly string[]>): Record<string, SubscriptionFilter> {
  return Object.fromEntries(
    Object.entries(policy).map(([attribute, values]) => [attribute, SubscriptionFilter.stringFilter({ allowlist: [...values] })]),
  );
}
