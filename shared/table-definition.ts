/**
 * The single table, described once. The CDK stack (infra/constructs/data.ts) and the local stack
 * (local/dynamodb.ts) both build the table from this description, so keys, indexes, TTL and the
 * stream cannot drift between the cloud and `npm start`.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Generic global secondary indexes; each entity documents what it puts in them (README). */
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  /** Epoch seconds. TTL only tidies up; nothing relies on it for timing. */
  timeToLiveAttribute: 'expiresAt',
  /** The relay reads outbox items from the stream; new images are all it needs. */
  streamViewType: 'NEW_IMAGE',
} as const;

/** Outbox items carry this `kind`; the stream relay publishes only these. */
export const OUTBOX_KIND = 'outbox';
