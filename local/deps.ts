import { join } from 'node:path';
import { createDynamoCheckinRepository } from '../shared/adapters/aws/dynamo/checkin-repository.ts';
import { createDynamoDeliveryLog } from '../shared/adapters/aws/dynamo/delivery-log.ts';
import { createDocumentClient, type TableRef } from '../shared/adapters/aws/dynamo/document-client.ts';
import { createDynamoEscalationRepository } from '../shared/adapters/aws/dynamo/escalation-repository.ts';
import { createDynamoFacilitatorRepository } from '../shared/adapters/aws/dynamo/facilitator-repository.ts';
import { createDynamoHeartbeatStore } from '../shared/adapters/aws/dynamo/heartbeat-store.ts';
import { createDynamoMemberRepository } from '../shared/adapters/aws/dynamo/member-repository.ts';
import { createDynamoSessionRepository } from '../shared/adapters/aws/dynamo/session-repository.ts';
import { createHmacTokenCodec } from '../shared/adapters/hmac-token-codec.ts';
import { createUlids } from '../shared/adapters/ids.ts';
import { createDeliveryLinks } from '../shared/adapters/links.ts';
import { type ControllableClock, createControllableClock } from '../shared/adapters/local/controllable-clock.ts';
import { createLocalScheduler, type LocalScheduler } from '../shared/adapters/local/local-scheduler.ts';
import { createOutboxMailer, type OutboxMailer } from '../shared/adapters/local/outbox-mailer.ts';
import { createSmsOutbox, type SmsOutbox } from '../shared/adapters/local/outbox-sms.ts';
import type { OrgConfig } from '../shared/domain/org/org-config.ts';
import type { Deps, EventPublisher } from '../shared/ports/index.ts';
import { REGION } from './lambda.ts';
import type { LocalSecrets } from './secrets.ts';

/**
 * The local composition root (never deployed): the real DynamoDB adapters against DynamoDB
 * Local, the real token codec and ids, and local stand-ins only where AWS has no local engine
 * (SES → outbox, SNS SMS → outbox, Scheduler → timer store, SNS topics → local queues).
 */
export interface LocalDeps extends Deps {
  clock: ControllableClock;
  mail: OutboxMailer;
  sms: SmsOutbox;
  scheduler: LocalScheduler;
}

export interface LocalDepsOptions {
  org: OrgConfig;
  dataDir: string;
  endpoint: string;
  tableName: string;
  baseUrl: string;
  secrets: LocalSecrets;
  events: EventPublisher;
}

export function localTable(endpoint: string, tableName: string): TableRef {
  return {
    client: createDocumentClient({ endpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    tableName,
  };
}

export function createLocalDeps(options: LocalDepsOptions): LocalDeps {
  const table = localTable(options.endpoint, options.tableName);
  const clock = createControllableClock(join(options.dataDir, 'clock.json'));
  const ids = createUlids(clock);
  return {
    org: options.org,
    clock,
    ids,
    tokens: createHmacTokenCodec({ clock, keys: async () => options.secrets.tokenKeys }),
    links: createDeliveryLinks(options.baseUrl),
    members: createDynamoMemberRepository(table, clock),
    facilitators: createDynamoFacilitatorRepository(table),
    sessions: createDynamoSessionRepository(table, clock),
    checkins: createDynamoCheckinRepository(table, { clock, months: options.org.retention.checkinAnswersMonths }),
    deliveries: createDynamoDeliveryLog(table, clock),
    escalations: createDynamoEscalationRepository(table, ids),
    webhookSecrets: {
      // After `kith webhook-secret rotate --local` (and a restart) the previous secret still verifies.
      keys: async () => [
        options.secrets.webhookSecret,
        ...(options.secrets.previousWebhookSecret ? [options.secrets.previousWebhookSecret] : []),
      ],
    },
    heartbeats: createDynamoHeartbeatStore(table),
    mail: createOutboxMailer({ file: join(options.dataDir, 'outbox.json'), from: options.org.email.from, clock, ids }),
    sms: createSmsOutbox({ file: join(options.dataDir, 'sms.json'), clock, ids }),
    events: options.events,
    scheduler: createLocalScheduler(join(options.dataDir, 'timers.json')),
  };
}
