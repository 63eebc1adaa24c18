// The office's reads at scale (2,000 units; --quick: 500), over HTTP on the local runtime:
// - the board of one period: DynamoDB requests, and p50 against the floor — the bare DynamoDB
//   requests it needs (the obligation's GetItem, the Query pages of the period's slot partition
//   and of the units partition, all at once as the board makes them), timed alone in the same
//   run, interleaved;
// - the assessment of the year (from the kept year score cards): DynamoDB requests, and p50
//   against the board's p50.
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { startLocal } from '../../infra/local/server';
import type { DynamoStore } from '../../shared/adapters/dynamo/store';
import { keys } from '../../shared/adapters/dynamo/keys';
import { loadCalendar } from '../../shared/app/calendar';
import type { WriteOp } from '../../shared/app/ports';
import { defaultObligations } from '../../shared/domain/defaults';
import { appliesTo, newSlot, periodsOfYear } from '../../shared/domain/due';
import type { Slot, Unit } from '../../shared/domain/model';
import { type BenchOptions, countRequests, type Line, line, median, seeded } from './lib';
import { seedOps } from './seed';

export async function officeBench(opts: BenchOptions): Promise<Line[]> {
  const UNITS = opts.quick ? 500 : 2000;
  const RUNS = opts.quick ? 7 : 21;
  const rt = await startLocal({ demoUnits: false });
  try {
    rt.clock.set(new Date('2026-12-20T10:00:00+08:00'));
    const store = rt.deps.store as DynamoStore;
    const table = (store as unknown as { table: string }).table;
    const cal = await loadCalendar(store, [2026]);
    const rand = seeded(7);
    const ops: WriteOp[] = [];
    for (let i = 0; i < UNITS; i++) {
      const unit: Unit = {
        unitId: `unit-${String(i).padStart(5, '0')}`,
        name: `单位${i}`,
        kind: i % 2 ? 'town' : 'department',
        tags: i % 5 === 0 ? ['law-enforcement'] : [],
        active: true,
        contacts: [],
      };
      ops.push({ type: 'putUnit', unit });
      for (const ob of defaultObligations) {
        if (!appliesTo(ob, unit)) continue;
        for (const period of periodsOfYear(ob, 2026)) {
          let slot: Slot = newSlot(cal, ob, unit, period, '2026-12-20');
          // Most delivered, some late, a few still owing.
          const r = rand();
          if (r < 0.7) slot = { ...slot, state: 'accepted', onTime: true, lateDays: 0, nextActionDate: null };
          else if (r < 0.9)
            slot = {
              ...slot,
              state: 'submitted',
              onTime: false,
              lateDays: 1 + Math.floor(rand() * 9),
              nextActionDate: null,
            };
          ops.push({ type: 'putSlot', slot: { ...slot, version: 1 }, ifVersion: 1 });
        }
      }
    }
    await seedOps(rt.clients.dynamodb, table, ops);

    const token = await rt.tokens.issue({ role: 'office' });
    const counter = countRequests(rt.clients.dynamodb);
    const get = async (path: string) => {
      const before = counter.total;
      const t = performance.now();
      const r = await fetch(`${rt.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      const ms = performance.now() - t;
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      return { ms, requests: counter.total - before };
    };
    /** Every Query page of one partition, bare (no unmarshalling). */
    const partition = async (pk: string) => {
      let ExclusiveStartKey: Record<string, never> | undefined;
      do {
        const r = await rt.clients.dynamodb.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': { S: pk } },
            ExclusiveStartKey,
          }),
        );
        ExclusiveStartKey = r.LastEvaluatedKey as typeof ExclusiveStartKey;
      } while (ExclusiveStartKey);
    };
    /** The floor: the board's own DynamoDB requests, bare (no HTTP, no unmarshalling), all at once. */
    const floor = async () => {
      const t = performance.now();
      const { PK, SK } = keys.obligation('annual-summary');
      await Promise.all([
        rt.clients.dynamodb.send(
          new GetItemCommand({ TableName: table, Key: { PK: { S: PK }, SK: { S: SK } } }),
        ),
        partition(keys.slotPK('annual-summary', '2026')),
        partition(keys.unitsPK),
      ]);
      return performance.now() - t;
    };
    const board = '/v1/status?obligationId=annual-summary&period=2026';
    const assessment = '/v1/assessment?year=2026';
    await get(board); // warm-up
    await get(assessment);
    const t = { board: [] as number[], floor: [] as number[], assessment: [] as number[] };
    let boardRequests = 0;
    let assessmentRequests = 0;
    for (let i = 0; i < RUNS; i++) {
      t.floor.push(await floor());
      const b = await get(board);
      t.board.push(b.ms);
      boardRequests = b.requests;
      const a = await get(assessment);
      t.assessment.push(a.ms);
      assessmentRequests = a.requests;
    }
    const p50 = { board: median(t.board), floor: median(t.floor), assessment: median(t.assessment) };
    const n = UNITS.toLocaleString('en-US');
    return [
      line({
        what: `board (${n} units): DynamoDB requests`,
        measured: boardRequests,
        unit: '',
        baseline: 3,
        baselineWhat: 'limit',
        goal: '≤ 3',
        met: boardRequests <= 3,
      }),
      line({
        what: `board (${n} units): p50 over HTTP`,
        measured: p50.board,
        unit: 'ms',
        baseline: p50.floor,
        baselineWhat: 'its bare DynamoDB requests (obligation, slot and unit pages), p50',
        goal: '≤ 1.3×',
        met: p50.board <= 1.3 * p50.floor,
        note: `${RUNS} runs each, interleaved`,
      }),
      line({
        what: `assessment (${n} units): DynamoDB requests`,
        measured: assessmentRequests,
        unit: '',
        baseline: 3,
        baselineWhat: 'limit',
        goal: '≤ 3',
        met: assessmentRequests <= 3,
      }),
      line({
        what: `assessment (${n} units): p50 over HTTP`,
        measured: p50.assessment,
        unit: 'ms',
        baseline: p50.board,
        baselineWhat: 'board p50',
        goal: '≤ 1.5×',
        met: p50.assessment <= 1.5 * p50.board,
        note: 'from the kept year score cards (the warm-up read fills them in for the seeded slots)',
      }),
    ];
  } finally {
    await rt.stop();
  }
}
