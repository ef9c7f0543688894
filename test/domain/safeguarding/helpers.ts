import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '../../../shared/adapters/aws/dynamo/document-client.ts';
import type { EscalationRequest } from '../../../shared/domain/safeguarding/escalation.ts';

/** A complete record; SENTINEL-free. */
export const validEscalation: EscalationRequest = {
  facilitatorEmail: 'sam@example.org',
  category: 'self_harm',
  urgency: 'immediate',
  summary: 'A member described a plan.',
  facts: 'They said they had the means at home.',
  opinion: 'I think the risk is high tonight.',
  memberRef: 'J.D.',
  actionsTaken: 'Stayed with them; gave the crisis line.',
  emergencyServicesContacted: false,
  personAware: true,
};

/** The outbox items of a test's own fresh table (a Scan: test-only, on a table of a few items). */
export async function outboxItems(deps: { table: TableRef }) {
  const out = await deps.table.client.send(new ScanCommand({ TableName: deps.table.tableName }));
  return (out.Items ?? []).filter((item) => String(item.pk).startsWith('OUTBOX#'));
}
