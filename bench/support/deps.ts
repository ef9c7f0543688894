import { createDynamoCheckinRepository } from '../../shared/adapters/aws/dynamo/checkin-repository.ts';
import { createDynamoDeliveryLog } from '../../shared/adapters/aws/dynamo/delivery-log.ts';
import { createDynamoEscalationRepository } from '../../shared/adapters/aws/dynamo/escalation-repository.ts';
import { createDynamoFacilitatorRepository } from '../../shared/adapters/aws/dynamo/facilitator-repository.ts';
import { createDynamoHeartbeatStore } from '../../shared/adapters/aws/dynamo/heartbeat-store.ts';
import { createDynamoMemberRepository } from '../../shared/adapters/aws/dynamo/member-repository.ts';
import { createDynamoSessionRepository } from '../../shared/adapters/aws/dynamo/session-repository.ts';
import { createHmacTokenCodec } from '../../shared/adapters/hmac-token-codec.ts';
import { createUlids } from '../../shared/adapters/ids.ts';
import { createDeliveryLinks } from '../../shared/adapters/links.ts';
import type { DomainEvent } from '../../shared/domain/events.ts';
import type { Mailer, TimerRequest } from '../../shared/ports/index.ts';
import {
  exampleOrg,
  recordingMailer,
  settableClock,
  TEST_BASE_URL,
  TEST_TOKEN_KEY,
  TEST_WEBHOOK_PREVIOUS_SECRET,
  TEST_WEBHOOK_SECRET,
  type TestDeps,
} from '../../test/support/deps.ts';
import type { CountingTable } from './dynamo.ts';

export type BenchDeps = TestDeps & { table: CountingTable };

/**
 * The tests' full Deps (test/support/deps.ts) on a counting table of the bench's DynamoDB Local:
 * real repositories, token codec and ids; recording fakes for mail, SMS, topics and the scheduler
 * (or the mailer given, e.g. the real SES adapter against the local SES stand-in).
 */
export function benchDeps(table: CountingTable, options: { mail?: Mailer; now?: string } = {}): BenchDeps {
  const clock = settableClock(options.now);
  const org = exampleOrg();
  const timers = new Map<string, TimerRequest>();
  const smsSent: { to: string; body: string }[] = [];
  const published: DomainEvent[] = [];
  const mail = recordingMailer();
  return {
    table,
    org,
    clock,
    ids: createUlids(clock),
    tokens: createHmacTokenCodec({ clock, keys: async () => [TEST_TOKEN_KEY] }),
    links: createDeliveryLinks(TEST_BASE_URL),
    members: createDynamoMemberRepository(table, clock),
    facilitators: createDynamoFacilitatorRepository(table),
    sessions: createDynamoSessionRepository(table, clock),
    checkins: createDynamoCheckinRepository(table, { clock, months: org.retention.checkinAnswersMonths }),
    deliveries: createDynamoDeliveryLog(table, clock),
    escalations: createDynamoEscalationRepository(table, createUlids(clock)),
    webhookSecrets: { keys: async () => [TEST_WEBHOOK_SECRET, TEST_WEBHOOK_PREVIOUS_SECRET] },
    heartbeats: createDynamoHeartbeatStore(table),
    mail: options.mail ? Object.assign(mail, { send: options.mail.send, isSuppressed: options.mail.isSuppressed }) : mail,
    sms: {
      sent: smsSent,
      async send(to, body) {
        smsSent.push({ to, body });
        return { messageId: `bench-sms-${smsSent.length}` };
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
