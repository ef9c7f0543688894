import { resolve } from 'node:path';
import { OrgConfigError } from '../shared/domain/org/org-config.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

/**
 * `npm start`: the local stack on http://127.0.0.1:$PORT (default 3000), data in $KITH_DATA_DIR
 * (default .kith/; `rm -rf .kith` starts fresh), organisation from config/orgs/$KITH_ORG.json
 * (default example). Ctrl-C stops everything it started.
 */
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_REGION ??= 'eu-west-2';

const port = parsePort(process.env.PORT);
const dataDir = resolve(process.env.KITH_DATA_DIR || '.kith');
const org = process.env.KITH_ORG || 'example';

let stack: LocalStack | undefined;
let stopping = false;

async function shutdown(signal: string) {
  if (stopping) {
    // A second Ctrl-C: leave now (the DynamoDB Local watchdog still stops Java).
    process.exit(130);
  }
  stopping = true;
  console.log(`\n${signal}: stopping the local stack…`);
  try {
    await stack?.stop();
    process.exit(0);
  } catch (error) {
    console.error(`Could not stop cleanly: ${(error as Error).message}`);
    process.exit(1);
  }
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

try {
  console.log(`Local data in ${dataDir} (delete the folder, e.g. rm -rf .kith, for a fresh start).`);
  stack = await startLocalStack({ port, dataDir, org });
  if (stopping) await stack.stop();
  else console.log(`kith local stack ready at ${stack.url}`);
} catch (error) {
  if (error instanceof OrgConfigError) {
    console.error(`${error.source} is not a valid organisation config:`);
    for (const problem of error.problems) console.error(`  ${problem}`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use: stop what uses it, or run with PORT=<another port>.`);
  } else {
    console.error(`The local stack did not start: ${(error as Error).message}`);
  }
  process.exit(1);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`PORT must be a port number (0-65535), not "${value}".`);
    process.exit(1);
  }
  return n;
}
