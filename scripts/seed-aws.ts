// Loads the default obligations (shared/domain/defaults.ts: the five of SPEC §1 and the two
// normative-document duties) into a deployed stack's table,
// once, with the operator's own AWS credentials (the functions' roles cannot: no function may write
// obligations but the API, and the API needs an office token). Run right after the first deploy:
//   BAOSONG_TABLE=<output TableName> BAOSONG_REGION=<region> npm run seed:aws
// A table that holds any obligation is left alone (edit them with PUT /v1/obligations/{id}).
// Settings need no seeding: until the office saves them, the defaults apply.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../shared/adapters/dynamo/store';
import type { Store } from '../shared/app/ports';
import { defaultObligations } from '../shared/domain/defaults';

/** Writes the default obligations if the table has none; answers how many it wrote. */
export async function seedObligations(store: Store): Promise<number> {
  if ((await store.listObligations()).length > 0) return 0;
  for (const obligation of defaultObligations) await store.write([{ type: 'putObligation', obligation }]);
  return defaultObligations.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const table = process.env.BAOSONG_TABLE;
  if (!table) {
    console.error('Set BAOSONG_TABLE to the stack output TableName (and BAOSONG_REGION to its region).');
    process.exit(2);
  }
  const client = new DynamoDBClient({ region: process.env.BAOSONG_REGION ?? 'ap-southeast-1' });
  const wrote = await seedObligations(new DynamoStore(client, table));
  console.log(
    wrote
      ? `Wrote ${wrote} obligations to ${table}.`
      : `${table} already holds obligations: nothing written.`,
  );
}
