import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionUse, TopicName } from '../../functions/routes.ts';
import type { OrgConfig } from '../../shared/domain/org/org-config.ts';
import { envNames, topicEnvName } from '../../shared/runtime/env.ts';
import { tableDefinition } from '../../shared/table-definition.ts';
import { esmRequireBanner, lambdaAliases } from '../bundling.ts';
import { repoRoot } from '../load-org.ts';
import { acknowledge, wildcardActionFinding, wildcardResourceFinding } from './nag.ts';

/** What `bindMail` needs from the email construct. */
export interface MailBinding {
  /** ARN of the SES identity mail is sent from (the from-address, or its domain). */
  readonly identityArn: string;
  readonly memberConfigurationSetName: string;
  readonly staffConfigurationSetName: string;
  readonly fromAddress: string;
  /** In the SES sandbox, SES also authorises every recipient as an identity of this account. */
  readonly sandbox: boolean;
}

/** What `bindScheduler` needs from the timers construct. */
export interface SchedulerBinding {
  readonly scheduleGroupName: string;
  readonly schedulerRole: IRole;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
}

export interface NamedTopic {
  readonly name: TopicName;
  readonly topic: ITopic;
}

/** Everything a function may be bound to, by the names used in `uses` (functions/routes.ts). */
export interface Bindings {
  readonly table: ITable;
  readonly tokenSecret: ISecret;
  /** The escalation webhook's Standard Webhooks secret. */
  readonly webhookSecret: ISecret;
  readonly mail: MailBinding;
  readonly scheduler: SchedulerBinding;
  readonly publicUrl: string;
}

export interface AppFunctionProps {
  /** Module under functions/ without extension, e.g. `members/create-signup`. */
  readonly entry: string;
  readonly org: OrgConfig;
  /** The stack key: encrypts the function's log group. */
  readonly key: IKey;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly reservedConcurrentExecutions?: number;
  readonly description?: string;
  /** Folder holding the entry modules (defaults to the repository's functions/). */
  readonly functionsDir?: string;
}

/**
 * The one way kith builds a Lambda function: Node.js 24 on arm64, an ESM bundle made by local esbuild
 * (AWS SDK bundled, minified, source maps shipped but not loaded at run time), JSON logs into its own KMS-encrypted log group with the
 * org's retention, its own role with no managed policies, and the org config compiled in.
 *
 * Environment variables are set only by the bind helpers, each of which also grants exactly the
 * permissions that variable implies, so wiring and IAM cannot drift apart.
 */
export class AppFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly timeout: Duration;
  private readonly bound = new Set<string>();

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.timeout = props.timeout ?? Duration.seconds(10);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `kith ${props.org.slug}: ${props.entry}`,
    });
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.org.retention.logDays,
      encryptionKey: props.key,
      // Kept if the stack is deleted: the logs may be needed after an incident; retention still bounds them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Handler', {
      entry: join(props.functionsDir ?? join(repoRoot, 'functions'), `${props.entry}.ts`),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: this.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      description: props.description ?? `kith ${props.org.slug}: ${props.entry}`,
      ...(props.reservedConcurrentExecutions ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      // No NODE_OPTIONS=--enable-source-maps: Node would read and decode the ~550 KB map at every cold start
      // (+15 ms of init, measured by `npm run bench`). The map still ships beside the bundle, so a minified
      // stack trace from the logs can be mapped back offline against the same build.
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        bundleAwsSDK: true,
        banner: esmRequireBanner,
        // Functions read the org config from here (shared/runtime/aws-deps.ts): validated once, at synth.
        define: { 'process.env.KITH_ORG_JSON': JSON.stringify(JSON.stringify(props.org)) },
        // Lambda supplies credentials only as environment variables: the SDK's default chain (SSO, ini files,
        // metadata, STS) can never be reached there, and is about 90 KB of each bundle; nor does any call of
        // kith use the SDK's event-stream code (~14 KB). Lambda builds only (infra/bundling.ts).
        esbuildArgs: { '--alias': Object.entries(lambdaAliases).map(([from, to]) => `${from}=${to}`) },
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });

    acknowledge(
      this,
      'Serverless-LambdaDLQ',
      'kith never invokes a function asynchronously: API Gateway invokes synchronously, and queue and stream event sources ' +
        'keep failed messages in their own dead-letter queues (alarmed), so a Lambda async DLQ would never receive anything.',
    );
    // HIPAA Security pack (tried in test/infra/nag.test.ts).
    acknowledge(
      this,
      'HIPAA.Security-LambdaDLQ',
      'kith never invokes a function asynchronously: API Gateway invokes synchronously, and queue and stream event sources ' +
        'keep failed messages in their own dead-letter queues (alarmed), so a Lambda async DLQ would never receive anything.',
    );
    acknowledge(
      this,
      'HIPAA.Security-LambdaConcurrency',
      'Reserved concurrency is set only on the safeguarding-critical consumers: new accounts often have a small concurrency ' +
        'quota, and reserving some for every function would starve the rest. The API stage is throttled instead.',
    );
    acknowledge(
      this,
      'HIPAA.Security-LambdaInsideVPC',
      'The functions reach only AWS service endpoints (DynamoDB, SQS, SNS, SES, Secrets Manager, Scheduler) over TLS with IAM ' +
        'authorisation; there is no private resource to reach, and a VPC would need NAT or endpoints that cost more than the org runs on.',
    );
    acknowledge(
      this.role,
      'HIPAA.Security-IAMNoInlinePolicy',
      "The policy belongs to this function's own role only and is written by the bind helpers together with the environment " +
        'variables they set, so grants and wiring cannot drift; a managed policy would invite reuse across roles.',
    );
    acknowledge(
      this,
      'Serverless-LambdaTracing',
      'X-Ray is off by choice: structured JSON logs carry the request ids, and tracing would add cost and cold-start time ' +
        "for one organisation's small traffic.",
    );
  }

  /**
   * Consumes an SQS queue, reporting partial batch failures so only failed messages are retried (and,
   * after the queue's maxReceiveCount, moved to its dead-letter queue).
   */
  consumeQueue(queue: IQueue, options: { maxConcurrency?: number } = {}): this {
    this.fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
      }),
    );
    acknowledge(
      this,
      'Serverless-LambdaEventSourceMappingDestination',
      "SQS event source mappings cannot have an on-failure destination: failed messages move to the queue's own dead-letter queue (alarmed).",
    );
    return this;
  }

  /** Applies the bindings a topology entry asks for (`uses` in functions/routes.ts). */
  bindUses(uses: readonly FunctionUse[], bindings: Bindings): this {
    for (const use of uses) {
      switch (use) {
        case 'table':
          this.bindTable(bindings.table, 'readwrite');
          break;
        case 'tokens':
          this.bindTokenSecret(bindings.tokenSecret);
          break;
        case 'mail':
          this.bindMail(bindings.mail);
          break;
        case 'sms':
          this.bindSms();
          break;
        case 'scheduler':
          this.bindScheduler(bindings.scheduler);
          break;
        case 'publicUrl':
          this.bindPublicUrl(bindings.publicUrl);
          break;
        case 'webhookSecret':
          this.bindWebhookSecret(bindings.webhookSecret);
          break;
        default:
          throw new Error(`Unknown binding "${use satisfies never}"`);
      }
    }
    return this;
  }

  /** TABLE_NAME, and item access on the table plus Query on its indexes (never Scan). */
  bindTable(table: ITable, access: 'read' | 'readwrite'): this {
    this.setEnv(envNames.tableName, table.tableName);
    const read = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
    const write = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: access === 'read' ? read : [...read, ...write], resources: [table.tableArn] }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: tableDefinition.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
      }),
    );
    const key = table.encryptionKey;
    if (key) {
      if (access === 'read') key.grant(this.role, 'kms:Decrypt', 'kms:DescribeKey');
      else {
        key.grant(this.role, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*');
        this.acknowledgeKmsWildcards();
      }
    }
    return this;
  }

  /** TOPIC_ARN_<NAME>, and sns:Publish on that topic (with its KMS key). */
  bindTopic(topic: NamedTopic): this {
    this.setEnv(topicEnvName(topic.name), topic.topic.topicArn);
    topic.topic.grantPublish(this.role);
    if (topic.topic.masterKey) this.acknowledgeKmsWildcards();
    return this;
  }

  /** TOKEN_SECRET_ARN, and read access to the token-signing secret. */
  bindTokenSecret(secret: ISecret): this {
    this.setEnv(envNames.tokenSecretArn, secret.secretArn);
    secret.grantRead(this.role);
    return this;
  }

  /**
   * SES_MEMBER_CONFIGURATION_SET and SES_STAFF_CONFIGURATION_SET, and ses:SendEmail from the org's
   * address only, through those configuration sets; sesv2 GetSuppressedDestination to check a
   * recipient before an alert is trusted to email.
   */
  bindMail(mail: MailBinding): this {
    this.setEnv(envNames.memberConfigurationSet, mail.memberConfigurationSetName);
    this.setEnv(envNames.staffConfigurationSet, mail.staffConfigurationSetName);
    const stack = Stack.of(this);
    const configurationSetArn = (name: string) =>
      stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: name });
    const identities = mail.sandbox
      ? stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' })
      : mail.identityArn;
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          identities,
          configurationSetArn(mail.memberConfigurationSetName),
          configurationSetArn(mail.staffConfigurationSetName),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': mail.fromAddress } },
      }),
    );
    if (mail.sandbox) {
      acknowledge(
        this.role,
        wildcardResourceFinding(this, identities),
        'While the account is in the SES sandbox, SES authorises every recipient as an identity of this account too, so ' +
          'SendEmail must cover identity/*. The ses:FromAddress condition still pins the sender to the org address. ' +
          'Set email.sesSandbox to false after production access to scope this to the sending identity alone.',
      );
    }
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ses:GetSuppressedDestination'], resources: ['*'] }));
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'ses:GetSuppressedDestination (read-only) has no resource-level permissions in IAM; it is the only action granted on *.',
    );
    return this;
  }

  /**
   * sns:Publish to phone numbers only. SMS has no resource ARN to scope to, so the grant allows
   * Publish on everything that is NOT an SNS ARN: no topic or platform endpoint is reachable through it.
   */
  bindSms(): this {
    if (this.once('sms')) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['sns:Publish'], notResources: [`arn:${Stack.of(this).partition}:sns:*:*:*`] }),
      );
    }
    return this;
  }

  /**
   * SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN, TIMER_QUEUE_ARN and TIMER_DLQ_ARN; create, update and
   * delete schedules in the stack's group only, and pass the role Scheduler uses to deliver them.
   */
  bindScheduler(scheduler: SchedulerBinding): this {
    this.setEnv(envNames.scheduleGroupName, scheduler.scheduleGroupName);
    this.setEnv(envNames.schedulerRoleArn, scheduler.schedulerRole.roleArn);
    this.setEnv(envNames.timerQueueArn, scheduler.queue.queueArn);
    this.setEnv(envNames.timerDlqArn, scheduler.deadLetterQueue.queueArn);
    const schedules = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${scheduler.scheduleGroupName}/*`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
        resources: [schedules],
      }),
    );
    acknowledge(
      this.role,
      wildcardResourceFinding(this, schedules),
      "Schedule names are made at run time (one per timer); the grant is limited to schedules in this stack's own schedule group.",
    );
    scheduler.schedulerRole.grantPassRole(this.role);
    return this;
  }

  /** WEBHOOK_SECRET_ARN, and read access to the escalation webhook's secret. */
  bindWebhookSecret(secret: ISecret): this {
    this.setEnv(envNames.webhookSecretArn, secret.secretArn);
    secret.grantRead(this.role);
    return this;
  }

  /** PUBLIC_BASE_URL: the origin emailed links and pages point at. */
  bindPublicUrl(url: string): this {
    this.setEnv(envNames.publicBaseUrl, url);
    return this;
  }

  private setEnv(name: string, value: string): void {
    if (this.once(`env:${name}`)) this.fn.addEnvironment(name, value);
  }

  private once(key: string): boolean {
    if (this.bound.has(key)) return false;
    this.bound.add(key);
    return true;
  }

  /** CDK's KMS data-key grants use `kms:ReEncrypt*` and `kms:GenerateDataKey*`, always on the one stack key. */
  private acknowledgeKmsWildcards(): void {
    if (!this.once('kms-wildcards')) return;
    const reason =
      'Writing encrypted items and messages needs the KMS data-key actions (GenerateDataKey, GenerateDataKeyWithoutPlaintext, ' +
      "ReEncryptFrom/To) as CDK grants them; every such grant is on the stack's own customer-managed key only.";
    acknowledge(this.role, wildcardActionFinding('kms:ReEncrypt*'), reason);
    acknowledge(this.role, wildcardActionFinding('kms:GenerateDataKey*'), reason);
  }
}
