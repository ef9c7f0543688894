import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { streamRelay } from '../functions/routes.ts';
import { stackName } from '../infra/kith-stack.ts';
import { loadOrg } from '../infra/load-org.ts';
import { ensureTable, startDynamoLocal } from '../local/dynamodb.ts';
import { REGION } from '../local/lambda.ts';
import { loadLocalSecrets, localWebhookSecretStore } from '../local/secrets.ts';
import { claimDataDirForTool, type LocalEndpoints, runningLocalStack, TABLE_NAME } from '../local/stack.ts';
import { relayDeadLetterFile } from '../local/stream-poller.ts';
import { createCloudFormationOutputs } from '../shared/adapters/aws/cloudformation-outputs.ts';
import { createDocumentClient, type TableRef } from '../shared/adapters/aws/dynamo/document-client.ts';
import { createDynamoEscalationRepository } from '../shared/adapters/aws/dynamo/escalation-repository.ts';
import { createDynamoFacilitatorRepository } from '../shared/adapters/aws/dynamo/facilitator-repository.ts';
import { createDynamoMemberRepository } from '../shared/adapters/aws/dynamo/member-repository.ts';
import { createDynamoOperatorStore } from '../shared/adapters/aws/dynamo/operator-store.ts';
import { createSqsRelayFailureQueue } from '../shared/adapters/aws/relay-failure-queue.ts';
import { createSecretsManagerStore } from '../shared/adapters/aws/secret-store.ts';
import { createSecretKeys } from '../shared/adapters/aws/secrets.ts';
import { createHmacTokenCodec } from '../shared/adapters/hmac-token-codec.ts';
import { createUlids, systemClock } from '../shared/adapters/ids.ts';
import { createDeliveryLinks } from '../shared/adapters/links.ts';
import { createControllableClock } from '../shared/adapters/local/controllable-clock.ts';
import type { Clock, Deps } from '../shared/ports/index.ts';
import type {
  OperatorStore,
  OutboxStore,
  RelayFailureQueue,
  RotatingSecretStore,
  StackOutputsReader,
} from '../shared/ports/operators.ts';
import { type StackOutputName, stackOutputs } from '../shared/stack-outputs.ts';
import { createDynamoOutboxStore } from './outbox-store.ts';

/** Everything a CLI command may use, for one stack: deployed (`--org`) or local (`--local`). */
export interface OperatorTarget {
  /** `Kith-riverside in eu-west-2`, `the local stack in .kith`. */
  description: string;
  deps: Pick<Deps, 'org' | 'members' | 'facilitators' | 'escalations' | 'ids' | 'clock' | 'tokens' | 'links'>;
  operator: OperatorStore;
  webhookSecret: RotatingSecretStore;
  outbox: OutboxStore;
  /** What the outbox relay gave up on (deployed: its on-failure SQS queue; local: the stream poller's dead letters). */
  relayFailures: RelayFailureQueue;
  /** Base URL of the pages (links the CLI prints). */
  publicUrl: string;
  close(): Promise<void>;
}

export class TargetError extends Error {
  override name = 'TargetError';
}

function depsFor(
  org: ReturnType<typeof loadOrg>,
  table: TableRef,
  clock: Clock,
  links: { publicUrl: string; tokenKeys: () => Promise<readonly string[]> },
): OperatorTarget['deps'] {
  const ids = createUlids(clock);
  return {
    org,
    clock,
    ids,
    escalations: createDynamoEscalationRepository(table, ids),
    // The same signing key and base URL as the stack's functions, so links the CLI prints work there.
    tokens: createHmacTokenCodec({ clock, keys: links.tokenKeys }),
    links: createDeliveryLinks(links.publicUrl),
    members: createDynamoMemberRepository(table, clock),
    facilitators: createDynamoFacilitatorRepository(table),
  };
}

/**
 * The local stack's data folder. While `npm start` runs on it, the CLI uses that stack's DynamoDB
 * Local (from `<data>/endpoints.json`); otherwise it starts DynamoDB Local on the folder itself and
 * holds the folder's lock until it is done, so `npm start` cannot open the same files meanwhile.
 */
export async function localTarget(options: { dataDir: string; org?: string }): Promise<OperatorTarget> {
  const dataDir = resolve(options.dataDir);
  const org = loadOrg(options.org ?? 'example');
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const clock = createControllableClock(join(dataDir, 'clock.json'));
  const running = runningLocalStack(dataDir);
  let endpoint: string;
  let tableName = TABLE_NAME;
  let publicUrl = 'http://127.0.0.1:3000';
  let stop = async () => {};
  if (running) {
    endpoint = running.dynamodb;
    tableName = running.tableName;
    publicUrl = running.url;
  } else {
    mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
    const release = claimDataDirForTool(dataDir);
    try {
      const dynamo = await startDynamoLocal({ dbPath: join(dataDir, 'dynamodb') });
      endpoint = dynamo.endpoint;
      stop = async () => {
        await dynamo.stop();
        release();
      };
      await ensureTable(endpoint, tableName);
    } catch (error) {
      release();
      throw error;
    }
  }
  const table: TableRef = { client: createDocumentClient({ endpoint, region: REGION, credentials }), tableName };
  return {
    description: running ? `the local stack at ${running.url} (data in ${dataDir})` : `the local data in ${dataDir}`,
    deps: depsFor(org, table, clock, {
      publicUrl,
      tokenKeys: async () => loadLocalSecrets(join(dataDir, 'secrets.json')).tokenKeys,
    }),
    operator: createDynamoOperatorStore(table),
    outbox: createDynamoOutboxStore(table),
    webhookSecret: localWebhookSecretStore(join(dataDir, 'secrets.json')),
    relayFailures: running ? runningRelayFailures(running) : relayDeadLetterFile(join(dataDir, 'stream.json')),
    publicUrl,
    close: async () => {
      table.client.destroy();
      await stop();
    },
  };
}

/**
 * A deployed `Kith-<slug>`: the account and region come from config/orgs/<slug>.json, everything
 * else from the stack's outputs, with the operator's own AWS credentials.
 */
export async function deployedTarget(
  slug: string,
  reader: StackOutputsReader = createCloudFormationOutputs(),
): Promise<OperatorTarget> {
  const org = loadOrg(slug);
  const name = stackName(org);
  const region = org.aws.region;
  const outputs = await reader.read(name, region);
  const need = (key: StackOutputName) => {
    const value = outputs[stackOutputs[key]];
    if (!value)
      throw new TargetError(`${name} in ${region} has no output ${stackOutputs[key]}: deploy the current version first`);
    return value;
  };
  const table: TableRef = { client: createDocumentClient({ region }), tableName: need('tableName') };
  const secrets = new SecretsManagerClient({ region });
  const sqs = new SQSClient({ region });
  let relayFailures: RelayFailureQueue | undefined;
  // Created on first use, so stacks deployed before the output existed still serve other commands.
  const relayQueue = () => {
    relayFailures ??= createSqsRelayFailureQueue(sqs, need('relayFailuresQueueUrl'));
    return relayFailures;
  };
  return {
    description: `${name} in ${region}`,
    deps: depsFor(org, table, systemClock, {
      publicUrl: need('publicUrl'),
      // Read only by commands that sign links (form-link), so older stacks still serve the rest.
      tokenKeys: () => createSecretKeys(secrets, need('tokenSecretArn'))(),
    }),
    operator: createDynamoOperatorStore(table),
    outbox: createDynamoOutboxStore(table),
    webhookSecret: createSecretsManagerStore(secrets, need('webhookSecretArn')),
    relayFailures: {
      list: async () => relayQueue().list(),
      remove: async (ids) => relayQueue().remove(ids),
      release: async (ids) => relayQueue().release(ids),
    },
    publicUrl: need('publicUrl'),
    close: async () => {
      table.client.destroy();
      secrets.destroy();
      sqs.destroy();
    },
  };
}

/** The relay's dead letters of a running local stack, through its `/_dev/dlq` routes (it holds them in memory). */
function runningRelayFailures(running: LocalEndpoints): RelayFailureQueue {
  const call = async (method: string, query = '') => {
    const response = await fetch(`${running.url}/_dev/dlq${query}`, { method });
    if (!response.ok) throw new TargetError(`the local stack answered ${response.status} to ${method} /_dev/dlq`);
    return (await response.json()) as { messages?: { queue: string; messageId: string; body: string }[] };
  };
  return {
    async list() {
      const { messages = [] } = await call('GET');
      return messages.filter((m) => m.queue === streamRelay.name).map((m) => ({ id: m.messageId, body: m.body }));
    },
    async remove(ids) {
      if (!ids.length) return;
      const query = new URLSearchParams([['queue', streamRelay.name], ...ids.map((id) => ['messageId', id] as [string, string])]);
      await call('DELETE', `?${query}`);
    },
    release: async () => {},
  };
}
