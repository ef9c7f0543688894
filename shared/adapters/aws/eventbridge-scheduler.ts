import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { timerMessageBody } from '../../domain/timers/timer-message.ts';
import type { Clock, Scheduler } from '../../ports/index.ts';

export interface SchedulerConfig {
  groupName: string;
  roleArn: string;
  queueArn: string;
  deadLetterQueueArn: string;
}

/** Scheduler names: 1-64 of [0-9a-zA-Z-_.]; longer names keep a readable prefix and a hash. */
export function scheduleName(name: string): string {
  const clean = name.replace(/[^0-9a-zA-Z\-_.]/g, '_');
  if (clean.length <= 64) return clean;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 20);
  return `${clean.slice(0, 43)}-${hash}`;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC. */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/**
 * EventBridge Scheduler one-time schedules targeting the timers SQS queue (with a DLQ), deleted
 * after completion. A time already past is moved to one minute from now: late, never early, never
 * lost. The timer worker tolerates duplicate and late delivery.
 */
export function createEventBridgeScheduler(client: SchedulerClient, config: SchedulerConfig, clock: Clock): Scheduler {
  return {
    async schedule(timer) {
      const earliest = new Date(clock.now().getTime() + 60_000);
      const at = timer.at < earliest ? earliest : timer.at;
      const input: CreateScheduleCommandInput = {
        Name: scheduleName(timer.name),
        GroupName: config.groupName,
        ScheduleExpression: atExpression(at),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: config.queueArn,
          RoleArn: config.roleArn,
          Input: timerMessageBody(timer),
          DeadLetterConfig: { Arn: config.deadLetterQueueArn },
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        },
      };
      try {
        await client.send(new CreateScheduleCommand(input));
      } catch (error) {
        if ((error as Error).name !== 'ConflictException') throw error;
        await client.send(new UpdateScheduleCommand(input));
      }
    },
    async cancel(name) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: scheduleName(name), GroupName: config.groupName }));
      } catch (error) {
        if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      }
    },
  };
}
