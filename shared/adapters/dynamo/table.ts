// The one table's physical definition, shared by the CDK stack and the local runtime so
// both build exactly the same table. Key shapes live in ./keys.ts.
export const TABLE_KEYS = { partitionKey: 'PK', sortKey: 'SK' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';
export const GSIS = [
  { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' }, // a unit's year
  { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' }, // the sweep's work list (sparse)
  { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' }, // overdue now (sparse)
] as const;
