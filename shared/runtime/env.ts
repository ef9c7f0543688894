/**
 * Environment of a deployed function. Only the CDK bind helpers (infra/constructs/app-function.ts)
 * set these; each is parsed on first use, so a missing variable fails loudly at cold start of the
 * function that needs it, and importing a function module needs no environment at all.
 */
export const envNames = {
  tableName: 'TABLE_NAME',
  /** `TOPIC_ARN_` + the topic's logical name in SCREAMING_SNAKE, e.g. TOPIC_ARN_MEMBER_NOTIFICATIONS. */
  topicArnPrefix: 'TOPIC_ARN_',
  memberConfigurationSet: 'SES_MEMBER_CONFIGURATION_SET',
  staffConfigurationSet: 'SES_STAFF_CONFIGURATION_SET',
  tokenSecretArn: 'TOKEN_SECRET_ARN',
  webhookSecretArn: 'WEBHOOK_SECRET_ARN',
  scheduleGroupName: 'SCHEDULE_GROUP_NAME',
  schedulerRoleArn: 'SCHEDULER_ROLE_ARN',
  timerQueueArn: 'TIMER_QUEUE_ARN',
  timerDlqArn: 'TIMER_DLQ_ARN',
  publicBaseUrl: 'PUBLIC_BASE_URL',
} as const;

export function topicEnvName(topic: string): string {
  return envNames.topicArnPrefix + topic.replaceAll('-', '_').toUpperCase();
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is missing: was the function bound with its bind helper?`);
  return value;
}
