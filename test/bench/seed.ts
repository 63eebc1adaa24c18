// Seeding for the benches: items written with BatchWriteItem in the store's own item shapes
// (its key shapes stay in one place), and stand-ins with the clients every bench uses.
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type StandIns, startStandIns } from '../../infra/local/standins';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { inParallel } from '../../shared/app/open-slots';
import type { WriteOp } from '../../shared/app/ports';

export const clientOf = (endpoint: string) =>
  new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint });

/** The store's item for a write op. */
export const itemOf = (store: DynamoStore, op: WriteOp) =>
  (store as unknown as { toPut(op: WriteOp): { Item: Record<string, unknown> } }).toPut(op).Item;

/** Writes the items of these ops, 25 per BatchWriteItem, `parallel` requests at a time. */
export async function seedOps(client: DynamoDBClient, table: string, ops: WriteOp[], parallel = 8) {
  const store = new DynamoStore(client, table);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const items = ops.map((op) => itemOf(store, op));
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await inParallel(batches, parallel, async (batch) => {
    let RequestItems: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
      [table]: batch.map((Item) => ({ PutRequest: { Item } })),
    };
    while (RequestItems && Object.keys(RequestItems).length) {
      const r = await doc.send(new BatchWriteCommand({ RequestItems }));
      RequestItems = r.UnprocessedItems as typeof RequestItems;
    }
  });
}

let shared: Promise<StandIns> | undefined;
/**
 * One set of stand-ins for the sections that use DynamoDB Local, S3 and SES (receipt, sweep,
 * pacing): started once (each start costs seconds of JVM start-up), stopped by run.ts at the end.
 * Each section writes its own tables and drops them when done (dropTables).
 */
export const sharedStandIns = () => (shared ??= startStandIns({ quiet: true }));
export async function stopSharedStandIns() {
  const s = shared;
  shared = undefined;
  if (s) await (await s).stop();
}
/** Drops a section's tables (DynamoDB Local keeps them in memory for the rest of the run otherwise). */
export async function dropTables(client: DynamoDBClient, tables: string[]) {
  for (const TableName of tables)
    await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
}
