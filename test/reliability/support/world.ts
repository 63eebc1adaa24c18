// A fresh table for a fault case: the default obligations, settings that let the sender go fast,
// and `units` towns, each with one liaison reachable by email and by SMS (`+86<phonePrefix>…`).
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTable } from '../../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../../shared/adapters/dynamo/store';
import { putSettings, putUnit } from '../../../shared/app/admin';
import { defaultObligations } from '../../../shared/domain/defaults';
import type { Principal } from '../../../shared/domain/model';

export async function seedWorld(
  ddb: DynamoDBClient,
  o: { prefix: string; units: number; now: Date; office: Principal; phonePrefix: string },
) {
  const tag = randomBytes(4).toString('hex');
  const table = `${o.prefix}-${tag}`;
  await createTable(ddb, table);
  const store = new DynamoStore(ddb, table);
  for (const obligation of defaultObligations) await store.write([{ type: 'putObligation', obligation }]);
  await putSettings(
    store,
    o.office,
    {
      officeContacts: [{ name: '法制办', email: `office@${tag}.example.gov.cn` }],
      smsSignature: '【区法制办】',
      senderEmail: 'noreply@example.gov.cn',
      sesRatePerSecond: 1000,
      latePenaltyPerDay: 10,
      lateFloor: 40,
    },
    o.now,
  );
  const digits = String(Number.parseInt(tag, 16) % 10_000).padStart(4, '0');
  const phones = Array.from(
    { length: o.units },
    (_, i) => `+86${o.phonePrefix}${digits}${String(i).padStart(3, '0')}`,
  );
  for (let i = 0; i < o.units; i++)
    await putUnit(
      store,
      o.office,
      {
        unitId: `u${i}`,
        name: `单位${i}`,
        kind: 'town',
        tags: [],
        active: true,
        contacts: [
          { role: 'liaison', name: `联络员${i}`, email: `u${i}@${tag}.example.gov.cn`, phone: phones[i]! },
        ],
      },
      o.now,
    );
  return { tag, table, store, phones };
}
