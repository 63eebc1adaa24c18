// The sweep's DynamoDB requests on a big table (issue 5, "Done when"):
//
//   npx tsx test/bench/sweep-requests.ts [units=10000] [due=50]
//
// Seeds (not measured) `units` units with their 2026 slots of the four yearly obligations, as
// they stand on 2026-07-03: the annual plan accepted, the half-year report submitted by all but
// `due` units (whose slots owe the offset-1 reminder that day), the annual summary and the
// law-study quota open with next actions in November/December. Items are written with
// BatchWriteItem, 25 at a time, in the store's own item shape. Then one sweep of 2026-07-03
// runs against the table with a counting middleware on its DynamoDB client; the queue only
// counts messages. The count should depend on `due`, not on `units`.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  silenceSdkNodeWarning,
  startStandIns,
} from '../../infra/local/standins';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { loadCalendar } from '../../shared/app/calendar';
import { inParallel } from '../../shared/app/open-slots';
import type { MessageQueue, OutgoingMessage, WriteOp } from '../../shared/app/ports';
import { openedMarker, sweep } from '../../shared/app/sweep';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import { newSlot } from '../../shared/domain/due';
import type { Slot, Unit } from '../../shared/domain/model';
import { setLogLevel } from '../../shared/http/logger';

silenceSdkNodeWarning();
setLogLevel('ERROR');
const UNITS = Number(process.argv[2] ?? 10_000);
const DUE = Number(process.argv[3] ?? 50);
const TODAY = '2026-07-03';
const AT = new Date(`${TODAY}T09:00:00+08:00`);

const standins = await startStandIns({ quiet: true });
try {
  const common = {
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: standins.endpoints.dynamodb,
  };
  const seedClient = new DynamoDBClient(common);
  const table = 'bench-sweep';
  await createTable(seedClient, table);
  const seedStore = new DynamoStore(seedClient, table);
  const doc = DynamoDBDocumentClient.from(seedClient, { marshallOptions: { removeUndefinedValues: true } });
  // The store's own item for a write op (its key shapes stay in one place).
  const itemOf = (op: WriteOp) =>
    (seedStore as unknown as { toPut(op: WriteOp): { Item: Record<string, unknown> } }).toPut(op).Item;

  const t0 = Date.now();
  const cal = await loadCalendar(seedStore, [2026]);
  const obligations = defaultObligations.filter((o) => o.kind !== 'monthly');
  const items: Record<string, unknown>[] = [];
  for (const obligation of defaultObligations) items.push(itemOf({ type: 'putObligation', obligation }));
  items.push(itemOf({ type: 'putSettings', settings: defaultSettings }));
  for (let i = 0; i < UNITS; i++) {
    const unitId = `unit-${String(i).padStart(5, '0')}`;
    const unit: Unit = {
      unitId,
      name: `单位${i}`,
      kind: 'town',
      tags: [],
      active: true,
      contacts: [
        { role: 'liaison', name: `联络员${i}`, email: `${unitId}@example.gov.cn`, phone: '+8613800000000' },
      ],
    };
    items.push(itemOf({ type: 'putUnit', unit }));
    for (const ob of obligations) {
      let slot: Slot = newSlot(cal, ob, unit, '2026', TODAY);
      if (ob.obligationId === 'annual-plan') {
        slot = { ...slot, state: 'accepted', onTime: true, lateDays: 0, nextActionDate: null };
      } else if (ob.obligationId === 'half-year-report' && i >= DUE) {
        slot = { ...slot, state: 'submitted', onTime: true, lateDays: 0, nextActionDate: null };
      }
      items.push(itemOf({ type: 'putSlot', slot: { ...slot, version: 1 }, ifVersion: 1 }));
    }
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await inParallel(batches, 8, async (batch) => {
    let RequestItems: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
      [table]: batch.map((Item) => ({ PutRequest: { Item } })),
    };
    while (RequestItems && Object.keys(RequestItems).length) {
      const r = await doc.send(new BatchWriteCommand({ RequestItems }));
      RequestItems = r.UnprocessedItems as typeof RequestItems;
    }
  });
  await seedStore.setMarker(openedMarker(2026), AT.toISOString());
  console.log(`seeded ${UNITS} units, ${items.length} items in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // ---- the measured sweep -----------------------------------------------------------------
  const client = new DynamoDBClient(common);
  const byCommand = new Map<string, number>();
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      const name = (ctx as { commandName?: string }).commandName ?? 'unknown';
      byCommand.set(name, (byCommand.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const queued: OutgoingMessage[] = [];
  const queue: MessageQueue = {
    async enqueue(msgs) {
      queued.push(...msgs);
    },
  };
  const started = Date.now();
  const summary = await sweep({ store: new DynamoStore(client, table), queue }, AT);
  const ms = Date.now() - started;
  const total = [...byCommand.values()].reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ units: UNITS, due: DUE, summary, messages: queued.length, ms }));
  console.log(`DynamoDB requests: ${total}`, Object.fromEntries(byCommand));

  // A second sweep the same day finds nothing due.
  byCommand.clear();
  const again = await sweep({ store: new DynamoStore(client, table), queue }, AT);
  const total2 = [...byCommand.values()].reduce((a, b) => a + b, 0);
  console.log(
    `same day again: ${again.reminders} reminders, ${total2} requests`,
    Object.fromEntries(byCommand),
  );
} finally {
  await standins.stop();
}
