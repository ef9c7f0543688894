import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { httpRoutes, streamRelay, timerWorker, topicConsumers, topicNames } from '../functions/routes.ts';
import { loadOrg } from '../infra/load-org.ts';
import { createLocalQueue, type LocalQueue } from '../shared/adapters/local/local-queue.ts';
import { createLocalTopics } from '../shared/adapters/local/local-topics.ts';
import { createLocalDeps, type LocalDeps } from './deps.ts';
import { devRoutes } from './dev-routes.ts';
import { type DynamoLocal, ensureTable, startDynamoLocal } from './dynamodb.ts';
import { type BoundRoute, createApiListener, type HttpLambda } from './http-server.ts';
import type { LambdaHandler, QueueConsumer } from './lambda.ts';
import { createLocalLog } from './log.ts';
import { createPump } from './pump.ts';
import { loadLocalSecrets } from './secrets.ts';
import { createStreamPoller } from './stream-poller.ts';

/**
 * The local stack behind `npm start`: DynamoDB Local (data kept under the data folder), the real
 * handlers of every route, topic consumer, the stream relay and the timer worker (each built once
 * with the local Deps), an API Gateway-shaped HTTP server on 127.0.0.1, and a pump that moves the
 * stream, topics, queues and timers along. Used by `local/start.ts`, the end-to-end tests and tools.
 */
export interface LocalStackOptions {
  /** 0 picks a free port. Default 3000. */
  port?: number;
  /** Everything local lives here; an empty or new folder is a fresh start. */
  dataDir: string;
  /** `config/orgs/<org>.json`. Default `example`. */
  org?: string;
  /** No log lines (tests). */
  quiet?: boolean;
  /** Where log lines go instead of stdout (tests that read every line); overrides `quiet`. */
  logLine?: (line: string) => void;
  /** The topic consumers' timeout; default 30 s, as deployed (tests shorten it to watch a fan-out continue). */
  consumerTimeoutMs?: number;
}

export interface LocalStack {
  url: string;
  port: number;
  deps: LocalDeps;
  /** Returns once every stream, topic, queue and due timer is idle. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export const TABLE_NAME = 'kith';

/** `<data>/endpoints.json` while a local stack runs: how tools reach its DynamoDB Local. */
export interface LocalEndpoints {
  pid: number;
  url: string;
  dynamodb: string;
  tableName: string;
}

export function localEndpointsFile(dataDir: string): string {
  return join(dataDir, 'endpoints.json');
}

function writeLocalEndpoints(dataDir: string, endpoints: LocalEndpoints): void {
  writeFileSync(localEndpointsFile(dataDir), JSON.stringify(endpoints));
}

/** The endpoints of the local stack running on this data folder, if one is (its process is alive). */
export function runningLocalStack(dataDir: string): LocalEndpoints | undefined {
  try {
    const endpoints = JSON.parse(readFileSync(localEndpointsFile(resolve(dataDir)), 'utf8')) as LocalEndpoints;
    return isAlive(endpoints.pid) ? endpoints : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data folder for a tool that runs DynamoDB Local on it itself (no stack is running), so
 * `npm start` refuses to start on it meanwhile. Returns the release function.
 */
export function claimDataDirForTool(dataDir: string): () => void {
  const dir = resolve(dataDir);
  claimDataDir(dir);
  return () => releaseDataDir(dir);
}

const functionsDir = new URL('../functions/', import.meta.url);
const activeDataDirs = new Set<string>();

interface FunctionModule<E, R> {
  makeHandler(deps: LocalDeps): LambdaHandler<E, R>;
}

async function loadFunction<E, R>(entry: string): Promise<(deps: LocalDeps) => LambdaHandler<E, R>> {
  const module = (await import(new URL(`${entry}.ts`, functionsDir).href)) as Partial<FunctionModule<E, R>>;
  if (typeof module.makeHandler !== 'function') throw new Error(`functions/${entry}.ts does not export makeHandler(deps)`);
  return module.makeHandler;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir);
  const log = createLocalLog(options.logLine ? { write: options.logLine } : { quiet: options.quiet });
  const cleanups: (() => Promise<void> | void)[] = [() => log.restore()];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step();
    cleanups.length = 0;
  };
  try {
    const org = loadOrg(options.org ?? 'example');
    mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
    claimDataDir(dataDir);
    cleanups.push(() => releaseDataDir(dataDir));

    // Listen first: a taken port fails fast, and port 0 tells us the port the links must carry.
    let listener: ReturnType<typeof createApiListener> | undefined;
    const server = createServer((req, res) => {
      if (listener) return void listener(req, res);
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { code: 'unavailable', message: 'The local stack is starting.' } }));
    });
    const port = await listen(server, options.port ?? 3000);
    const closeStep = () => closeServer(server);
    cleanups.push(closeStep);
    const url = `http://127.0.0.1:${port}`;

    const dynamo: DynamoLocal = await startDynamoLocal({ dbPath: join(dataDir, 'dynamodb') });
    // Stopped after the server has closed, so requests in flight can finish.
    cleanups.splice(cleanups.indexOf(closeStep), 0, () => dynamo.stop());
    await ensureTable(dynamo.endpoint, TABLE_NAME);
    // Tools (the kith CLI, bin/kith.ts) find this stack's DynamoDB Local here while it runs.
    writeLocalEndpoints(dataDir, { pid: process.pid, url, dynamodb: dynamo.endpoint, tableName: TABLE_NAME });
    cleanups.push(() => rmSync(localEndpointsFile(dataDir), { force: true }));
    const secrets = loadLocalSecrets(join(dataDir, 'secrets.json'));

    const queueFile = (name: string) => join(dataDir, 'queues', `${name}.json`);
    const consumerQueues = topicConsumers.map((consumer) => ({
      consumer,
      queue: createLocalQueue(consumer.name, queueFile(consumer.name)),
    }));
    const timerQueue = createLocalQueue(timerWorker.name, queueFile(timerWorker.name));
    const events = createLocalTopics(
      topicNames,
      consumerQueues.map(({ consumer, queue }) => ({
        topic: consumer.topic,
        ...(consumer.filterPolicy ? { filterPolicy: consumer.filterPolicy } : {}),
        queue,
      })),
    );
    const deps = createLocalDeps({
      org,
      dataDir,
      endpoint: dynamo.endpoint,
      tableName: TABLE_NAME,
      baseUrl: url,
      secrets,
      events,
    });

    // The real handlers, each built once with the local Deps.
    const routes: BoundRoute[] = [];
    for (const route of httpRoutes) {
      const make = await loadFunction<Parameters<HttpLambda>[0], Awaited<ReturnType<HttpLambda>>>(route.entry);
      routes.push({ route, handler: make(deps) });
    }
    const consumers: QueueConsumer[] = [];
    for (const { consumer, queue } of consumerQueues) {
      const make = await loadFunction<SQSEvent, SQSBatchResponse>(consumer.entry);
      consumers.push({
        queue,
        handler: make(deps),
        ...(options.consumerTimeoutMs ? { timeoutMs: options.consumerTimeoutMs } : {}),
      });
    }
    const makeTimerWorker = await loadFunction<SQSEvent, SQSBatchResponse>(timerWorker.entry);
    consumers.push({ queue: timerQueue, handler: makeTimerWorker(deps) });
    const makeRelay = await loadFunction<DynamoDBStreamEvent, SQSBatchResponse>(streamRelay.entry);

    const warnDeadLetter = (queue: string, id: string) =>
      log.warn(
        `message ${id} on ${queue} failed ${queue === streamRelay.name ? 'its retries' : '5 receives'} and moved to its DLQ (GET /_dev/dlq)`,
      );
    const stream = createStreamPoller({
      endpoint: dynamo.endpoint,
      tableName: TABLE_NAME,
      stateFile: join(dataDir, 'stream.json'),
      handler: makeRelay(deps),
      functionName: streamRelay.name,
      clock: deps.clock,
      onDeadLetter: (letter) => warnDeadLetter(letter.queue, letter.messageId),
    });
    const pump = createPump({
      stream,
      scheduler: deps.scheduler,
      clock: deps.clock,
      timerQueue,
      consumers,
      onDeadLetter: warnDeadLetter,
      onConsumerError: (queue, error) =>
        log.warn(`the ${queue} consumer threw ${(error as Error)?.name ?? 'an error'}; its batch will be retried`),
      onError: (error) => log.warn(`background pump pass failed (${(error as Error).name}); retrying`),
    });
    const allQueues: LocalQueue[] = consumers.map((c) => c.queue);

    listener = createApiListener({
      routes,
      dev: devRoutes({
        deps,
        webhookSecret: secrets.webhookSecret,
        drain: () => pump.drain(),
        deadLetters: () => [...allQueues.flatMap((q) => q.deadLetters()), ...stream.deadLetters()],
        clearDeadLetters: () => allQueues.reduce((n, q) => n + q.clearDeadLetters(), 0) + stream.clearDeadLetters(),
        relayName: streamRelay.name,
        removeRelayDeadLetters: (ids) => stream.removeDeadLetters(ids),
      }),
      onRequest: ({ method, path, status, durationMs }) => {
        // Function routes log their own request lines; the server reports what never reached one.
        if (status === 404 || status === 405 || status === 413 || status >= 500)
          log.info(`${method} ${path} → ${status} (${durationMs} ms)`);
      },
      onError: (where, error) => log.warn(`${where} threw ${(error as Error)?.name ?? 'an error'}`),
    });
    pump.start(150);
    cleanups.push(() => pump.stop());

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      deps,
      drain: () => pump.drain(),
      stop: () => {
        stopping ??= cleanup();
        return stopping;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, lets requests in flight finish (briefly), then closes every connection. */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((r) => server.close(() => r()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 2_000);
  await closed;
  clearTimeout(force);
}

/** One stack per data folder: two would corrupt each other's files. */
function claimDataDir(dataDir: string) {
  const lock = join(dataDir, 'stack.pid');
  if (activeDataDirs.has(dataDir)) throw new Error(`A local stack in this process already uses ${dataDir}`);
  if (existsSync(lock)) {
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`Another local stack (pid ${pid}) is using ${dataDir}; stop it, or set KITH_DATA_DIR to another folder`);
    }
  }
  writeFileSync(lock, String(process.pid));
  activeDataDirs.add(dataDir);
}

function releaseDataDir(dataDir: string) {
  activeDataDirs.delete(dataDir);
  rmSync(join(dataDir, 'stack.pid'), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
