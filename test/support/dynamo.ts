import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ensureTable } from '../../local/dynamodb.ts';
import { createDocumentClient, type TableRef } from '../../shared/adapters/aws/dynamo/document-client.ts';

/** A fresh table on the run's DynamoDB Local, built from the shared table definition. */
export async function testTable(): Promise<TableRef & { endpoint: string }> {
  const endpoint = inject('ddbEndpoint');
  const tableName = `test-${randomUUID()}`;
  await ensureTable(endpoint, tableName);
  const client = createDocumentClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { client, tableName, endpoint };
}
