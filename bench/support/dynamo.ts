import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as lib from '@aws-sdk/lib-dynamodb';
import { type DynamoLocal, ensureTable, startDynamoLocal } from '../../local/dynamodb.ts';
import { createDocumentClient, type TableRef } from '../../shared/adapters/aws/dynamo/document-client.ts';
import { tableDefinition } from '../../shared/table-definition.ts';

/** One DynamoDB Local for the whole bench run (stopped when the process exits). */
let local: Promise<DynamoLocal> | undefined;
export function benchDynamo(): Promise<DynamoLocal> {
  local ??= startDynamoLocal();
  return local;
}

export async function stopBenchDynamo(): Promise<void> {
  if (local) await (await local).stop();
  local = undefined;
}

/** One DynamoDB call as the document client sent it, with what it consumed. */
export interface DynamoCall {
  command: string;
  input: Record<string, unknown>;
  /** Capacity units DynamoDB Local reported (ReturnConsumedCapacity TOTAL); 0 when it reported none. */
  localUnits: number;
  /** Read and write request units the service would charge on demand, from item sizes and the published rules. */
  service: { rru: number; wru: number };
  ok: boolean;
}

export interface CountingTable extends TableRef {
  endpoint: string;
  /** Every call since the last `take()`. */
  take(): DynamoCall[];
  /** Stop recording inputs (latency runs); counting goes on. */
  recordInputs: boolean;
}

const GSIS = tableDefinition.globalSecondaryIndexes;

/**
 * A fresh table on the bench's DynamoDB Local, with a document client that counts every call by an
 * SDK middleware: it asks for ReturnConsumedCapacity TOTAL, records the command, its input (for
 * replay) and the units DynamoDB Local reported, and computes what the service would charge.
 */
export async function countingTable(): Promise<CountingTable> {
  const ddb = await benchDynamo();
  const tableName = `bench-${randomUUID()}`;
  await ensureTable(ddb.endpoint, tableName);
  const client = createDocumentClient({
    endpoint: ddb.endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let calls: DynamoCall[] = [];
  const table: CountingTable = {
    client,
    tableName,
    endpoint: ddb.endpoint,
    recordInputs: true,
    take() {
      const out = calls;
      calls = [];
      return out;
    },
  };
  addCounter(
    client,
    (call) => calls.push(call),
    () => table.recordInputs,
  );
  return table;
}

/** The document client's command for each low-level command name the middleware sees. */
const DOCUMENT_COMMAND: Record<string, string> = {
  GetItemCommand: 'GetCommand',
  PutItemCommand: 'PutCommand',
  UpdateItemCommand: 'UpdateCommand',
  DeleteItemCommand: 'DeleteCommand',
  QueryCommand: 'QueryCommand',
  ScanCommand: 'ScanCommand',
  BatchGetItemCommand: 'BatchGetCommand',
  BatchWriteItemCommand: 'BatchWriteCommand',
  TransactWriteItemsCommand: 'TransactWriteCommand',
  TransactGetItemsCommand: 'TransactGetCommand',
};

function addCounter(client: DynamoDBDocumentClient, record: (call: DynamoCall) => void, keepInputs: () => boolean) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const low = String(context.commandName ?? 'Unknown');
      const command = DOCUMENT_COMMAND[low] ?? low;
      const input = args.input as Record<string, unknown>;
      const snapshot = keepInputs() ? structuredClone(input) : {};
      try {
        const result = await next(args);
        const output = result.output as Record<string, unknown>;
        const local = localUnits(output.ConsumedCapacity);
        record({
          command,
          input: snapshot,
          localUnits: local,
          service: atLeastLocal(command, serviceUnits(command, input, output), local),
          ok: true,
        });
        return result;
      } catch (error) {
        // A failed condition or a cancelled transaction is still charged by the service.
        record({ command, input: snapshot, localUnits: 0, service: serviceUnits(command, input, {}), ok: false });
        throw error;
      }
    },
    { step: 'initialize', name: 'benchCounter', override: true },
  );
  // After the document client has marshalled the input (it builds a new one), before serializing.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (DOCUMENT_COMMAND[String(context.commandName)]) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      return next(args);
    },
    { step: 'serialize', priority: 'high', name: 'benchConsumedCapacity', override: true },
  );
}

const READS = new Set(['GetCommand', 'QueryCommand', 'ScanCommand', 'BatchGetCommand', 'TransactGetCommand']);

/**
 * DynamoDB Local knows the real item sizes (an update's old image, every GSI) but not the service's
 * transaction doubling: the figure kept is the larger of the computed one and Local's report.
 */
function atLeastLocal(command: string, computed: { rru: number; wru: number }, local: number) {
  return READS.has(command)
    ? { rru: Math.max(computed.rru, local), wru: 0 }
    : { rru: computed.rru, wru: Math.max(computed.wru, local) };
}

function localUnits(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, c) => sum + Number((c as { CapacityUnits?: number }).CapacityUnits ?? 0), 0);
}

/** Approximate DynamoDB item size: attribute names plus values (strings as UTF-8, numbers ~ digits / 2 + 1). */
export function itemBytes(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).length / 2) + 1;
  if (typeof value === 'boolean') return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value) || value instanceof Set) return 3 + [...value].reduce((s: number, v) => s + itemBytes(v) + 1, 0);
  return 3 + Object.entries(value as Record<string, unknown>).reduce((s, [k, v]) => s + Buffer.byteLength(k) + itemBytes(v), 0);
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const kb4 = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
/** GSIs an item is written to (it carries that index's partition key). */
const gsiCount = (item: Record<string, unknown> | undefined) =>
  item ? GSIS.filter((g) => item[g.partitionKey] !== undefined).length : 0;
/** Writes that set a GSI key in an update expression also write that index. */
const gsiInUpdate = (expression: unknown) =>
  typeof expression === 'string'
    ? GSIS.filter((g) => expression.includes(g.partitionKey) || expression.includes(g.sortKey)).length
    : 0;

/**
 * What the service charges on demand (published rules): a write is 1 WRU per KB of the item
 * (an update: of the larger image, taken here as the written attributes, at least 1 KB), plus 1 WRU
 * per KB for each GSI the item is in; a transactional write is 2 WRU per KB per item (ConditionCheck
 * included); a strongly consistent read is 1 RRU per 4 KB, eventually consistent 0.5, transactional
 * 2; a Query is charged on the summed size of the items it returns. DynamoDB Local reports single
 * operations much like the service but not transactions' doubling nor GSI writes, so these are
 * computed here from the items' sizes.
 */
function serviceUnits(command: string, input: Record<string, unknown>, output: Record<string, unknown>) {
  const consistent = input.ConsistentRead === true;
  const read = (bytes: number) => (consistent ? 1 : 0.5) * kb4(bytes);
  switch (command) {
    case 'GetCommand':
      return { rru: read(itemBytes(output.Item ?? {})), wru: 0 };
    case 'QueryCommand':
    case 'ScanCommand': {
      const items = (output.Items as unknown[] | undefined) ?? [];
      return { rru: read(items.reduce((s: number, i) => s + itemBytes(i), 0)), wru: 0 };
    }
    case 'BatchGetCommand': {
      const responses = Object.values((output.Responses as Record<string, unknown[]>) ?? {}).flat();
      return { rru: responses.reduce((s: number, i) => s + read(itemBytes(i)), 0), wru: 0 };
    }
    case 'PutCommand': {
      const item = input.Item as Record<string, unknown>;
      const size = kb(itemBytes(item));
      return { rru: 0, wru: size * (1 + gsiCount(item)) };
    }
    case 'UpdateCommand': {
      const size = kb(itemBytes(input.ExpressionAttributeValues ?? {}) + itemBytes(input.Key));
      return { rru: 0, wru: size * (1 + gsiInUpdate(input.UpdateExpression)) };
    }
    case 'DeleteCommand':
      return { rru: 0, wru: 1 };
    case 'BatchWriteCommand': {
      const requests = Object.values(
        (input.RequestItems as Record<string, Record<string, { Item?: Record<string, unknown> }>[]>) ?? {},
      ).flat();
      return {
        rru: 0,
        wru: requests.reduce(
          (s, r) => s + (r.PutRequest?.Item ? kb(itemBytes(r.PutRequest.Item)) * (1 + gsiCount(r.PutRequest.Item)) : 1),
          0,
        ),
      };
    }
    case 'TransactWriteCommand': {
      let wru = 0;
      for (const entry of (input.TransactItems as Record<string, Record<string, unknown>>[]) ?? []) {
        if (entry.Put) {
          const item = entry.Put.Item as Record<string, unknown>;
          wru += 2 * kb(itemBytes(item)) + kb(itemBytes(item)) * gsiCount(item);
        } else if (entry.Update) {
          const size = kb(itemBytes(entry.Update.ExpressionAttributeValues ?? {}) + itemBytes(entry.Update.Key));
          wru += 2 * size + size * gsiInUpdate(entry.Update.UpdateExpression);
        } else wru += 2; // Delete, ConditionCheck
      }
      return { rru: 0, wru };
    }
    case 'TransactGetCommand': {
      const responses = (output.Responses as { Item?: unknown }[] | undefined) ?? [];
      return { rru: responses.reduce((s: number, r) => s + 2 * kb4(itemBytes(r.Item ?? {})), 0), wru: 0 };
    }
    default:
      return { rru: 0, wru: 0 };
  }
}

/** Sends a recorded call again through the same client (the "raw SDK" baseline of a request). */
/** Sends one recorded call again; false when DynamoDB refused it (a failed condition, a cancelled transaction). */
export async function replay(client: DynamoDBDocumentClient, call: DynamoCall): Promise<boolean> {
  const Command = (lib as unknown as Record<string, new (input: unknown) => Parameters<DynamoDBDocumentClient['send']>[0]>)[
    call.command
  ];
  if (!Command) throw new Error(`cannot replay ${call.command}`);
  try {
    await client.send(new Command(call.input));
    return true;
  } catch {
    return false;
  }
}

/** The items a recorded call puts (Put, the Puts of a transaction, the PutRequests of a batch), with their table. */
function itemsPut(call: DynamoCall): { table: string; item: Record<string, unknown> }[] {
  const input = call.input as {
    TableName?: string;
    Item?: Record<string, unknown>;
    TransactItems?: { Put?: { TableName: string; Item: Record<string, unknown> } }[];
    RequestItems?: Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>;
  };
  if (call.command === 'PutCommand' && input.Item && input.TableName) return [{ table: input.TableName, item: input.Item }];
  if (call.command === 'TransactWriteCommand')
    return (input.TransactItems ?? []).flatMap((t) => (t.Put ? [{ table: t.Put.TableName, item: t.Put.Item }] : []));
  if (call.command === 'BatchWriteCommand')
    return Object.entries(input.RequestItems ?? {}).flatMap(([table, requests]) =>
      requests.flatMap((r) => (r.PutRequest ? [{ table, item: r.PutRequest.Item }] : [])),
    );
  return [];
}

/** The keys a recorded call updates in place (Update, the Updates of a transaction), with their table. */
function keysUpdated(call: DynamoCall): { table: string; key: Record<string, unknown> }[] {
  const input = call.input as {
    TableName?: string;
    Key?: Record<string, unknown>;
    TransactItems?: { Update?: { TableName: string; Key: Record<string, unknown> } }[];
  };
  if (call.command === 'UpdateCommand' && input.Key && input.TableName) return [{ table: input.TableName, key: input.Key }];
  if (call.command === 'TransactWriteCommand')
    return (input.TransactItems ?? []).flatMap((t) => (t.Update ? [{ table: t.Update.TableName, key: t.Update.Key }] : []));
  return [];
}

/** The items a request updated in place, as they were just after it: what each replay starts from. */
export interface ReplayStart {
  updated: { table: string; key: Record<string, unknown>; item: Record<string, unknown> | undefined }[];
}

/** Read right after the recorded request (untimed), before other requests change those items. */
export async function replayStart(client: DynamoDBDocumentClient, calls: DynamoCall[]): Promise<ReplayStart> {
  const updated = await Promise.all(
    calls.flatMap(keysUpdated).map(async ({ table, key }) => ({
      table,
      key,
      item: (await client.send(new lib.GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item,
    })),
  );
  return { updated };
}

/**
 * One request's recorded calls sent again as that request first sent them. Untimed, before each
 * replay: the items it created are deleted and the items it updated are put back as they were just
 * after it, so its conditions hold again (the new booking's place is still free, its keys unused)
 * and a transaction commits instead of being cancelled early, which is cheaper and would flatter
 * the raw baseline. Returns the milliseconds of the calls alone and whether every call succeeded.
 */
export async function replayRequest(
  client: DynamoDBDocumentClient,
  calls: DynamoCall[],
  start: ReplayStart,
): Promise<{ ms: number; ok: boolean }> {
  for (const { table, item } of calls.flatMap(itemsPut)) {
    const Key = {
      [tableDefinition.partitionKey]: item[tableDefinition.partitionKey],
      [tableDefinition.sortKey]: item[tableDefinition.sortKey],
    };
    await client.send(new lib.DeleteCommand({ TableName: table, Key }));
  }
  for (const { table, key, item } of start.updated) {
    if (item) await client.send(new lib.PutCommand({ TableName: table, Item: item }));
    else await client.send(new lib.DeleteCommand({ TableName: table, Key: key }));
  }
  let ok = true;
  const t0 = performance.now();
  for (const call of calls) ok = (await replay(client, call)) && ok;
  return { ms: performance.now() - t0, ok };
}
