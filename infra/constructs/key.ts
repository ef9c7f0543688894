import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The stack's customer-managed KMS key: the table, every topic and queue, every log group and the
 * token secret are encrypted with it. Rotated yearly and kept when the stack is deleted (the retained
 * table cannot be read without it).
 */
export class StackKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: { slug: string }) {
    super(scope, id);
    const { region, account, partition } = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: `kith ${props.slug}: table, topics, queues, logs and secrets`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // CloudWatch Logs encrypts log groups with the key (log groups in this account and region only).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
        },
      }),
    );

    // SNS delivers to the encrypted queues and dead-letter queues of this stack. Conditioned on topics of
    // this account and region rather than on each topic: the topics are encrypted with this key too, so
    // naming them here would be a dependency cycle. Each queue's own policy admits only its topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${partition}:sns:${region}:${account}:*` } },
      }),
    );

    // SES publishes bounce and complaint events of this account's configuration sets to the encrypted feedback topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    // CloudWatch alarms publish to the encrypted operator topic; without this, alarms are dropped silently.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
  }
}
