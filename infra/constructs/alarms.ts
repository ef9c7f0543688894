import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, metricNames } from '../../shared/runtime/metrics.ts';
import { deadLetterQueue } from './queues.ts';

/** SES reviews an account at a 5% bounce rate and a 0.1% complaint rate; alarm well before either. */
export const sesRateThresholds = { bounce: 0.04, complaint: 0.0008 } as const;

/** The heartbeat schedule fires every 5 minutes; three missing in a row is an alarm. */
export const heartbeatPeriodMinutes = 5;

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

  /**
   * One alarm to the operator topic. By default it fires on the first datapoint above zero and
   * treats missing data as fine (no traffic is not a fault).
   */
  private alarm(
    scope: Construct,
    id: string,
    alarmDescription: string,
    metric: IMetric,
    options: Partial<Pick<AlarmProps, 'threshold' | 'comparisonOperator' | 'evaluationPeriods' | 'treatMissingData'>> = {},
  ): Alarm {
    const alarm = new Alarm(scope, id, {
      alarmDescription,
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      ...options,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  /** Alarm as soon as one message is visible in a dead-letter queue. */
  watchDeadLetterQueue(queue: IQueue, what: string): Alarm {
    return this.alarm(
      queue,
      'DeadLettersAlarm',
      `Messages in a dead-letter queue: ${what}. Inspect them, fix the cause, then redrive.`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    );
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
    return this.alarm(
      logGroup,
      'AlarmLinesAlarm',
      `ALARM lines logged: ${what}. Read the function's log for the escalation id and act now.`,
      filter.metric({ period: Duration.minutes(1), statistic: 'Sum' }),
    );
  }

  /** The outbox relay: records waiting more than a minute on the stream, or any failed invocation. */
  watchStreamRelay(relay: IFunction): void {
    this.alarm(
      relay,
      'IteratorAgeAlarm',
      'The outbox relay is more than a minute behind the table stream: notifications (including safeguarding alerts) are delayed.',
      relay.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      { threshold: 60_000, evaluationPeriods: 3 },
    );
    this.alarm(
      relay,
      'ErrorsAlarm',
      'The outbox relay failed: events are being retried and may reach its dead-letter queue.',
      relay.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
    );
  }

  /**
   * Any failed invocation (a crash or a timeout: handled errors are answers, not failures) and any
   * throttle, in one alarm per function (errors + throttles): one alarm instead of two keeps a stack
   * of ~50 functions well under CloudFormation's 500 resources, and halves the alarms' cost. The
   * relay already has its own errors alarm, so it gets a throttles alarm only.
   */
  watchFunction(fn: IFunction, what: string): void {
    const period = Duration.minutes(1);
    if (fn.node.tryFindChild('ErrorsAlarm')) {
      this.alarm(
        fn,
        'ThrottlesAlarm',
        `The ${what} function was throttled: requests were refused or messages delayed. Check the account's concurrency.`,
        fn.metricThrottles({ period, statistic: 'Sum' }),
      );
      return;
    }
    this.alarm(
      fn,
      'FailuresAlarm',
      `The ${what} function failed (crash or timeout) or was throttled. Check its log group for the request id; ` +
        "if it was throttled, check the account's concurrency.",
      new MathExpression({
        expression: 'FILL(errors, 0) + FILL(throttles, 0)',
        usingMetrics: {
          errors: fn.metricErrors({ period, statistic: 'Sum' }),
          throttles: fn.metricThrottles({ period, statistic: 'Sum' }),
        },
        period,
        label: 'Errors + Throttles',
      }),
    );
  }

  /** A work queue whose oldest message waits longer than `maxAge`: its consumer is stuck or failing. */
  watchQueueAge(queue: IQueue, maxAge: Duration, what: string): Alarm {
    return this.alarm(
      queue,
      'OldestMessageAlarm',
      `A message has waited more than ${maxAge.toHumanString()} on ${what}: its worker is stuck or failing.`,
      queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      { threshold: maxAge.toSeconds(), evaluationPeriods: 3 },
    );
  }

  /** Bounce and complaint rates of one SES configuration set (its reputation metrics). */
  watchSesReputation(scope: Construct, configurationSetName: string, what: string): void {
    const rate = (metricName: string) =>
      new Metric({
        namespace: 'AWS/SES',
        metricName,
        dimensionsMap: { 'ses:configuration-set': configurationSetName },
        period: Duration.hours(1),
        statistic: 'Average',
      });
    this.alarm(
      scope,
      'BounceRateAlarm',
      `The ${what} bounce rate is above ${sesRateThresholds.bounce * 100}% (SES reviews accounts at 5%). Check the addresses bouncing and the ses-feedback queue.`,
      rate('Reputation.BounceRate'),
      { threshold: sesRateThresholds.bounce },
    );
    this.alarm(
      scope,
      'ComplaintRateAlarm',
      `The ${what} complaint rate is above ${sesRateThresholds.complaint * 100}% (SES reviews accounts at 0.1%). Check what was sent.`,
      rate('Reputation.ComplaintRate'),
      { threshold: sesRateThresholds.complaint },
    );
  }

  /** An app metric of this organisation (shared/runtime/metrics.ts), summed per period. */
  private appMetric(metricName: string, org: string, period: Duration): Metric {
    return new Metric({ namespace: METRIC_NAMESPACE, metricName, dimensionsMap: { Org: org }, period, statistic: 'Sum' });
  }

  /** An escalation nobody acknowledged after every level and repeat (a metric the app emits). */
  watchUnacknowledgedEscalations(scope: Construct, org: string): Alarm {
    return this.alarm(
      scope,
      'UnacknowledgedEscalationAlarm',
      'A safeguarding escalation went through every level without an acknowledgement. Phone the safeguarding leads now, ' +
        'then list open escalations with the kith CLI.',
      this.appMetric(metricNames.escalationUnacknowledged, org, Duration.minutes(1)),
    );
  }

  /**
   * The timer heartbeat (emitted by the timer worker for each `heartbeat` timer): missing data is
   * breaching, because silence is exactly the failure this alarm exists for.
   */
  watchHeartbeat(scope: Construct, org: string): Alarm {
    return this.alarm(
      scope,
      'HeartbeatAlarm',
      'No timer heartbeat for 15 minutes: scheduled timers (reminders, check-ins, escalation timeouts) are not reaching the timer worker. ' +
        'Check the schedule group, the timers queue and its DLQ, and the worker logs.',
      this.appMetric(metricNames.timerHeartbeat, org, Duration.minutes(heartbeatPeriodMinutes)),
      {
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.BREACHING,
      },
    );
  }
}
