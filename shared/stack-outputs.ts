/**
 * The CloudFormation output names of a `Kith-<slug>` stack, written by infra/constructs/outputs.ts
 * (and infra/constructs/api.ts for `ApiUrl`) and read by the kith CLI to find a deployed stack.
 */
export const stackOutputs = {
  apiUrl: 'ApiUrl',
  publicUrl: 'PublicUrl',
  webhookUrl: 'WebhookUrl',
  escalationFormUrl: 'EscalationFormUrl',
  tableName: 'TableName',
  tokenSecretArn: 'TokenSecretArn',
  webhookSecretArn: 'WebhookSecretArn',
  operatorTopicArn: 'OperatorTopicArn',
  relayFailuresQueueUrl: 'RelayFailuresQueueUrl',
} as const;

export type StackOutputName = keyof typeof stackOutputs;
