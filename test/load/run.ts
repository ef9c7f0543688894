import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningLocalStack, startLocalStack, TABLE_NAME } from '../../local/stack.ts';
import { type LoadReport, runLoad } from './load.ts';

/**
 * `npm run load`: the full-size load run (2,000 sign-ups and 200 escalations at once, 50 replayed
 * webhooks) against a fresh local stack on 127.0.0.1, started here and stopped afterwards.
 * `LOAD_SIGNUPS`, `LOAD_ESCALATIONS`, `LOAD_REPLAYS`, `LOAD_CONCURRENCY` change the size.
 * Prints the report (and writes it to test-results/load.json); exits 1 if anything was lost,
 * duplicated or answered 5xx.
 */
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_REGION ??= 'eu-west-2';

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 100_000) throw new Error(`${name} must be an integer from 0 to 100000`);
  return value;
};

const dataDir = mkdtempSync(join(tmpdir(), 'kith-load-'));
const stack = await startLocalStack({ port: 0, dataDir, quiet: true });
let report: LoadReport | undefined;
try {
  const endpoints = runningLocalStack(dataDir);
  if (!endpoints) throw new Error('the local stack did not record its endpoints');
  report = await runLoad(
    { url: stack.url, dynamodbEndpoint: endpoints.dynamodb, tableName: endpoints.tableName || TABLE_NAME },
    {
      signups: num('LOAD_SIGNUPS', 2000),
      escalations: num('LOAD_ESCALATIONS', 200),
      replays: num('LOAD_REPLAYS', 50),
      concurrency: num('LOAD_CONCURRENCY', 50),
      log: (line) => console.log(`[load] ${line}`),
    },
  );
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(report, null, 2));
mkdirSync('test-results', { recursive: true });
writeFileSync('test-results/load.json', `${JSON.stringify(report, null, 2)}\n`);
if (report.failures.length) {
  console.error(`LOAD FAILED:\n  ${report.failures.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `[load] ok: ${report.burst.requests} requests in ${report.burst.seconds} s (${report.burst.perSecond}/s), ` +
    `sign-up p50 ${report.latencyMs.signups.p50} ms p99 ${report.latencyMs.signups.p99} ms, ` +
    `escalation p50 ${report.latencyMs.escalations.p50} ms p99 ${report.latencyMs.escalations.p99} ms, ` +
    `0 lost, 0 duplicated, ${report.serverErrors} 5xx; drained in ${report.drainSeconds} s`,
);
process.exit(0);
