// scripts/seed-aws.ts on DynamoDB Local: the seven default obligations on an empty table, once; a table
// that already holds obligations is left as it is.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { seedObligations } from '../../scripts/seed-aws';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { defaultObligations } from '../../shared/domain/defaults';

const endpoints = inject('endpoints');
const ddb = new DynamoDBClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.dynamodb,
});
const TABLE = `seed-aws-${randomBytes(4).toString('hex')}`;
const store = new DynamoStore(ddb, TABLE);

beforeAll(async () => {
  await createTable(ddb, TABLE);
});

describe('npm run seed:aws', () => {
  it('writes the seven default obligations (SPEC §1’s five, the two normative-document duties) to an empty table, then never again', async () => {
    expect(await seedObligations(store)).toBe(7);
    const ids = (await store.listObligations()).map((o) => o.obligationId).sort();
    expect(ids).toEqual(defaultObligations.map((o) => o.obligationId).sort());
    expect(ids).toHaveLength(7);
    expect(ids).toEqual(expect.arrayContaining(['normative-filing', 'normative-review']));
    // an edited obligation survives a second run
    const plan = defaultObligations.find((o) => o.obligationId === 'annual-plan')!;
    await store.write([{ type: 'putObligation', obligation: { ...plan, name: '改过的名称' } }]);
    expect(await seedObligations(store)).toBe(0);
    expect((await store.getObligation('annual-plan'))?.name).toBe('改过的名称');
  });
});
