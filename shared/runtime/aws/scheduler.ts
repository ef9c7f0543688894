import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createEventBridgeScheduler } from '../../adapters/aws/eventbridge-scheduler.ts';
import { systemClock } from '../../adapters/ids.ts';
import type { Deps } from '../../ports/index.ts';
import { envNames, requireEnv } from '../env.ts';

/** The scheduler provider: EventBridge Scheduler one-time schedules in the stack's group, to the timers queue. */
export const scheduler = (): Deps['scheduler'] =>
  createEventBridgeScheduler(
    new SchedulerClient({}),
    {
      groupName: requireEnv(envNames.scheduleGroupName),
      roleArn: requireEnv(envNames.schedulerRoleArn),
      queueArn: requireEnv(envNames.timerQueueArn),
      deadLetterQueueArn: requireEnv(envNames.timerDlqArn),
    },
    systemClock,
  );
