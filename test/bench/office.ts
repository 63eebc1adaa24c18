// The office's morning at scale: DynamoDB requests and local latency (p50, p95) of a period's
// board and of the annual assessment, over HTTP on the local runtime.
//
//   npx tsx test/bench/office.ts [units=2000] [runs=20]
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocal } from '../../infra/local/server';
import { loadCalendar } from '../../shared/app/calendar';
import { inParallel, openSlots } from '../../shared/app/open-slots';
import type { Unit } from '../../shared/domain/model';

const units = Number(process.argv[2] ?? 2000);
const runs = Number(process.argv[3] ?? 20);

function countRequests(client: DynamoDBClient) {
  const counter = { n: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.n++;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return counter;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const rt = await startLocal({ demoUnits: false });
rt.clock.set(new Date('2026-12-20T10:00:00+08:00'));
const { store } = rt.deps;
const list: Unit[] = Array.from({ length: units }, (_, i) => ({
  unitId: `unit-${String(i).padStart(5, '0')}`,
  name: `单位${i}`,
  kind: i % 2 ? 'town' : 'department',
  tags: i % 10 === 0 ? ['law-enforcement'] : [],
  active: true,
  contacts: [],
}));
let t = Date.now();
await inParallel(list, 16, (unit) => store.write([{ type: 'putUnit', unit }]));
const cal = await loadCalendar(store, [2026]);
const opened = await openSlots(store, cal, {
  year: 2026,
  units: list,
  obligations: await store.listObligations(),
  now: rt.clock.now(),
});
console.log(`seeded ${units} units, ${opened} slots in ${((Date.now() - t) / 1000).toFixed(1)} s`);

const token = await rt.tokens.issue({ role: 'office' });
const counter = countRequests(rt.clients.dynamodb);
async function measure(name: string, path: string) {
  const ms: number[] = [];
  let requests = 0;
  for (let i = 0; i < runs; i++) {
    const before = counter.n;
    t = performance.now();
    const r = await fetch(`${rt.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    ms.push(performance.now() - t);
    requests = counter.n - before;
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
  }
  console.log(
    `${name}: ${requests} DynamoDB requests; p50 ${pct(ms, 50).toFixed(0)} ms, p95 ${pct(ms, 95).toFixed(0)} ms (${runs} runs)`,
  );
}
await measure(`board (${units} units)`, '/v1/status?obligationId=annual-summary&period=2026');
await measure(`board CSV (${units} units)`, '/v1/status?obligationId=annual-summary&period=2026&format=csv');
await measure(`assessment (${units} units)`, '/v1/assessment?year=2026');
await measure('overdue', '/v1/overdue');
await rt.stop();
