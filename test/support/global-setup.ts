import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../local/dynamodb.ts';

/** One DynamoDB Local for the whole run; each test file makes its own table (test/support/dynamo.ts). */
export default async function setup(project: TestProject) {
  const ddb = await startDynamoLocal();
  project.provide('ddbEndpoint', ddb.endpoint);
  return async () => {
    await ddb.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
  }
}
