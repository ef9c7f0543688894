import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler } from '../../../functions/platform/fire-timer.ts';
import { setLogSink } from '../../../shared/runtime/logger.ts';
import { type TestDeps, testDeps } from '../../support/deps.ts';
import { lambdaContext } from '../../support/events.ts';

const sqsEvent = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m-${i}`, body })) }) as unknown as SQSEvent;

describe('the timer worker and the heartbeat metric', () => {
  let deps: TestDeps;
  let lines: string[];
  let restore: (line: string) => void;
  beforeEach(async () => {
    deps = await testDeps();
    lines = [];
    restore = setLogSink((line) => lines.push(line));
  });
  afterEach(() => setLogSink(restore));

  const metricLines = () => lines.map((l) => JSON.parse(l)).filter((l) => l._aws);

  it("records the heartbeat schedule's body and emits one Embedded Metric Format line for it, with the org as dimension", async () => {
    // Act: the exact body the recurring schedule sends (infra/constructs/timers.ts)
    const result = await makeHandler(deps)(sqsEvent('{"name":"heartbeat","kind":"heartbeat"}'), lambdaContext);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect((await deps.heartbeats.last())?.at).toBe(deps.clock.now().toISOString());
    const [metric, ...more] = metricLines();
    expect(more).toEqual([]);
    expect(metric).toMatchObject({
      _aws: {
        CloudWatchMetrics: [{ Namespace: 'kith', Dimensions: [['Org']], Metrics: [{ Name: 'TimerHeartbeat', Unit: 'Count' }] }],
      },
      Org: 'example',
      TimerHeartbeat: 1,
    });
    expect(typeof metric._aws.Timestamp).toBe('number');
  });

  it('emits no heartbeat metric when recording the heartbeat failed (the alarm must see the silence)', async () => {
    deps.heartbeats.record = async () => {
      throw new Error('table down');
    };
    const result = await makeHandler(deps)(sqsEvent('{"name":"heartbeat","kind":"heartbeat"}'), lambdaContext);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(metricLines()).toEqual([]);
  });
});
