// The office's reads at scale (2,000 units; --quick: 500), over HTTP on the local runtime:
// - the board of one period: DynamoDB requests, and p50 against the floor — the very DynamoDB
//   requests the board makes (recorded from a board read: the BatchGetItem of the obligation and
//   calendars, each Query page of the period's slots and of the units, with the same projection,
//   limit and start keys), replayed bare on the low-level client as the board issues them (the
//   three at once, the pages of one partition one after another), timed alone in the same run;
// - the assessment of the year (from the kept year score cards): DynamoDB requests, and p50
//   against the board's p50.
// The samples are interleaved (the order alternates every round) after a warm-up, so that the
// machine's noise falls on the board and its floor alike.
import { Agent, request } from 'node:http';
import { BatchGetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import type { DynamoStore } from '../../shared/adapters/dynamo/store';
import { loadCalendar } from '../../shared/app/calendar';
import type { WriteOp } from '../../shared/app/ports';
import { defaultObligations } from '../../shared/domain/defaults';
import { appliesTo, newSlot, periodsOfYear } from '../../shared/domain/due';
import type { Slot, Unit } from '../../shared/domain/model';
import { type BenchOptions, countRequests, type Line, line, median, seeded } from './lib';
import { seedOps } from './seed';

/** Seeds `units` units and every default obligation's 2026 slots (most delivered, some late, a few owing). */
export async function seedOffice(rt: LocalRuntime, units: number) {
  const store = rt.deps.store as DynamoStore;
  const table = (store as unknown as { table: string }).table;
  const cal = await loadCalendar(store, [2026]);
  const rand = seeded(7);
  const ops: WriteOp[] = [];
  for (let i = 0; i < units; i++) {
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
  return { table };
}

type Recorded = { command: string; input: Record<string, unknown> };

/**
 * Records the low-level input of every request the client sends (after the document client's
 * marshalling: what goes on the wire) while `on()` is true.
 */
function recordRequests(client: LocalRuntime['clients']['dynamodb']) {
  const out = { on: false, requests: [] as Recorded[] };
  client.middlewareStack.add(
    ((next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: { input: unknown }) => {
      if (out.on)
        out.requests.push({
          command: ctx.commandName ?? 'unknown',
          input: structuredClone(args.input) as Record<string, unknown>,
        });
      return next(args);
    }) as never,
    { step: 'build', name: 'benchRecorder' },
  );
  return out;
}

export async function officeBench(opts: BenchOptions): Promise<Line[]> {
  const UNITS = opts.quick ? 500 : 2000;
  const RUNS = opts.quick ? 9 : 15;
  const rt = await startLocal({ demoUnits: false });
  try {
    rt.clock.set(new Date('2026-12-20T10:00:00+08:00'));
    await seedOffice(rt, UNITS);

    const token = await rt.tokens.issue({ role: 'office' });
    const client = rt.clients.dynamodb;
    const counter = countRequests(client);
    const recorder = recordRequests(client);
    // node:http with keep-alive, as the SDK sends the floor's requests (fetch's parser costs more).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = async (path: string) => {
      const before = counter.total;
      const t = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        request(`${rt.url}${path}`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
          res.on('data', () => {});
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        })
          .on('error', reject)
          .end();
      });
      const ms = performance.now() - t;
      if (status !== 200) throw new Error(`${path}: ${status}`);
      return { ms, requests: counter.total - before };
    };
    const board = '/v1/status?obligationId=annual-summary&period=2026';
    const assessment = '/v1/assessment?year=2026';

    // The board's own requests, recorded from one read; the floor replays them bare.
    recorder.on = true;
    await get(board);
    recorder.on = false;
    const chains = new Map<string, Recorded[]>();
    for (const r of recorder.requests) {
      const pk = (r.input.ExpressionAttributeValues as { ':pk'?: { S?: string } } | undefined)?.[':pk']?.S;
      const chain = `${r.command}:${pk ?? ''}`;
      chains.set(chain, [...(chains.get(chain) ?? []), r]);
    }
    const send = (r: Recorded) =>
      r.command === 'QueryCommand'
        ? client.send(new QueryCommand(r.input as never))
        : r.command === 'BatchGetItemCommand'
          ? client.send(new BatchGetItemCommand(r.input as never))
          : Promise.reject(new Error(`the board sent ${r.command}: add it to the floor`));
    const floor = async () => {
      const t = performance.now();
      await Promise.all(
        [...chains.values()].map(async (pages) => {
          for (const p of pages) await send(p);
        }),
      );
      return performance.now() - t;
    };

    // Warm-up: the JIT, the connections, DynamoDB Local's caches; the first assessment fills in
    // the score cards of the seeded slots.
    for (let i = 0; i < 3; i++) {
      await floor();
      await get(board);
    }
    await get(assessment);
    await get(assessment);

    const t = { board: [] as number[], floor: [] as number[], assessment: [] as number[] };
    let boardRequests = 0;
    let assessmentRequests = 0;
    for (let i = 0; i < RUNS; i++) {
      // The order alternates, so that neither always follows the other.
      let b: Awaited<ReturnType<typeof get>>;
      if (i % 2) {
        b = await get(board);
        t.floor.push(await floor());
      } else {
        t.floor.push(await floor());
        b = await get(board);
      }
      t.board.push(b.ms);
      boardRequests = Math.max(boardRequests, b.requests);
      const a = await get(assessment);
      t.assessment.push(a.ms);
      assessmentRequests = Math.max(assessmentRequests, a.requests);
    }
    agent.destroy();
    const p50 = { board: median(t.board), floor: median(t.floor), assessment: median(t.assessment) };
    const n = UNITS.toLocaleString('en-US');
    const floorWhat = [...chains.entries()]
      .map(([k, pages]) => `${pages.length} ${k.startsWith('Query') ? 'Query' : 'BatchGetItem'}`)
      .join(' + ');
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
        baselineWhat: `its own DynamoDB requests replayed bare (${floorWhat}), p50`,
        goal: '≤ 1.3×',
        met: p50.board <= 1.3 * p50.floor,
        note: `${RUNS} interleaved rounds after a warm-up of 3`,
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
