import { randomUUID } from 'node:crypto';
import {
  type _Record,
  type AttributeValue,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent, AttributeValue as LambdaAttributeValue, SQSBatchResponse } from 'aws-lambda';
import { type JsonFile, jsonFile } from '../shared/adapters/local/json-file.ts';
import type { DeadLetter } from '../shared/adapters/local/local-queue.ts';
import type { RelayFailureQueue } from '../shared/ports/operators.ts';
import { dynamoCall } from './dynamodb.ts';
import { type LambdaHandler, lambdaContext, REGION } from './lambda.ts';

/**
 * The table's stream, read from DynamoDB Local's own Streams API and handed to the same relay
 * handler Lambda runs, as a DynamoDB event source mapping would: every shard (new ones appear as
 * the stream rolls over; a child waits for its parent), in order, from a checkpoint kept per shard
 * in the data folder (TRIM_HORIZON for a shard never seen). A reported failure makes the next
 * attempt start at the failed record; after `maxAttempts` the record's position is parked in the
 * relay's dead-letter list, so one poison item cannot stop the stream for good. As in AWS, the dead
 * letter is the event source mapping's on-failure message (shard, sequence numbers, arrival times),
 * not the record: the outbox item stays in the table for `kith outbox republish`.
 */
export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  /** JSON file for the checkpoints and the relay's dead letters. */
  stateFile: string;
  handler: LambdaHandler<DynamoDBStreamEvent, SQSBatchResponse | undefined>;
  functionName?: string;
  batchSize?: number;
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
  onDeadLetter?: (letter: DeadLetter) => void;
  /**
   * The stack's clock (the local stack's can be moved): dead letters date records by it, as the
   * events in them are dated, so a republish finds them. Default: the real time.
   */
  clock?: { now(): Date };
}

export interface PollOutcome {
  /** Records handed to the handler (including ones that failed). */
  records: number;
  /** When a shard is backing off after a failure, the time (ms) it will be tried again. */
  retryAt?: number;
}

export interface StreamPoller {
  poll(): Promise<PollOutcome>;
  deadLetters(): DeadLetter[];
  clearDeadLetters(): number;
  /** Deletes the named dead letters; returns how many there were. */
  removeDeadLetters(ids: readonly string[]): number;
}

interface ShardState {
  /** Last sequence number handled (absent: from TRIM_HORIZON). */
  after?: string;
  /** Closed and read to the end. */
  done?: boolean;
}

interface State {
  streams: Record<string, { shards: Record<string, ShardState> }>;
  deadLetters: DeadLetter[];
}

export function createStreamPoller(options: StreamPollerOptions): StreamPoller {
  const client = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const functionName = options.functionName ?? 'outbox-relay';
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? ((n: number) => Math.min(100 * 2 ** (n - 1), 5_000));
  const state = jsonFile<State>(options.stateFile, () => ({ streams: {}, deadLetters: [] }));
  const iterators = new Map<string, string>();
  const retries = new Map<string, { sequence: string; attempts: number; notBefore: number }>();
  let streamArn: string | undefined;

  const shardsOf = (arn: string) =>
    state.update((s) => {
      s.streams[arn] ??= { shards: {} };
      return s.streams[arn].shards;
    });
  const saveShard = (arn: string, shardId: string, change: Partial<ShardState>) =>
    state.update((s) => {
      s.streams[arn] ??= { shards: {} };
      const shards = s.streams[arn].shards;
      shards[shardId] = { ...shards[shardId], ...change };
    });

  async function currentStreamArn(): Promise<string> {
    if (streamArn) return streamArn;
    const out = await dynamoCall<{ Table?: { LatestStreamArn?: string } }>(options.endpoint, 'DescribeTable', {
      TableName: options.tableName,
    });
    if (!out.Table?.LatestStreamArn) throw new Error(`Table ${options.tableName} has no stream`);
    streamArn = out.Table.LatestStreamArn;
    return streamArn;
  }

  async function listShards(arn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await client.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }));
      shards.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  async function iteratorFor(arn: string, shardId: string, checkpoint: ShardState): Promise<string | undefined> {
    const cached = iterators.get(shardId);
    if (cached) return cached;
    try {
      const out = await client.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shardId,
          ...(checkpoint.after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint.after }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return out.ShardIterator;
    } catch (error) {
      // The checkpoint fell out of the 24 h retention window: read what is left.
      if ((error as Error).name === 'TrimmedDataAccessException' && checkpoint.after) {
        saveShard(arn, shardId, { after: undefined });
        return iteratorFor(arn, shardId, {});
      }
      throw error;
    }
  }

  /** Reads one batch from a shard and hands it to the relay, counting what it handed in `outcome`. */
  async function pollShard(arn: string, shard: Shard, checkpoint: ShardState, outcome: PollOutcome): Promise<void> {
    const shardId = shard.ShardId!;
    const retry = retries.get(shardId);
    if (retry && retry.notBefore > Date.now()) {
      outcome.retryAt = Math.min(outcome.retryAt ?? Number.POSITIVE_INFINITY, retry.notBefore);
      return;
    }
    const iterator = await iteratorFor(arn, shardId, checkpoint);
    if (!iterator) {
      saveShard(arn, shardId, { done: true });
      return;
    }
    let out: GetRecordsCommandOutput;
    try {
      out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
    } catch (error) {
      iterators.delete(shardId);
      if (['ExpiredIteratorException', 'TrimmedDataAccessException'].includes((error as Error).name)) return;
      throw error;
    }
    const records = (out.Records ?? []).map((r) => toLambdaRecord(r, arn));
    if (records.length) {
      outcome.records += records.length;
      const failedAt = await handleBatch(records);
      if (failedAt !== undefined) {
        iterators.delete(shardId);
        const handled = records.slice(0, failedAt);
        const last = handled.at(-1)?.dynamodb?.SequenceNumber;
        if (last) saveShard(arn, shardId, { after: last });
        const failed = records[failedAt]!;
        const sequence = failed.dynamodb?.SequenceNumber ?? '';
        const attempts = retry && retry.sequence === sequence ? retry.attempts + 1 : 1;
        if (attempts >= maxAttempts) {
          retries.delete(shardId);
          saveShard(arn, shardId, { after: sequence });
          park(failed, attempts, shardId);
        } else {
          retries.set(shardId, { sequence, attempts, notBefore: Date.now() + backoffMs(attempts) });
          outcome.retryAt = Math.min(outcome.retryAt ?? Number.POSITIVE_INFINITY, Date.now() + backoffMs(attempts));
        }
        return;
      }
      retries.delete(shardId);
      saveShard(arn, shardId, { after: records.at(-1)!.dynamodb!.SequenceNumber! });
    }
    if (out.NextShardIterator) iterators.set(shardId, out.NextShardIterator);
    else {
      iterators.delete(shardId);
      saveShard(arn, shardId, { done: true });
    }
  }

  /** The index of the first record to retry, or undefined when the batch succeeded. */
  async function handleBatch(records: DynamoDBRecord[]): Promise<number | undefined> {
    try {
      const response = await options.handler({ Records: records }, lambdaContext(functionName, 60_000));
      const failures = response?.batchItemFailures ?? [];
      if (!failures.length) return undefined;
      const indexes = failures.map((f) => records.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier));
      // A failure that names no record of the batch fails the whole batch, as Lambda does.
      return indexes.some((i) => i < 0) ? 0 : Math.min(...indexes);
    } catch {
      return 0;
    }
  }

  function park(record: DynamoDBRecord, attempts: number, shardId: string) {
    const shift = options.clock ? options.clock.now().getTime() - Date.now() : 0;
    const arrival = new Date((record.dynamodb?.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000 + shift);
    const sequence = record.dynamodb?.SequenceNumber ?? '';
    const letter: DeadLetter = {
      queue: functionName,
      messageId: sequence,
      body: JSON.stringify(onFailureMessage({ record, shardId, attempts, functionName, arrival })),
      attributes: {},
      receiveCount: attempts,
      sentAt: arrival.toISOString(),
      movedAt: new Date().toISOString(),
    };
    state.update((s) => s.deadLetters.push(letter));
    options.onDeadLetter?.(letter);
  }

  return {
    async poll() {
      const arn = await currentStreamArn();
      const shards = await listShards(arn);
      const known = shardsOf(arn);
      const outcome: PollOutcome = { records: 0 };
      const present = new Set(shards.map((s) => s.ShardId));
      for (const shard of shards) {
        if (!shard.ShardId) continue;
        const checkpoint = known[shard.ShardId] ?? {};
        if (checkpoint.done) continue;
        // Parents first: a child shard's records come after everything in its parent.
        const parent = shard.ParentShardId;
        if (parent && present.has(parent) && !known[parent]?.done) continue;
        await pollShard(arn, shard, checkpoint, outcome);
      }
      return outcome;
    },
    deadLetters: () => structuredClone(state.read().deadLetters),
    clearDeadLetters: () =>
      state.update((s) => {
        const count = s.deadLetters.length;
        s.deadLetters = [];
        return count;
      }),
    removeDeadLetters: (ids) => removeLetters(state, ids),
  };
}

function removeLetters(state: JsonFile<State>, ids: readonly string[]): number {
  const gone = new Set(ids);
  return state.update((s) => {
    const before = s.deadLetters.length;
    s.deadLetters = s.deadLetters.filter((l) => !gone.has(l.messageId));
    return before - s.deadLetters.length;
  });
}

/**
 * The relay's dead letters in a stopped local stack's data folder (`<data>/stream.json`), for the
 * operator CLI, which holds the folder's lock meanwhile. A running stack serves them at `/_dev/dlq`.
 */
export function relayDeadLetterFile(stateFile: string): RelayFailureQueue {
  const state = jsonFile<State>(stateFile, () => ({ streams: {}, deadLetters: [] }));
  return {
    list: async () => state.read().deadLetters.map((l) => ({ id: l.messageId, body: l.body })),
    remove: async (ids) => void removeLetters(state, ids),
    release: async () => {},
  };
}

/**
 * What Lambda sends to a stream event source mapping's on-failure destination when it gives up on
 * records (AWS Lambda developer guide, "Retaining discarded batches"), for one record: where it was
 * and when it arrived, not its content. DynamoDB's arrival times are whole seconds.
 */
function onFailureMessage(input: {
  record: DynamoDBRecord;
  shardId: string;
  attempts: number;
  functionName: string;
  arrival: Date;
}) {
  const { record, arrival } = input;
  const at = `${arrival.toISOString().slice(0, 19)}Z`;
  const sequence = record.dynamodb?.SequenceNumber ?? '';
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: `arn:aws:lambda:${REGION}:000000000000:function:${input.functionName}`,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: input.attempts,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: sequence,
      endSequenceNumber: sequence,
      approximateArrivalOfFirstRecord: at,
      approximateArrivalOfLastRecord: at,
      batchSize: 1,
      streamArn: record.eventSourceARN ?? '',
    },
  };
}

/** A Streams API record in the shape Lambda's DynamoDB event source delivers. */
function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? REGION,
    dynamodb: {
      ...(d.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      ...(d.Keys ? { Keys: toLambdaImage(d.Keys) } : {}),
      ...(d.NewImage ? { NewImage: toLambdaImage(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: toLambdaImage(d.OldImage) } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
    eventSourceARN: streamArn,
  };
}

function toLambdaImage(image: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaValue(v)]));
}

/** Same JSON as the wire format; binary values as base64 strings, as Lambda delivers them. */
function toLambdaValue(value: AttributeValue): LambdaAttributeValue {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  if (value.B !== undefined) return { B: b64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(b64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  return value as LambdaAttributeValue;
}
