import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { tableDefinition } from '../../shared/table-definition.ts';
import { acknowledge } from './nag.ts';

/**
 * The single table, built from shared/table-definition.ts (the same description the local stack
 * uses): generic keys and indexes, a NEW_IMAGE stream for the outbox relay, TTL for tidying only,
 * point-in-time recovery, deletion protection, kept when the stack is deleted, encrypted with the
 * stack key.
 */
export class Data extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: { key: IKey }) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType[tableDefinition.streamViewType],
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
    });
    acknowledge(
      this.table,
      'HIPAA.Security-DynamoDBInBackupPlan',
      'Point-in-time recovery restores the table to any second of the last 35 days, and the table has deletion protection and is ' +
        'kept if the stack is deleted. An organisation that must keep longer backups adds it to an AWS Backup plan in its account.',
    );
    for (const index of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
