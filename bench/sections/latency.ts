import { setLogSink } from '../../shared/runtime/logger.ts';
import type { BenchSection, Cell } from '../section.ts';
import { benchDeps } from '../support/deps.ts';
import { countingTable, replayRequest, replayStart, stopBenchDynamo } from '../support/dynamo.ts';
import { invoke, scenarios } from '../support/scenarios.ts';
import { median, quantile, round } from '../support/stats.ts';

const MEASURED = ['POST /signups', 'POST /sessions/{sessionId}/book', 'POST /checkins/{sessionId}', 'POST /webhooks/escalations'];

/**
 * Warm latency of the four busiest requests through their real handlers (makeHandler(deps), API
 * Gateway v2 events) against DynamoDB Local, after a warm-up; and the overhead over the raw SDK:
 * the DynamoDB calls of one request are recorded and replayed through the same document client the
 * same number of times, so "overhead" is what the handler, middy, zod, tokens and pages add.
 */
export const latency: BenchSection = {
  id: 'latency',
  title: 'Warm latency (DynamoDB Local)',
  async run(ctx) {
    const calls = ctx.quick ? 100 : 1000;
    const warmup = ctx.quick ? 20 : 100;
    const rows: Record<string, Cell>[] = [];
    const data: Record<string, unknown> = {};
    const failures: string[] = [];
    let answer = { p50: Number.NaN, p99: Number.NaN };
    const restoreSink = setLogSink(() => {}); // Lambda writes its log lines to a pipe, not to this terminal.
    try {
      for (const route of MEASURED) {
        const scenario = scenarios.find((s) => s.route === route)!;
        // A fresh DynamoDB Local for each route: its in-memory engine slows as a run piles up items
        // (the booking set-up alone writes thousands), which would tax whichever route came last.
        await stopBenchDynamo();
        const table = await countingTable();
        const deps = benchDeps(table);
        const t0 = performance.now();
        const prepared = await scenario.prepare(deps, warmup + calls + 1);
        const t1 = performance.now();
        const current = (i: number) => (prepared.refresh ? prepared.refresh(prepared.events[i]!) : prepared.events[i]!);
        // One request's SDK calls, recorded for the raw replay.
        table.take();
        await invoke(prepared.handler, current(0));
        const recorded = table.take();
        table.recordInputs = false;
        const start = await replayStart(table.client, recorded);
        table.take();
        for (let i = 1; i <= warmup; i++) await invoke(prepared.handler, current(i));
        const samples: number[] = [];
        let bad = 0;
        for (let i = warmup + 1; i <= warmup + calls; i++) {
          const event = current(i);
          const t0 = performance.now();
          const response = await invoke(prepared.handler, event);
          samples.push(performance.now() - t0);
          if (response.statusCode !== prepared.expect) bad++;
        }
        table.take();
        if (bad) failures.push(`${route}: ${bad} of ${calls} answered other than ${prepared.expect}`);
        // The raw baseline: the same calls, in the same order, straight through the document client.
        const raw: number[] = [];
        let rawRefused = 0;
        for (let i = 0; i < warmup + calls; i++) {
          const { ms, ok } = await replayRequest(table.client, recorded, start);
          if (i >= warmup) {
            raw.push(ms);
            if (!ok) rawRefused++;
          }
        }
        table.take();
        const p50 = median(samples);
        const p99 = quantile(samples, 0.99);
        const rawP50 = median(raw);
        const t2 = performance.now();
        console.log(`  … ${route}: set-up ${((t1 - t0) / 1000).toFixed(0)} s, measuring ${((t2 - t1) / 1000).toFixed(0)} s`);
        if (route === 'POST /checkins/{sessionId}') answer = { p50, p99 };
        rows.push({
          route,
          calls,
          'p50 ms': round(p50),
          'p99 ms': round(p99),
          'raw SDK p50 ms': round(rawP50),
          'raw SDK p99 ms': round(quantile(raw, 0.99)),
          'SDK calls': recorded.length,
          'raw refused': rawRefused,
          'overhead p50 ms': round(p50 - rawP50),
          'x raw': round(p50 / rawP50),
        });
        data[route] = {
          samples: samples.length,
          p50,
          p99,
          rawP50,
          rawP99: quantile(raw, 0.99),
          rawRefused,
          sdkCalls: recorded.map((c) => c.command),
        };
      }
    } finally {
      setLogSink(restoreSink);
    }
    return {
      title: 'Warm latency (DynamoDB Local)',
      columns: [
        'route',
        'calls',
        'p50 ms',
        'p99 ms',
        'raw SDK p50 ms',
        'raw SDK p99 ms',
        'SDK calls',
        'raw refused',
        'overhead p50 ms',
        'x raw',
      ],
      rows,
      targets: [
        { name: 'check-in answer p50', limit: '≤ 3 ms', actual: `${round(answer.p50)} ms`, met: answer.p50 <= 3 },
        { name: 'check-in answer p99', limit: '≤ 15 ms', actual: `${round(answer.p99)} ms`, met: answer.p99 <= 15 },
      ],
      notes: [
        `${calls} sequential calls per route after ${warmup} warm-up calls, each a distinct valid request (new address, new booking, a changed answer, a new webhook id).`,
        'raw SDK: the DynamoDB calls one request made, replayed in order through the same document client, the items it created deleted and the ones it updated put back as just after it (untimed), so its conditions hold and its transaction commits as the first time; "raw refused" counts replays DynamoDB still refused.',
        'Log lines go to a no-op sink (in Lambda they go to a pipe); each route gets a fresh DynamoDB Local, on the same 2 shared cores.',
      ],
      data,
      failures,
    };
  },
};
