import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEventBridgeScheduler, scheduleName } from '../../../shared/adapters/aws/eventbridge-scheduler.ts';

const scheduler = mockClient(SchedulerClient);
const config = {
  groupName: 'kith-timers',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  queueArn: 'arn:aws:sqs:eu-west-2:123456789012:timers',
  deadLetterQueueArn: 'arn:aws:sqs:eu-west-2:123456789012:timers-dlq',
};
const now = new Date('2026-11-22T10:00:00.000Z');
const clock = { now: () => now };

describe('EventBridge Scheduler adapter', () => {
  beforeEach(() => scheduler.reset());

  it('creates a one-time UTC schedule to the timers queue with a DLQ, deleted after completion', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    const s = createEventBridgeScheduler(new SchedulerClient({ region: 'eu-west-2' }), config, clock);
    await s.schedule({
      name: 'reminder-S1-M1-60',
      at: new Date('2026-11-23T18:00:00.000Z'),
      payload: { kind: 'session-reminder', sessionId: 'S1' },
    });
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Name: 'reminder-S1-M1-60',
      GroupName: 'kith-timers',
      ScheduleExpression: 'at(2026-11-23T18:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: config.queueArn, RoleArn: config.roleArn, DeadLetterConfig: { Arn: config.deadLetterQueueArn } },
    });
    expect(JSON.parse(input?.Target?.Input ?? '{}')).toEqual({
      name: 'reminder-S1-M1-60',
      kind: 'session-reminder',
      sessionId: 'S1',
      dueAt: '2026-11-23T18:00:00.000Z',
    });
  });

  it('replaces an existing schedule of the same name instead of failing', async () => {
    scheduler.on(CreateScheduleCommand).rejects(Object.assign(new Error('exists'), { name: 'ConflictException' }));
    scheduler.on(UpdateScheduleCommand).resolves({});
    const s = createEventBridgeScheduler(new SchedulerClient({ region: 'eu-west-2' }), config, clock);
    await s.schedule({ name: 'x', at: new Date('2026-11-23T18:00:00.000Z'), payload: { kind: 'k' } });
    expect(scheduler).toHaveReceivedCommandWith(UpdateScheduleCommand, {
      Name: 'x',
      ScheduleExpression: 'at(2026-11-23T18:00:00)',
    });
  });

  it('moves a time already past to one minute from now: late, never lost', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    const s = createEventBridgeScheduler(new SchedulerClient({ region: 'eu-west-2' }), config, clock);
    await s.schedule({ name: 'late', at: new Date('2026-11-22T09:00:00.000Z'), payload: { kind: 'k' } });
    expect(scheduler).toHaveReceivedCommandWith(CreateScheduleCommand, { ScheduleExpression: 'at(2026-11-22T10:01:00)' });
  });

  it('treats cancelling a schedule that already fired as done', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));
    const s = createEventBridgeScheduler(new SchedulerClient({ region: 'eu-west-2' }), config, clock);
    await expect(s.cancel('gone')).resolves.toBeUndefined();
  });

  it('keeps long names within the 64-character limit, distinct and stable', () => {
    const a = scheduleName(`reminder-${'A'.repeat(26)}-${'B'.repeat(26)}-1440`);
    const b = scheduleName(`reminder-${'A'.repeat(26)}-${'C'.repeat(26)}-1440`);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(a).not.toBe(b);
    expect(scheduleName(`reminder-${'A'.repeat(26)}-${'B'.repeat(26)}-1440`)).toBe(a);
    expect(a).toMatch(/^[0-9a-zA-Z\-_.]+$/);
  });
});
