import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { createDynamoCheckinRepository } from '../adapters/aws/dynamo/checkin-repository.ts';
import { createDynamoDeliveryLog } from '../adapters/aws/dynamo/delivery-log.ts';
import { createDocumentClient, type TableRef } from '../adapters/aws/dynamo/document-client.ts';
import { createDynamoEscalationRepository } from '../adapters/aws/dynamo/escalation-repository.ts';
import { createDynamoFacilitatorRepository } from '../adapters/aws/dynamo/facilitator-repository.ts';
import { createDynamoHeartbeatStore } from '../adapters/aws/dynamo/heartbeat-store.ts';
import { createDynamoMemberRepository } from '../adapters/aws/dynamo/member-repository.ts';
import { createDynamoSessionRepository } from '../adapters/aws/dynamo/session-repository.ts';
import { createEventBridgeScheduler } from '../adapters/aws/eventbridge-scheduler.ts';
import { createSecretKeys } from '../adapters/aws/secrets.ts';
import { createSnsEventPublisher, createSnsSmsSender } from '../adapters/aws/sns.ts';
import { createHmacTokenCodec } from '../adapters/hmac-token-codec.ts';
import { createUlids, systemClock } from '../adapters/ids.ts';
import { createDeliveryLinks } from '../adapters/links.ts';
import type { OrgConfig } from '../domain/org/org-config.ts';
import type { Deps } from '../ports/index.ts';
import { envNames, requireEnv, topicEnvName } from './env.ts';
import { createOrgMailer, sesClientConfig } from './mail.ts';
import { normaliseWebhookSecret } from './standard-webhooks.ts';

/**
 * The composition root of a deployed function. Lazy: nothing is parsed or built until a handler
 * first touches a dependency, and each is built once per cold start. Importing a function module
 * (tests, the local stack) therefore needs no environment and has no side effects.
 */
export function awsDeps(): Deps {
  return lazy<Deps>({
    org: () => readOrg(),
    clock: () => systemClock,
    ids: () => createUlids(systemClock),
    links: () => createDeliveryLinks(requireEnv(envNames.publicBaseUrl)),
    tokens: () =>
      createHmacTokenCodec({
        clock: systemClock,
        keys: createSecretKeys(secretsClient(), requireEnv(envNames.tokenSecretArn)),
      }),
    members: () => createDynamoMemberRepository(table(), systemClock),
    facilitators: () => createDynamoFacilitatorRepository(table()),
    sessions: () => createDynamoSessionRepository(table(), systemClock),
    checkins: () =>
      createDynamoCheckinRepository(table(), { clock: systemClock, months: readOrg().retention.checkinAnswersMonths }),
    deliveries: () => createDynamoDeliveryLog(table(), systemClock),
    escalations: () => createDynamoEscalationRepository(table(), createUlids(systemClock)),
    webhookSecrets: () => {
      const keys = createSecretKeys(secretsClient(), requireEnv(envNames.webhookSecretArn));
      return { keys: async () => (await keys()).map(normaliseWebhookSecret) };
    },
    heartbeats: () => createDynamoHeartbeatStore(table()),
    mail: () =>
      createOrgMailer(new SESv2Client(sesClientConfig), readOrg(), {
        member: requireEnv(envNames.memberConfigurationSet),
        staff: requireEnv(envNames.staffConfigurationSet),
      }),
    sms: () => createSnsSmsSender(snsClient()),
    events: () => createSnsEventPublisher(snsClient(), (topic) => requireEnv(topicEnvName(topic))),
    scheduler: () =>
      createEventBridgeScheduler(
        new SchedulerClient({}),
        {
          groupName: requireEnv(envNames.scheduleGroupName),
          roleArn: requireEnv(envNames.schedulerRoleArn),
          queueArn: requireEnv(envNames.timerQueueArn),
          deadLetterQueueArn: requireEnv(envNames.timerDlqArn),
        },
        systemClock,
      ),
  });
}

/** An object whose properties are built on first access and then kept. */
export function lazy<T extends object>(factories: { [K in keyof T]: () => T[K] }): T {
  const target = {} as T;
  for (const key of Object.keys(factories) as (keyof T)[]) {
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = factories[key]();
        Object.defineProperty(target, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return target;
}

const once = <T>(make: () => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

const table = once((): TableRef => ({ client: createDocumentClient(), tableName: requireEnv(envNames.tableName) }));
const snsClient = once(() => new SNSClient({}));
const secretsClient = once(() => new SecretsManagerClient({}));

/** The org config is bundled at build time (esbuild `define` of process.env.KITH_ORG_JSON). */
const readOrg = once((): OrgConfig => {
  // Referenced literally so that esbuild's `define` replaces it with the org's JSON at build time.
  const json = process.env.KITH_ORG_JSON;
  if (!json) throw new Error('KITH_ORG_JSON was not defined at build time');
  return JSON.parse(json) as OrgConfig;
});
