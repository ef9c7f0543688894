import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Subscription, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { sesFeedbackConsumer } from '../../functions/routes.ts';
import type { OrgConfig } from '../../shared/domain/org/org-config.ts';
import type { Alarms } from './alarms.ts';
import { AppFunction, type Bindings } from './app-function.ts';
import type { Email } from './email.ts';
import { deadLetterQueue, maxReceiveCount, queueWithDeadLetters } from './queues.ts';

const consumerTimeout = Duration.seconds(30);

/**
 * Bounces and complaints: the member configuration set publishes them to an encrypted SNS topic,
 * which feeds the `ses-feedback` queue (with its DLQ) and its consumer (a hard bounce stops mail to
 * the member; a complaint unsubscribes them). Both configuration sets' bounce and complaint rates alarm.
 */
export class EmailFeedback extends Construct {
  readonly topic: Topic;
  readonly consumer: AppFunction;

  constructor(
    scope: Construct,
    id: string,
    props: { org: OrgConfig; key: IKey; alarms: Alarms; email: Email; bindings: Bindings },
  ) {
    super(scope, id);
    const { key, alarms, email } = props;
    const stack = Stack.of(this);

    this.topic = new Topic(this, 'Topic', { displayName: 'kith SES feedback', masterKey: key, enforceSSL: true });
    // SES publishes only for this account's configuration sets.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: '*' }) },
        },
      }),
    );
    email.memberConfigurationSet.addEventDestination('Feedback', {
      destination: EventDestination.snsTopic(this.topic),
      // SES "bounce" events are hard bounces only (soft bounces it retries itself); the consumer checks bounceType too.
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    const { queue, deadLetterQueue: dlq } = queueWithDeadLetters(this, 'Queue', {
      key,
      visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
    });
    alarms.watchDeadLetterQueue(dlq, `SES bounce and complaint events that failed ${maxReceiveCount} times`);
    const undelivered = deadLetterQueue(this, 'Undelivered', key, 'the ses-feedback SNS subscription');
    alarms.watchDeadLetterQueue(undelivered, 'SES feedback SNS could not deliver to the ses-feedback queue');
    const subscription = new Subscription(this, 'Subscription', {
      topic: this.topic,
      protocol: SubscriptionProtocol.SQS,
      endpoint: queue.queueArn,
      rawMessageDelivery: true,
      deadLetterQueue: undelivered,
    });
    const { policyDependable } = queue.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('sns.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.topic.topicArn } },
      }),
    );
    if (policyDependable) subscription.node.addDependency(policyDependable);

    this.consumer = new AppFunction(this, 'Consumer', {
      entry: sesFeedbackConsumer.entry,
      org: props.org,
      key,
      timeout: consumerTimeout,
    });
    this.consumer.bindUses(sesFeedbackConsumer.uses, props.bindings);
    this.consumer.consumeQueue(queue);

    alarms.watchSesReputation(email.memberConfigurationSet, email.memberConfigurationSetName, 'member mail');
    alarms.watchSesReputation(email.staffConfigurationSet, email.staffConfigurationSetName, 'staff alert');
  }
}
