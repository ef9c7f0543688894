import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './queues.ts';

/**
 * Alarms that reach a human: the operator topic (encrypted with the stack key, which lets CloudWatch
 * use it) emails org.operator.alarmEmail. Every dead-letter queue alarms on its first message; the
 * outbox relay alarms on stream lag and on errors, since a stuck relay holds back every notification.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: { key: IKey; alarmEmail: string }) {
    super(scope, id);
    this.topic = new Topic(this, 'OperatorTopic', {
      displayName: 'kith operator alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    // Email deliveries SNS gives up on are kept (and alarmed) rather than dropped.
    const undelivered = deadLetterQueue(this, 'UndeliveredAlarms', props.key, 'the operator alarm email subscription');
    this.topic.addSubscription(new EmailSubscription(props.alarmEmail, { deadLetterQueue: undelivered }));
    this.action = new SnsAction(this.topic);
    this.watchDeadLetterQueue(undelivered, 'operator alarm emails SNS could not deliver');
  }

  /** Alarm as soon as one message is visible in a dead-letter queue. */
  watchDeadLetterQueue(queue: IQueue, what: string): Alarm {
    const alarm = new Alarm(queue, 'DeadLettersAlarm', {
      alarmDescription: `Messages in a dead-letter queue: ${what}. Inspect them, fix the cause, then redrive.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  /**
   * Log lines whose message starts with `ALARM` (a suppressed safeguarding lead, an escalation
   * nobody acknowledged): a metric filter on the function's log group, alarmed on the first line.
   */
  watchAlarmLines(logGroup: ILogGroup, what: string): Alarm {
    const filter = new MetricFilter(logGroup, 'AlarmLines', {
      logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', 'ALARM*'),
      // One namespace per stack: several organisations can share an account.
      metricNamespace: `kith/${Stack.of(this).stackName}`,
      metricName: `AlarmLines-${logGroup.node.path.replaceAll('/', '-')}`,
      metricValue: '1',
    });
    const alarm = new Alarm(logGroup, 'AlarmLinesAlarm', {
      alarmDescription: `ALARM lines logged: ${what}. Read the function's log for the escalation id and act now.`,
      metric: filter.metric({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  /** The outbox relay: records waiting more than a minute on the stream, or any failed invocation. */
  watchStreamRelay(relay: IFunction): void {
    const lag = new Alarm(relay, 'IteratorAgeAlarm', {
      alarmDescription:
        'The outbox relay is more than a minute behind the table stream: notifications (including safeguarding alerts) are delayed.',
      metric: relay.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 60_000,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const errors = new Alarm(relay, 'ErrorsAlarm', {
      alarmDescription: 'The outbox relay failed: events are being retried and may reach its dead-letter queue.',
      metric: relay.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    lag.addAlarmAction(this.action);
    errors.addAlarmAction(this.action);
  }
}
