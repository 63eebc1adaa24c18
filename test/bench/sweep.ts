// The daily sweep on a big table (10,000 units, 20 % law-enforcement; --quick: 200), seeded once
// for (a) and (b) (4 yearly slots a unit):
// (a) a day on which exactly 50 slots owe a notice: read capacity the sweep consumes against a
//     full scan of the same table, both measured in the same run (ReturnConsumedCapacity);
// (b) then, on the same table with its annual-plan slots reopened, the day on which every unit's
//     annual-plan slot owes a reminder: notifications queued per second here, and the requests of
//     that one invocation priced at stated AWS latencies against the function's 60 s;
// (c) opening a year by the fan-out (400 units; --quick: 50): the roll-over sweep queues one
//     job per obligation and shard of ≤ 200 units; each job is run as the opener runs it, 10 at
//     a time. Total time against the floor (the stand-in's own rate for the same slot writes, in
//     the same run), and the largest job's writes (against the whole year's, which one sweep did
//     before) and its time at AWS latencies against the opener's 120 s.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { inParallel } from '../../shared/app/open-slots';
import type { MessageQueue, OutgoingMessage, SlotOpener, WriteOp } from '../../shared/app/ports';
import {
  OPEN_SLOTS_SHARD,
  openingJobs,
  openSlotsJobSchema,
  runOpeningJob,
} from '../../shared/app/slot-opening';
import { openedMarker, sweep } from '../../shared/app/sweep';
import { makeCalendar } from '../../shared/domain/calendar';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import { newSlot } from '../../shared/domain/due';
import type { Slot, Unit } from '../../shared/domain/model';
import { type BenchOptions, countRequests, type Line, line } from './lib';
import { clientOf, dropTables, seedOps, sharedStandIns } from './seed';

/** Assumed AWS latencies (in-region, p50-ish): a DynamoDB request, an SQS SendMessageBatch. */
const DDB_MS = 10;
const SQS_MS = 20;
const SWEEP_PARALLEL = 16; // shared/app/sweep.ts and open-slots.ts write slots 16 at a time
const LIMIT_S = 60;
const OPENER_CONCURRENCY = 10; // infra/stack.ts: the opener's event source, maxConcurrency
const OPENER_TIMEOUT_S = 120; // infra/stack.ts: sizing('opener')

const unitOf = (i: number): Unit => {
  const unitId = `unit-${String(i).padStart(5, '0')}`;
  return {
    unitId,
    name: `单位${i}`,
    kind: i % 2 ? 'town' : 'department',
    tags: i % 5 === 0 ? ['law-enforcement'] : [],
    active: true,
    contacts: [
      { role: 'liaison', name: `联络员${i}`, email: `${unitId}@example.gov.cn`, phone: '+8613800000000' },
    ],
  };
};

/** Sums the read capacity units every read request of a client consumes. */
function readCapacity(client: DynamoDBClient) {
  const c = { rcu: 0, reads: 0 };
  client.middlewareStack.add(
    ((
      next: (a: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
      ctx: { commandName?: string },
    ) =>
      async (args: { input: Record<string, unknown> }) => {
        const read = /^(Query|Scan|GetItem|BatchGetItem)Command$/.test(ctx.commandName ?? '');
        if (read) args.input.ReturnConsumedCapacity = 'TOTAL';
        const out = await next(args);
        if (read) {
          c.reads++;
          const cc = out.output.ConsumedCapacity as
            | { CapacityUnits?: number }
            | { CapacityUnits?: number }[]
            | undefined;
          for (const x of Array.isArray(cc) ? cc : cc ? [cc] : []) c.rcu += x.CapacityUnits ?? 0;
        }
        return out;
      }) as never,
    { step: 'initialize', name: 'benchReadCapacity' },
  );
  return c;
}

const countingQueue = () => {
  const q = { messages: 0, calls: 0, sqsRequests: 0 };
  const queue: MessageQueue = {
    async enqueue(msgs: OutgoingMessage[]) {
      q.calls++;
      q.messages += msgs.length;
      q.sqsRequests += Math.ceil(msgs.length / 10); // SqsQueue: SendMessageBatch of 10
    },
  };
  return { q, queue };
};

/** Progress on stderr: how long each part took (run.ts prints each section's total). */
const took = (what: string, since: number) =>
  process.stderr.write(`  sweep ${what}: ${((performance.now() - since) / 1000).toFixed(0)} s\n`);

export async function sweepBench(opts: BenchOptions): Promise<Line[]> {
  const UNITS = opts.quick ? 200 : 10_000;
  const OPEN_UNITS = opts.quick ? 50 : 400;
  const FLOOR_SLOTS = opts.quick ? 160 : 800;
  const DUE = 50;
  const standins = await sharedStandIns();
  const lines: Line[] = [];
  const client = clientOf(standins.endpoints.dynamodb);
  const table = 'sweep-ab';
  try {
    const cal = makeCalendar(); // the package's arrangements; no office overrides in these tables
    const yearly = defaultObligations.filter((o) => o.kind !== 'monthly' && o.kind !== 'event');
    const annualPlan = defaultObligations.find((o) => o.obligationId === 'annual-plan')!;

    // ---- (a) 50 slots owe a notice on 2026-07-03 -------------------------------------------
    {
      const TODAY = '2026-07-03';
      const AT = new Date(`${TODAY}T09:00:00+08:00`);
      let t = performance.now();
      await createTable(client, table);
      const ops: WriteOp[] = defaultObligations.map((obligation) => ({ type: 'putObligation', obligation }));
      ops.push({ type: 'putSettings', settings: defaultSettings });
      for (let i = 0; i < UNITS; i++) {
        const unit = unitOf(i);
        ops.push({ type: 'putUnit', unit });
        for (const ob of yearly) {
          let slot: Slot = newSlot(cal, ob, unit, '2026', TODAY);
          if (ob.obligationId === 'annual-plan')
            slot = { ...slot, state: 'accepted', onTime: true, lateDays: 0, nextActionDate: null };
          else if (ob.obligationId === 'half-year-report' && i >= DUE)
            slot = { ...slot, state: 'submitted', onTime: true, lateDays: 0, nextActionDate: null };
          ops.push({ type: 'putSlot', slot: { ...slot, version: 1 }, ifVersion: 1 });
        }
      }
      await seedOps(client, table, ops, 16);
      await new DynamoStore(client, table).setMarker(openedMarker(2026), AT.toISOString());
      took(`(a) seeding ${ops.length.toLocaleString('en-US')} items`, t);

      t = performance.now();
      const measured = clientOf(standins.endpoints.dynamodb);
      const cap = readCapacity(measured);
      const { q, queue } = countingQueue();
      await sweep({ store: new DynamoStore(measured, table), queue }, AT);
      const sweepRcu = cap.rcu;
      const scanClient = clientOf(standins.endpoints.dynamodb);
      const scanCap = readCapacity(scanClient);
      const doc = DynamoDBDocumentClient.from(scanClient);
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      let items = 0;
      do {
        const r = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
        items += r.Count ?? 0;
        ExclusiveStartKey = r.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      took('(a) the sweep and the scan', t);
      lines.push(
        line({
          what: `sweep (a): read capacity, ${DUE} slots owing on ${UNITS.toLocaleString('en-US')} units`,
          measured: sweepRcu,
          unit: 'RCU',
          baseline: scanCap.rcu,
          baselineWhat: `full scan, ${items.toLocaleString('en-US')} items`,
          goal: '≤ 0.01×',
          met: scanCap.rcu > 0 && sweepRcu <= 0.01 * scanCap.rcu,
          note: `${cap.reads} read requests, ${q.messages} notifications queued`,
        }),
      );
    }

    // ---- (b) every annual-plan slot owes a reminder ---------------------------------------------
    {
      // The same table: its annual-plan slots reopened as they stood on 2026-03-01 (the other
      // slots' next actions are all after the first annual-plan reminder, so only these are due).
      let t = performance.now();
      const ops: WriteOp[] = [];
      let day: string | null = null;
      for (let i = 0; i < UNITS; i++) {
        const slot = newSlot(cal, annualPlan, unitOf(i), '2026', '2026-03-01');
        day ??= slot.nextActionDate;
        ops.push({ type: 'putSlot', slot: { ...slot, version: 2 }, ifVersion: 2 });
      }
      if (!day) throw new Error('annual-plan slots have no next action');
      const AT = new Date(`${day}T09:00:00+08:00`);
      await seedOps(client, table, ops, 16);
      took(`(b) reopening ${ops.length.toLocaleString('en-US')} annual-plan slots`, t);
      t = performance.now();
      const measured = clientOf(standins.endpoints.dynamodb);
      const requests = countRequests(measured);
      const { q, queue } = countingQueue();
      const summary = await sweep({ store: new DynamoStore(measured, table), queue }, AT);
      const seconds = (performance.now() - t) / 1000;
      took('(b) the sweep', t);
      const writes =
        (requests.byCommand.get('TransactWriteItemsCommand') ?? 0) +
        (requests.byCommand.get('PutItemCommand') ?? 0);
      const otherDdb = requests.total - writes;
      // One invocation: its reads in sequence, its slot writes 16 at a time, its SQS batches in sequence.
      const estimate =
        (otherDdb * DDB_MS + Math.ceil(writes / SWEEP_PARALLEL) * DDB_MS + q.sqsRequests * SQS_MS) / 1000;
      lines.push(
        line({
          what: `sweep (b): notifications queued/s, all ${UNITS.toLocaleString('en-US')} annual-plan reminders`,
          measured: q.messages / seconds,
          unit: '/s',
          baseline: null,
          baselineWhat: 'no baseline (reported)',
          goal: 'reported',
          met: summary.reminders >= UNITS,
          note: `${q.messages} notifications for ${summary.reminders} reminders in ${seconds.toFixed(0)} s here`,
        }),
        line({
          what: `sweep (b): one invocation at AWS latencies (${requests.total} DynamoDB + ${q.sqsRequests} SQS requests)`,
          measured: estimate,
          unit: 's',
          baseline: LIMIT_S,
          baselineWhat: 'limit',
          goal: '≤ 1.0×',
          met: estimate <= LIMIT_S,
          note:
            `assumed ${DDB_MS} ms per DynamoDB request, ${SQS_MS} ms per SendMessageBatch; ` +
            `reads and SQS batches in sequence, ${writes} slot writes ${SWEEP_PARALLEL} at a time`,
        }),
      );
    }

    // ---- (c) opening a year by the fan-out ----------------------------------------------------
    {
      const tc = performance.now();
      const table = 'sweep-c';
      await createTable(client, table);
      const ops: WriteOp[] = defaultObligations.map((obligation) => ({ type: 'putObligation', obligation }));
      ops.push({ type: 'putSettings', settings: defaultSettings });
      for (let i = 0; i < OPEN_UNITS; i++) ops.push({ type: 'putUnit', unit: unitOf(i) });
      await seedOps(client, table, ops);
      const AT = new Date('2027-01-04T09:00:00+08:00'); // the first working day of 2027

      // The floor: the very slot write openSlots makes (store.write of a new slot), with nothing else
      // around it, SWEEP_PARALLEL at a time, on a sample of slots in a table of their own.
      await createTable(client, 'sweep-c-floor');
      const floorStore = new DynamoStore(clientOf(standins.endpoints.dynamodb), 'sweep-c-floor');
      const floorOb = { ...defaultObligations.find((o) => o.kind === 'monthly')!, obligationId: 'floor' };
      const sample = Array.from({ length: FLOOR_SLOTS }, (_, i) =>
        newSlot(
          cal,
          floorOb,
          unitOf(i % OPEN_UNITS),
          `2027-${String((i % 12) + 1).padStart(2, '0')}`,
          '2027-01-04',
        ),
      ).map((slot, i) => ({ ...slot, unitId: `floor-${i}`, version: 1 }));
      const tf = performance.now();
      await inParallel(sample, SWEEP_PARALLEL, async (slot) =>
        floorStore.write([{ type: 'putSlot', slot, ifVersion: 0 }]),
      );
      const floorRate = FLOOR_SLOTS / ((performance.now() - tf) / 1000);

      // The roll-over sweep: it only queues the jobs (as SqsSlotOpener would: SendMessageBatch of 10).
      const jobs: string[] = [];
      const opener: SlotOpener = {
        request: async (js) => void jobs.push(...js.map((j) => JSON.stringify(j))),
      };
      const sweepClient = clientOf(standins.endpoints.dynamodb);
      const sweepRequests = countRequests(sweepClient);
      const t = performance.now();
      const summary = await sweep(
        { store: new DynamoStore(sweepClient, table), queue: countingQueue().queue, opener },
        AT,
      );
      const sweepSeconds = (performance.now() - t) / 1000;

      // The opener: each message parsed as the handler does, then run; OPENER_CONCURRENCY at once
      // (the event source's maxConcurrency). Each job's requests are counted on its own client.
      const perJob: Array<{ puts: number; batches: number; reads: number; sqs: number; opened: number }> = [];
      await inParallel(jobs, OPENER_CONCURRENCY, async (body) => {
        const job = openSlotsJobSchema.parse(JSON.parse(body));
        const c = clientOf(standins.endpoints.dynamodb);
        const requests = countRequests(c);
        const { q, queue } = countingQueue();
        const opened = await runOpeningJob(
          { store: new DynamoStore(c, table), queue, webBaseUrl: 'https://baosong.example.gov.cn' },
          job,
          AT,
        );
        // A slot is one write request (a conditional put, or a transaction with its score card).
        const puts =
          (requests.byCommand.get('PutItemCommand') ?? 0) +
          (requests.byCommand.get('TransactWriteItemsCommand') ?? 0) +
          (requests.byCommand.get('UpdateItemCommand') ?? 0);
        const batches = requests.byCommand.get('BatchWriteItemCommand') ?? 0;
        perJob.push({ puts, batches, reads: requests.total - puts - batches, sqs: q.sqsRequests, opened });
        c.destroy();
      });
      const seconds = (performance.now() - t) / 1000;
      took(`(c) seeding, floor, the roll-over sweep and ${jobs.length} jobs`, tc);
      const slots = perJob.reduce((n, j) => n + j.opened, 0);
      const writesOf = (j: (typeof perJob)[number]) => j.puts + j.batches;
      const totalWrites = perJob.reduce((n, j) => n + writesOf(j), 0);
      const largest = perJob.reduce((a, b) => (writesOf(b) > writesOf(a) ? b : a));
      // The most one job can write, whatever the number of units: a shard of units × 12 months,
      // one write request per slot plus its audit lines 25 per BatchWriteItem.
      const bound = OPEN_SLOTS_SHARD * 12 + Math.ceil((OPEN_SLOTS_SHARD * 12) / 25);
      // One opener invocation at AWS latencies: reads and audit batches and SQS batches in sequence,
      // its slot writes 16 at a time (shared/app/open-slots.ts).
      const largestAtAws =
        ((largest.reads + largest.batches) * DDB_MS +
          Math.ceil(largest.puts / SWEEP_PARALLEL) * DDB_MS +
          largest.sqs * SQS_MS) /
        1000;
      const sweepAtAws = (sweepRequests.total * DDB_MS + Math.ceil(jobs.length / 10) * SQS_MS) / 1000;
      const units = OPEN_UNITS.toLocaleString('en-US');
      // The jobs the same roll-over would queue for the big table's units (computed, not run: the
      // whole fan-out at 10,000 units is ≈ 64,000 slot writes, minutes of DynamoDB Local here).
      const bigJobs = openingJobs(
        2027,
        defaultObligations,
        Array.from({ length: UNITS }, (_, i) => unitOf(i)),
        '2027-01-04',
      ).length;
      lines.push(
        line({
          what: `sweep (c): opening 2027 by the fan-out, ${units} units (${jobs.length} jobs of ≤ ${OPEN_SLOTS_SHARD} units, ${OPENER_CONCURRENCY} at a time)`,
          measured: seconds,
          unit: 's',
          baseline: slots / floorRate,
          baselineWhat: `floor: ${slots.toLocaleString('en-US')} bare slot writes at ${floorRate.toFixed(0)}/s`,
          goal: '≤ 1.5×',
          met: summary.opened === 0 && slots > 0 && seconds <= 1.5 * (slots / floorRate),
          note:
            `the roll-over sweep itself took ${sweepSeconds.toFixed(1)} s here (it only queues the jobs); ` +
            `at ${UNITS.toLocaleString('en-US')} units it would queue ${bigJobs} jobs of the same bound, ` +
            `${Math.ceil(bigJobs / OPENER_CONCURRENCY)} rounds of ${OPENER_CONCURRENCY}; ` +
            `${slots} slots opened by the jobs; floor rate from ${FLOOR_SLOTS} slot writes, ${SWEEP_PARALLEL} at a time`,
        }),
        line({
          what: 'sweep (c): the largest job (one message): DynamoDB write requests',
          measured: writesOf(largest),
          unit: 'writes',
          baseline: totalWrites,
          baselineWhat: 'the whole year in one invocation, as before the fan-out',
          goal: `≤ ${bound.toLocaleString('en-US')} at any size`,
          met: writesOf(largest) <= bound,
          note:
            `${largest.opened} slots: ${largest.puts} slot writes + ${largest.batches} audit BatchWriteItem; ` +
            `bound = ${OPEN_SLOTS_SHARD} units × 12 months + their audit batches, independent of the number of units`,
        }),
        line({
          what: `sweep (c): the largest job at AWS latencies (${largest.reads + writesOf(largest)} DynamoDB + ${largest.sqs} SQS requests)`,
          measured: largestAtAws,
          unit: 's',
          baseline: OPENER_TIMEOUT_S,
          baselineWhat: 'opener timeout',
          goal: '≤ 0.5×',
          met: largestAtAws <= 0.5 * OPENER_TIMEOUT_S,
          note:
            `assumed ${DDB_MS} ms per DynamoDB request, ${SQS_MS} ms per SendMessageBatch; slot writes ` +
            `${SWEEP_PARALLEL} at a time. The roll-over sweep at the same latencies: ` +
            `${sweepAtAws.toFixed(1)} s (${sweepRequests.total} DynamoDB + ${Math.ceil(jobs.length / 10)} SQS requests)`,
        }),
      );
    }
  } finally {
    await dropTables(client, [table, 'sweep-c', 'sweep-c-floor']);
  }
  return lines;
}
