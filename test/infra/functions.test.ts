import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import {
  defaultHttpUses,
  type FunctionUse,
  type HttpRoute,
  httpRoutes,
  sesFeedbackConsumer,
  streamRelay,
  timerWorker,
  topicConsumers,
} from '../../functions/routes.ts';
import { AppFunction } from '../../infra/constructs/app-function.ts';
import { repoRoot } from '../../infra/load-org.ts';
import { envNames, topicEnvName } from '../../shared/runtime/env.ts';
import { exampleOrg, logicalId, type Props, refId, resourcesOf, synthOrg, testApp } from './synth.ts';

// One extra route exercises the bindings no topology entry uses yet (sms, scheduler).
const extraRoute: HttpRoute = {
  method: 'POST',
  path: '/test/alerts',
  entry: 'members/create-signup',
  feature: 'members',
  uses: ['table', 'sms', 'scheduler'],
};
const org = exampleOrg();
const { stack, template } = synthOrg(org, { routes: [...httpRoutes.filter((r) => r.entry !== extraRoute.entry), extraRoute] });

const functions = resourcesOf(template, 'AWS::Lambda::Function');
const roles = resourcesOf(template, 'AWS::IAM::Role');
const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
const id = (construct: object) => logicalId(stack, construct);
const keyArn = { 'Fn::GetAtt': [id(stack.key.key), 'Arn'] };

/** Every function of the stack with the bindings it should have. */
const expected: { name: string; fn: AppFunction; uses: readonly FunctionUse[]; topics?: boolean }[] = [
  ...[...stack.api.functions].map(([entry, fn]) => ({
    name: entry,
    fn,
    uses: entry === extraRoute.entry ? extraRoute.uses! : (httpRoutes.find((r) => r.entry === entry)?.uses ?? defaultHttpUses),
  })),
  ...topicConsumers.map((c) => ({ name: c.entry, fn: stack.messaging.consumers.get(c.name)!, uses: c.uses ?? [] })),
  { name: streamRelay.entry, fn: stack.messaging.relay, uses: [], topics: true },
  { name: timerWorker.entry, fn: stack.timers.worker!, uses: timerWorker.uses },
  { name: sesFeedbackConsumer.entry, fn: stack.emailFeedback.consumer, uses: sesFeedbackConsumer.uses },
];

/** The statements of the policies attached to a function's role. */
function statementsIn(target: Template, targetStack: Stack, fn: AppFunction): Props[] {
  const roleId = logicalId(targetStack, fn.role);
  return Object.values(resourcesOf(target, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties?.Roles as unknown[] | undefined)?.some((r) => refId(r) === roleId))
    .flatMap((p) => (p.Properties as Props).PolicyDocument.Statement as Props[]);
}
const statementsOf = (fn: AppFunction) => statementsIn(template, stack, fn);

const actionsOf = (statements: Props[]) => new Set(statements.flatMap((s) => [s.Action].flat() as string[]));

/** The environment each binding sets, as CloudFormation references. */
function expectedEnv(uses: readonly FunctionUse[], topics = false): Record<string, unknown> {
  const env: Record<string, unknown> = {};
  for (const use of uses) {
    if (use === 'table') env[envNames.tableName] = { Ref: id(stack.data.table) };
    if (use === 'tokens') env[envNames.tokenSecretArn] = { Ref: id(stack.secrets.tokenSecret) };
    if (use === 'mail') {
      env[envNames.memberConfigurationSet] = { Ref: id(stack.email.memberConfigurationSet) };
      env[envNames.staffConfigurationSet] = { Ref: id(stack.email.staffConfigurationSet) };
    }
    if (use === 'scheduler') {
      env[envNames.scheduleGroupName] = { Ref: id(stack.timers.group) };
      env[envNames.schedulerRoleArn] = { 'Fn::GetAtt': [id(stack.timers.schedulerRole), 'Arn'] };
      env[envNames.timerQueueArn] = { 'Fn::GetAtt': [id(stack.timers.queue), 'Arn'] };
      env[envNames.timerDlqArn] = { 'Fn::GetAtt': [id(stack.timers.deadLetterQueue), 'Arn'] };
    }
    if (use === 'publicUrl') env[envNames.publicBaseUrl] = expect.anything();
    if (use === 'webhookSecret') env[envNames.webhookSecretArn] = { Ref: id(stack.secrets.webhookSecret) };
  }
  if (topics) {
    for (const [name, topic] of stack.messaging.topics) env[topicEnvName(name)] = { Ref: id(topic) };
  }
  return env;
}

describe('every function', () => {
  it('is in the expected list, and its entry file exists', () => {
    expect(expected.length).toBe(Object.keys(functions).length);
    for (const { name } of expected) expect(existsSync(join(repoRoot, 'functions', `${name}.ts`)), name).toBe(true);
  });

  it('runs Node.js 24 on arm64 with JSON logs, and does not decode source maps at cold start', () => {
    for (const [logical, fn] of Object.entries(functions)) {
      expect(fn.Properties, logical).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON' },
      });
      expect(fn.Properties?.Environment?.Variables?.NODE_OPTIONS, logical).toBeUndefined();
    }
  });

  it('has its own role, assumed by Lambda only, with no managed policies', () => {
    const roleIds = Object.values(functions).map((fn) => refId(fn.Properties?.Role));
    expect(new Set(roleIds).size).toBe(roleIds.length);
    for (const roleId of roleIds) {
      const role = roles[roleId!]!.Properties as Props;
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    }
  });

  it("logs to its own log group, kept for the org's retention and encrypted with the stack key", () => {
    const used = new Set<string>();
    for (const [logical, fn] of Object.entries(functions)) {
      const logGroupId = refId(fn.Properties?.LoggingConfig?.LogGroup)!;
      expect(used.has(logGroupId), `${logical} shares a log group`).toBe(false);
      used.add(logGroupId);
      expect(logGroups[logGroupId]?.Properties).toMatchObject({ RetentionInDays: org.retention.logDays, KmsKeyId: keyArn });
      const writes = statementsOf(expected.find((e) => id(e.fn.fn) === logical)!.fn).find((s) =>
        [s.Action].flat().includes('logs:PutLogEvents'),
      );
      expect(writes?.Resource).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    }
  });

  it('gets exactly the environment of its bindings', () => {
    for (const { name, fn, uses, topics } of expected) {
      const variables = functions[id(fn.fn)]!.Properties?.Environment.Variables;
      expect(variables, name).toEqual(expectedEnv(uses, topics));
    }
  });

  it('gets the permissions of its bindings and no others', () => {
    for (const { name, fn, uses, topics } of expected) {
      const statements = statementsOf(fn);
      const actions = actionsOf(statements);
      const has = (use: FunctionUse) => uses.includes(use);
      expect(actions.has('dynamodb:PutItem'), `${name} writes the table`).toBe(has('table'));
      expect(actions.has('dynamodb:Scan'), `${name} scans`).toBe(false);
      expect(actions.has('secretsmanager:GetSecretValue'), `${name} reads a secret`).toBe(has('tokens') || has('webhookSecret'));
      const secretReads = statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
      expect(
        secretReads.some((s) => refId(s.Resource) === id(stack.secrets.webhookSecret)),
        `${name} reads the webhook secret`,
      ).toBe(has('webhookSecret'));
      expect(actions.has('ses:SendEmail'), `${name} sends email`).toBe(has('mail'));
      expect(actions.has('scheduler:CreateSchedule'), `${name} schedules`).toBe(has('scheduler'));
      expect(actions.has('iam:PassRole'), `${name} passes a role`).toBe(has('scheduler'));
      const publishes = statements.filter((s) => [s.Action].flat().includes('sns:Publish'));
      expect(
        publishes.some((s) => s.NotResource),
        `${name} sends SMS`,
      ).toBe(has('sms'));
      expect(
        publishes.some((s) => s.Resource),
        `${name} publishes to topics`,
      ).toBe(Boolean(topics));
    }
  });
});

describe('the bind helpers', () => {
  const statementsFor = (entry: string) => statementsOf(stack.api.functions.get(entry)!);

  it('bindTable: item actions on the table, Query on its named indexes, the key for encryption', () => {
    const statements = statementsFor('members/create-signup');
    const tableArn = { 'Fn::GetAtt': [id(stack.data.table), 'Arn'] };
    expect(statements).toContainEqual(expect.objectContaining({ Resource: tableArn, Effect: 'Allow' }));
    const indexes = statements.find((s) => s.Action === 'dynamodb:Query');
    expect(indexes?.Resource).toEqual([
      { 'Fn::Join': ['', [tableArn, '/index/gsi1']] },
      { 'Fn::Join': ['', [tableArn, '/index/gsi2']] },
    ]);
    const kms = statements.find((s) => [s.Action].flat().includes('kms:Decrypt'));
    expect(kms?.Resource).toEqual(keyArn);
  });

  it('bindSms: sns:Publish on everything that is not an SNS ARN (phone numbers only)', () => {
    const sms = statementsFor(extraRoute.entry).find((s) => s.NotResource);
    expect(sms).toEqual({ Action: 'sns:Publish', Effect: 'Allow', NotResource: 'arn:aws:sns:*:*:*' });
  });

  it("bindScheduler: schedules in the stack's own group only, and passes only the scheduler role", () => {
    const statements = statementsFor(extraRoute.entry);
    const schedules = statements.find((s) => [s.Action].flat().includes('scheduler:CreateSchedule'));
    expect([schedules?.Action].flat().sort()).toEqual([
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:UpdateSchedule',
    ]);
    expect(schedules?.Resource).toEqual({
      'Fn::Join': ['', ['arn:aws:scheduler:eu-west-2:123456789012:schedule/', { Ref: id(stack.timers.group) }, '/*']],
    });
    const pass = statements.find((s) => s.Action === 'iam:PassRole');
    expect(pass?.Resource).toEqual({ 'Fn::GetAtt': [id(stack.timers.schedulerRole), 'Arn'] });
  });

  it('bindMail (SES sandbox): any identity of the account as recipient, the org address as sender, the two sets', () => {
    const send = statementsOf(stack.timers.worker!).find((s) => s.Action === 'ses:SendEmail');
    expect(send?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': org.email.from } });
    expect(send?.Resource).toEqual([
      'arn:aws:ses:eu-west-2:123456789012:identity/*',
      {
        'Fn::Join': [
          '',
          ['arn:aws:ses:eu-west-2:123456789012:configuration-set/', { Ref: id(stack.email.memberConfigurationSet) }],
        ],
      },
      {
        'Fn::Join': [
          '',
          ['arn:aws:ses:eu-west-2:123456789012:configuration-set/', { Ref: id(stack.email.staffConfigurationSet) }],
        ],
      },
    ]);
  });

  it('bindMail (production access): the sending identity only', () => {
    const live = exampleOrg({ slug: 'live', email: { from: 'groups@live.example', domain: 'live.example', sesSandbox: false } });
    const { stack: liveStack, template: liveTemplate } = synthOrg(live);
    const statements = statementsIn(liveTemplate, liveStack, liveStack.timers.worker!);
    const send = statements.find((s) => s.Action === 'ses:SendEmail');
    expect(send?.Resource[0]).toBe('arn:aws:ses:eu-west-2:123456789012:identity/live.example');
  });

  it("the scheduler role can be assumed only by EventBridge Scheduler for this stack's group", () => {
    const role = roles[id(stack.timers.schedulerRole)]!.Properties as Props;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [id(stack.timers.group), 'Arn'] } },
        },
      },
    ]);
  });
});

describe('the bundle', () => {
  it('is an ESM bundle that can require, with source maps, and the org config compiled in', async () => {
    // Prepare: a real esbuild run of a fixture handler
    const app = testApp({ bundle: true });
    const fixtureStack = new Stack(app, 'BundleFixture', { env: { account: '123456789012', region: 'eu-west-2' } });
    const fn = new AppFunction(fixtureStack, 'Echo', {
      entry: 'echo-build',
      functionsDir: join(repoRoot, 'test', 'infra', 'fixtures'),
      org,
      key: new Key(fixtureStack, 'Key'),
    });

    // Act
    const assembly = app.synth();
    const code =
      assembly.getStackByName('BundleFixture').template.Resources[fixtureStack.getLogicalId(fn.fn.node.defaultChild as never)]
        .Properties.Code;
    const assetDir = join(assembly.directory, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
    const bundle = await import(pathToFileURL(join(assetDir, 'index.mjs')).href);
    const result = await bundle.handler();

    // Assess
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(result.require).toBe('function');
    expect(JSON.parse(result.org)).toEqual(org);
  }, 60_000);
});
