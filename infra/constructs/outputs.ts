import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { stackOutputs } from '../../shared/stack-outputs.ts';

/**
 * What an operator (and the kith CLI, bin/kith.ts) needs from a deployed stack, as CloudFormation
 * outputs with fixed logical ids (stack outputs are per stack, so two orgs never collide).
 */
export function addOperatorOutputs(
  scope: Construct,
  values: {
    publicUrl: string;
    tableName: string;
    tokenSecretArn: string;
    webhookSecretArn: string;
    operatorTopicArn: string;
    relayFailuresQueueUrl: string;
  },
): void {
  // The API stage URL ends in "/"; a configured public URL may not.
  const base = values.publicUrl.endsWith('/') ? values.publicUrl : `${values.publicUrl}/`;
  const outputs: [keyof typeof stackOutputs, string, string][] = [
    ['publicUrl', base, 'Base URL of the pages and emailed links'],
    ['webhookUrl', `${base}webhooks/escalations`, 'Escalation webhook (Standard Webhooks signed): give it to the form tool'],
    ['escalationFormUrl', `${base}forms/escalation`, 'Hosted escalation form for facilitators'],
    ['tableName', values.tableName, 'The DynamoDB table (kith CLI)'],
    ['tokenSecretArn', values.tokenSecretArn, 'Secrets Manager secret that signs emailed links (kith CLI)'],
    ['webhookSecretArn', values.webhookSecretArn, 'Secrets Manager secret that signs escalation webhooks (kith CLI)'],
    ['operatorTopicArn', values.operatorTopicArn, 'SNS topic the alarms go to: confirm its email subscription'],
    ['relayFailuresQueueUrl', values.relayFailuresQueueUrl, 'Outbox records the relay gave up on (kith CLI: outbox republish)'],
  ];
  for (const [name, value, description] of outputs) {
    new CfnOutput(scope, stackOutputs[name], { value, description }).overrideLogicalId(stackOutputs[name]);
  }
}
