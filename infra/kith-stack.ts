import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type HttpRoute, type TopicConsumer, topicConsumers } from '../functions/routes.ts';
import type { OrgConfig } from '../shared/domain/org/org-config.ts';
import { Alarms } from './constructs/alarms.ts';
import { Api } from './constructs/api.ts';
import type { Bindings } from './constructs/app-function.ts';
import { Data } from './constructs/data.ts';
import { Email } from './constructs/email.ts';
import { EmailFeedback } from './constructs/email-feedback.ts';
import { StackKey } from './constructs/key.ts';
import { Messaging } from './constructs/messaging.ts';
import { addOperatorOutputs } from './constructs/outputs.ts';
import { Secrets } from './constructs/secrets.ts';
import { Timers } from './constructs/timers.ts';

export interface KithStackProps extends Omit<StackProps, 'env'> {
  readonly org: OrgConfig;
  /** Defaults to the topology's `httpRoutes` (functions/routes.ts). */
  readonly routes?: readonly HttpRoute[];
  /** Defaults to the topology's `topicConsumers` (functions/routes.ts). */
  readonly consumers?: readonly TopicConsumer[];
}

/** The HTTP entries through which an escalation arrives: their errors alarm on their own. */
export const escalationIntake = ['safeguarding/receive-escalation-webhook', 'safeguarding/submit-escalation-form'];

/** `Kith-<slug>`: the stack of one organisation. */
export function stackName(org: Pick<OrgConfig, 'slug'>): string {
  return `Kith-${org.slug}`;
}

/**
 * One organisation's kith, in the account and region its config names. Composes the feature
 * constructs; each owns its resources, and functions are bound to what they use.
 */
export class KithStack extends Stack {
  readonly key: StackKey;
  readonly alarms: Alarms;
  readonly data: Data;
  readonly secrets: Secrets;
  readonly email: Email;
  readonly timers: Timers;
  readonly api: Api;
  readonly messaging: Messaging;
  readonly emailFeedback: EmailFeedback;

  constructor(scope: Construct, id: string, props: KithStackProps) {
    const { org, routes, consumers, ...rest } = props;
    super(scope, id, {
      description: `kith for ${org.name}`,
      terminationProtection: true,
      tags: { 'kith:org': org.slug },
      ...rest,
      env: { account: org.aws.account, region: org.aws.region },
    });

    this.key = new StackKey(this, 'Key', { slug: org.slug });
    const { key } = this.key;
    this.alarms = new Alarms(this, 'Alarms', { key, alarmEmail: org.operator.alarmEmail });
    this.alarms.watchUnacknowledgedEscalations(this.alarms, org.slug);
    this.data = new Data(this, 'Data', { key });
    this.secrets = new Secrets(this, 'Secrets', { key, slug: org.slug });
    this.email = new Email(this, 'Email', { org });
    this.timers = new Timers(this, 'Timers', { key, org, alarms: this.alarms });

    const shared = {
      table: this.data.table,
      tokenSecret: this.secrets.tokenSecret,
      webhookSecret: this.secrets.webhookSecret,
      mail: this.email,
      scheduler: this.timers,
    } satisfies Omit<Bindings, 'publicUrl'>;
    this.api = new Api(this, 'Api', { org, key, bindings: shared, ...(routes ? { routes } : {}) });
    const bindings: Bindings = { ...shared, publicUrl: this.api.publicUrl };

    this.messaging = new Messaging(this, 'Messaging', {
      org,
      key,
      table: this.data.table,
      alarms: this.alarms,
      bindings,
      ...(consumers ? { consumers } : {}),
    });
    this.timers.addWorker(bindings);
    this.emailFeedback = new EmailFeedback(this, 'EmailFeedback', { org, key, alarms: this.alarms, email: this.email, bindings });

    addOperatorOutputs(this, {
      publicUrl: this.api.publicUrl,
      tableName: this.data.table.tableName,
      tokenSecretArn: this.secrets.tokenSecret.secretArn,
      webhookSecretArn: this.secrets.webhookSecret.secretArn,
      operatorTopicArn: this.alarms.topic.topicArn,
      relayFailuresQueueUrl: this.messaging.relayFailures.queueUrl,
    });
    // Every function is covered by the API's 5xx alarm, its queue's dead-letter alarm and the account's
    // throttles alarm; the escalation path also alarms on each of its functions' errors.
    this.alarms.watchFleet(this.api.stage);
    const escalationPath = [
      ...escalationIntake.flatMap((entry) => this.api.functions.get(entry) ?? []),
      ...(consumers ?? topicConsumers).filter((c) => c.critical).flatMap((c) => this.messaging.consumers.get(c.name) ?? []),
      ...(this.timers.worker ? [this.timers.worker] : []),
      this.messaging.relay,
    ];
    for (const fn of escalationPath) this.alarms.watchFunctionErrors(fn.fn, fn.node.path.replace(`${id}/`, ''));
  }
}
