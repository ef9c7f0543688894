import { Duration, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { CfnSchedule, CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { timerWorker } from '../../functions/routes.ts';
import type { OrgConfig } from '../../shared/domain/org/org-config.ts';
import { HEARTBEAT_KIND } from '../../shared/domain/timers/heartbeat.ts';
import { TIMER_WORKER_TIMEOUT_SECONDS } from '../../shared/runtime/batch.ts';
import { MAIL_SENDER_CONCURRENCY } from '../../shared/runtime/mail.ts';
import type { Alarms } from './alarms.ts';
import { heartbeatPeriodMinutes } from './alarms.ts';
import { AppFunction, type Bindings, type SchedulerBinding } from './app-function.ts';
import { acknowledge, wildcardActionFinding } from './nag.ts';
import { queueWithDeadLetters } from './queues.ts';

const workerTimeout = Duration.seconds(TIMER_WORKER_TIMEOUT_SECONDS);

/** A timer due this long ago and still on the queue means the worker is stuck. */
export const timerQueueMaxAge = Duration.minutes(10);

/** The body of the recurring heartbeat schedule: the `heartbeat` timer kind (shared/domain/timers/heartbeat.ts). */
export const heartbeatTimerBody = JSON.stringify({ name: 'heartbeat', kind: HEARTBEAT_KIND });

/**
 * Timers: EventBridge Scheduler one-time schedules (in the stack's own schedule group) deliver to the
 * timers queue, through a role only Scheduler can assume; failed deliveries go to the timers DLQ
 * (the same queue the timers queue redrives to). The timer worker consumes the queue.
 */
export class Timers extends Construct implements SchedulerBinding {
  readonly group: CfnScheduleGroup;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly schedulerRole: Role;
  readonly scheduleGroupName: string;
  /** The timer worker, once added. */
  worker?: AppFunction;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: { key: IKey; org: OrgConfig; alarms: Alarms },
  ) {
    super(scope, id);
    // The L1 resource, so CloudFormation names the group: the L2 construct writes a synthesized name.
    this.group = new CfnScheduleGroup(this, 'Group');
    this.scheduleGroupName = this.group.ref;

    const { queue, deadLetterQueue } = queueWithDeadLetters(this, 'Queue', {
      key: props.key,
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
    });
    this.queue = queue;
    this.deadLetterQueue = deadLetterQueue;
    props.alarms.watchDeadLetterQueue(deadLetterQueue, 'timers that failed (session reminders, check-ins, escalation timeouts)');
    props.alarms.watchQueueAge(queue, timerQueueMaxAge, 'the timers queue');

    const { account } = Stack.of(this);
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: `kith ${props.org.slug}: EventBridge Scheduler delivers timers to the timers queue`,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnEquals: { 'aws:SourceArn': this.group.attrArn },
        },
      }),
    });
    queue.grantSendMessages(this.schedulerRole);
    deadLetterQueue.grantSendMessages(this.schedulerRole);
    const reason =
      'Sending to the KMS-encrypted timers queue and its DLQ needs the KMS data-key actions as CDK grants them; the grant is on the stack key only.';
    acknowledge(this.schedulerRole, wildcardActionFinding('kms:ReEncrypt*'), reason);
    acknowledge(this.schedulerRole, wildcardActionFinding('kms:GenerateDataKey*'), reason);
    acknowledge(
      this.schedulerRole,
      'HIPAA.Security-IAMNoInlinePolicy',
      "The policy belongs to the scheduler role only and grants sending to this stack's timers queue and its DLQ; a managed " +
        'policy would invite reuse across roles.',
    );

    // The heartbeat: a recurring schedule through the same group, role, queue and worker as every
    // timer, so its metric going missing (alarmed, missing data breaching) proves timers stopped.
    new CfnSchedule(this, 'Heartbeat', {
      description: `kith ${props.org.slug}: proves timers fire (the heartbeat alarm watches its metric)`,
      groupName: this.group.ref,
      scheduleExpression: `rate(${heartbeatPeriodMinutes} minutes)`,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: queue.queueArn,
        roleArn: this.schedulerRole.roleArn,
        input: heartbeatTimerBody,
        deadLetterConfig: { arn: deadLetterQueue.queueArn },
        // A late heartbeat is worthless: drop it after one period (the alarm notices) instead of piling up.
        retryPolicy: { maximumEventAgeInSeconds: heartbeatPeriodMinutes * 60, maximumRetryAttempts: 3 },
      },
    });
    props.alarms.watchHeartbeat(this, props.org.slug);
  }

  /** The timer worker on the timers queue; added once the public URL is known. */
  addWorker(bindings: Bindings): AppFunction {
    if (this.worker) throw new Error('The timer worker is already added');
    const worker = new AppFunction(this, 'Worker', {
      entry: timerWorker.entry,
      org: this.props.org,
      key: this.props.key,
      timeout: workerTimeout,
    });
    worker.bindUses(timerWorker.uses, bindings);
    // Check-in sends are the one large email fan-out: at most this many instances send at once, each
    // paced at its share of the account's SES rate (shared/runtime/mail.ts), and each stops starting
    // sends 10 s before the timeout, leaving the rest to a continuation timer (send-checkins.ts). A timer
    // behind them waits at most one batch (< the 30 s timeout); escalation timeouts are minutes.
    worker.consumeQueue(this.queue, { maxConcurrency: MAIL_SENDER_CONCURRENCY });
    this.props.alarms.watchAlarmLines(worker.logGroup, 'a safeguarding escalation went through every level unacknowledged');
    this.worker = worker;
    return worker;
  }
}
