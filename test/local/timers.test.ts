import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as makeTimerWorker } from '../../functions/platform/fire-timer.ts';
import { createPump, type Pump } from '../../local/pump.ts';
import { createDynamoHeartbeatStore } from '../../shared/adapters/aws/dynamo/heartbeat-store.ts';
import { type ControllableClock, createControllableClock } from '../../shared/adapters/local/controllable-clock.ts';
import { createLocalQueue, type LocalQueue } from '../../shared/adapters/local/local-queue.ts';
import { createLocalScheduler, type LocalScheduler } from '../../shared/adapters/local/local-scheduler.ts';
import { timerKinds } from '../../shared/domain/timers/fire-timer.ts';
import type { HeartbeatStore } from '../../shared/ports/index.ts';
import { setLogSink } from '../../shared/runtime/logger.ts';
import { testTable } from '../support/dynamo.ts';

describe('local timers: scheduler, application clock and timer worker', () => {
  let dir: string;
  let clock: ControllableClock;
  let scheduler: LocalScheduler;
  let timerQueue: LocalQueue;
  let heartbeats: HeartbeatStore;
  let pump: Pump;
  let delivered: unknown[];
  let restoreSink: ReturnType<typeof setLogSink>;
  const start = new Date('2026-11-22T10:00:00Z');

  beforeAll(async () => {
    restoreSink = setLogSink(() => undefined);
  });
  afterAll(() => {
    setLogSink(restoreSink);
  });

  beforeEach(async () => {
    heartbeats = createDynamoHeartbeatStore(await testTable());
    dir = mkdtempSync(join(tmpdir(), 'kith-timers-'));
    clock = createControllableClock(join(dir, 'clock.json'));
    clock.set(start);
    scheduler = createLocalScheduler(join(dir, 'timers.json'));
    timerQueue = createLocalQueue('timers', join(dir, 'timers-queue.json'), { backoffMs: () => 1 });
    delivered = [];
    // The real timer worker, watched: every body it receives is recorded
    const worker = makeTimerWorker({ heartbeats, clock } as unknown as Parameters<typeof makeTimerWorker>[0]);
    pump = createPump({
      stream: { poll: async () => ({ records: 0 }) },
      scheduler,
      clock,
      timerQueue,
      consumers: [
        {
          queue: timerQueue,
          handler: async (e, context) => {
            delivered.push(...e.Records.map((r) => JSON.parse(r.body)));
            return worker(e, context);
          },
        },
      ],
    });
    return async () => {
      await pump.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  });

  const heartbeat = (name: string, minutes: number) =>
    scheduler.schedule({ name, at: new Date(start.getTime() + minutes * 60_000), payload: { kind: 'heartbeat', note: 'n' } });

  it('fires a timer only once the application clock passes its time, and only once', async () => {
    await heartbeat('beat-1', 30);

    clock.advance(29);
    await pump.drain();
    expect(delivered).toEqual([]);
    expect(await heartbeats.last()).toBeUndefined();

    clock.advance(2);
    await pump.drain();
    expect(delivered).toEqual([{ kind: 'heartbeat', note: 'n', name: 'beat-1', dueAt: '2026-11-22T10:30:00.000Z' }]);
    const beat = await heartbeats.last();
    expect(beat?.dueAt).toBe('2026-11-22T10:30:00.000Z');
    expect(Date.parse(beat!.at)).toBeGreaterThanOrEqual(Date.parse('2026-11-22T10:31:00Z'));

    clock.advance(60);
    await pump.drain();
    expect(delivered).toHaveLength(1);
    expect(scheduler.list()).toEqual([]);
  });

  it('never fires a cancelled timer; cancelling twice, or an unknown name, is fine', async () => {
    await heartbeat('cancelled', 5);
    await scheduler.cancel('cancelled');
    await scheduler.cancel('cancelled');
    await scheduler.cancel('never-existed');
    clock.advance(10);
    await pump.drain();
    expect(delivered).toEqual([]);
  });

  it('replaces a timer scheduled again under the same name', async () => {
    await heartbeat('moved', 5);
    await heartbeat('moved', 50);
    clock.advance(10);
    await pump.drain();
    expect(delivered).toEqual([]);
    clock.advance(45);
    await pump.drain();
    expect(delivered).toEqual([expect.objectContaining({ name: 'moved', dueAt: '2026-11-22T10:50:00.000Z' })]);
  });

  it('keeps timers and the clock offset across a restart', async () => {
    await heartbeat('durable', 15);
    clock.advance(10);
    const reopenedClock = createControllableClock(join(dir, 'clock.json'));
    expect(Math.abs(reopenedClock.now().getTime() - clock.now().getTime())).toBeLessThan(1_000);
    expect(
      createLocalScheduler(join(dir, 'timers.json'))
        .list()
        .map((t) => t.name),
    ).toEqual(['durable']);
  });

  it('sends a timer of an unknown kind to the DLQ after 5 receives instead of dropping it', async () => {
    await scheduler.schedule({ name: 'mystery', at: start, payload: { kind: 'no-such-kind' } });
    expect(Object.hasOwn(timerKinds, 'no-such-kind')).toBe(false);

    await pump.drain();

    expect(delivered).toHaveLength(5);
    expect(timerQueue.deadLetters()).toEqual([expect.objectContaining({ queue: 'timers', receiveCount: 5 })]);
    expect(JSON.parse(timerQueue.deadLetters()[0]!.body)).toMatchObject({ name: 'mystery', kind: 'no-such-kind' });
  });

  it('sends a malformed timer body, and an inherited property name as kind, to the DLQ', async () => {
    timerQueue.send('not json');
    timerQueue.send(JSON.stringify({ name: 'proto', kind: 'constructor' }));
    await pump.drain();
    expect(timerQueue.deadLetters()).toHaveLength(2);
  });

  it('never records an older heartbeat over a newer one', async () => {
    const store = heartbeats;
    await store.record({ at: '2026-11-22T12:00:00.000Z' });
    await store.record({ at: '2026-11-22T11:00:00.000Z', dueAt: '2026-11-22T11:00:00.000Z' });
    expect(await store.last()).toEqual({ at: '2026-11-22T12:00:00.000Z' });
  });
});
