import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDynamoCheckinRepository } from '../../shared/adapters/aws/dynamo/checkin-repository.ts';
import { createDynamoDeliveryLog } from '../../shared/adapters/aws/dynamo/delivery-log.ts';
import type { TableRef } from '../../shared/adapters/aws/dynamo/document-client.ts';
import { createDynamoEscalationRepository } from '../../shared/adapters/aws/dynamo/escalation-repository.ts';
import { createDynamoFacilitatorRepository } from '../../shared/adapters/aws/dynamo/facilitator-repository.ts';
import { createDynamoHeartbeatStore } from '../../shared/adapters/aws/dynamo/heartbeat-store.ts';
import { createDynamoMemberRepository } from '../../shared/adapters/aws/dynamo/member-repository.ts';
import { createDynamoSessionRepository } from '../../shared/adapters/aws/dynamo/session-repository.ts';
import { createHmacTokenCodec } from '../../shared/adapters/hmac-token-codec.ts';
import { createUlids } from '../../shared/adapters/ids.ts';
import { createDeliveryLinks } from '../../shared/adapters/links.ts';
import type { DomainEvent } from '../../shared/domain/events.ts';
import { type OrgConfig, parseOrgConfig } from '../../shared/domain/org/org-config.ts';
import type {
  Clock,
  Deps,
  EmailMessage,
  EventPublisher,
  Mailer,
  Scheduler,
  SendOptions,
  SmsSender,
  TimerRequest,
} from '../../shared/ports/index.ts';

/** A clock tests move by hand. */
export interface SettableClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function settableClock(start: Date | string = '2026-11-22T10:00:00.000Z'): SettableClock {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (at) => {
      now = new Date(at);
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

/** Records every message; `failNext(n)` makes the next n sends throw (an SES outage). */
export interface RecordingMailer extends Mailer {
  sent: EmailMessage[];
  /** The recipients of the sends marked urgent (safeguarding alerts: SendOptions.urgent). */
  urgentTo: string[];
  /** The options of each send, in order. */
  sendOptions: (SendOptions | undefined)[];
  /** Addresses on the (test) suppression list. */
  suppressed: Set<string>;
  failNext(times?: number): void;
}

export function recordingMailer(): RecordingMailer {
  const sent: EmailMessage[] = [];
  const urgentTo: string[] = [];
  const sendOptions: (SendOptions | undefined)[] = [];
  const suppressed = new Set<string>();
  let failures = 0;
  return {
    sent,
    urgentTo,
    sendOptions,
    suppressed,
    isSuppressed: async (address) => suppressed.has(address),
    failNext(times = 1) {
      failures = times;
    },
    async send(message, options) {
      if (failures > 0) {
        failures--;
        const error = new Error('SES is unavailable (test)');
        error.name = 'TooManyRequestsException';
        throw error;
      }
      sent.push(message);
      sendOptions.push(options);
      if (options?.urgent) urgentTo.push(message.to);
      return { messageId: `test-message-${sent.length}` };
    },
  };
}

export interface RecordingSms extends SmsSender {
  sent: { to: string; body: string }[];
}

export interface RecordingEvents extends EventPublisher {
  published: DomainEvent[];
}

export interface RecordingScheduler extends Scheduler {
  timers: Map<string, TimerRequest>;
}

export const TEST_BASE_URL = 'http://kith.test';
export const TEST_TOKEN_KEY = 'test-token-signing-key-0123456789abcdef';
/** Standard Webhooks secrets (`whsec_` + base64 of 24 bytes): the current one and, in rotation, the previous. */
export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from('kith-test-webhook-secret-1').toString('base64')}`;
export const TEST_WEBHOOK_PREVIOUS_SECRET = `whsec_${Buffer.from('kith-test-webhook-secret-0').toString('base64')}`;

export function exampleOrg(overrides: (org: OrgConfig) => void = () => {}): OrgConfig {
  const path = fileURLToPath(new URL('../../config/orgs/example.json', import.meta.url));
  const org = parseOrgConfig(JSON.parse(readFileSync(path, 'utf8')), path);
  overrides(org);
  return org;
}

export type TestDeps = Deps & {
  clock: SettableClock;
  mail: RecordingMailer;
  sms: RecordingSms;
  events: RecordingEvents;
  scheduler: RecordingScheduler;
  table: TableRef;
};

/**
 * A full `Deps` for tests: real DynamoDB Local repositories on a fresh table, the real HMAC token
 * codec, ULIDs, links to http://kith.test, a settable clock, and small recording fakes for mail,
 * SMS, topics and the scheduler. Every adapter shares the one clock.
 */
export async function testDeps(options: { org?: OrgConfig; table?: TableRef; clock?: SettableClock } = {}): Promise<TestDeps> {
  // Imported here, not at the top: dynamo.ts needs vitest's `inject`, so bench/ (plain node) passes its own table.
  const table = options.table ?? (await (await import('./dynamo.ts')).testTable());
  const clock = options.clock ?? settableClock();
  const timers = new Map<string, TimerRequest>();
  const smsSent: { to: string; body: string }[] = [];
  const published: DomainEvent[] = [];
  return {
    table,
    org: options.org ?? exampleOrg(),
    clock,
    ids: createUlids(clock),
    tokens: createHmacTokenCodec({ clock, keys: async () => [TEST_TOKEN_KEY] }),
    links: createDeliveryLinks(TEST_BASE_URL),
    members: createDynamoMemberRepository(table, clock),
    facilitators: createDynamoFacilitatorRepository(table),
    sessions: createDynamoSessionRepository(table, clock),
    checkins: createDynamoCheckinRepository(table, {
      clock,
      months: (options.org ?? exampleOrg()).retention.checkinAnswersMonths,
    }),
    deliveries: createDynamoDeliveryLog(table, clock),
    escalations: createDynamoEscalationRepository(table, createUlids(clock)),
    webhookSecrets: { keys: async () => [TEST_WEBHOOK_SECRET, TEST_WEBHOOK_PREVIOUS_SECRET] },
    heartbeats: createDynamoHeartbeatStore(table),
    mail: recordingMailer(),
    sms: {
      sent: smsSent,
      async send(to, body) {
        smsSent.push({ to, body });
        return { messageId: `test-sms-${smsSent.length}` };
      },
    },
    events: {
      published,
      async publish(event) {
        published.push(event);
      },
    },
    scheduler: {
      timers,
      async schedule(timer) {
        timers.set(timer.name, timer);
      },
      async cancel(name) {
        timers.delete(name);
      },
    },
  };
}
