// The kept year scores (issue 12 item 4) on DynamoDB Local: for random sequences of slot changes
// — every duty kind (annual, half-year, quarterly, monthly, law-study quota, once, event with its
// follow-up), received on time or late, accepted, returned, waived, extended, closed by the sweep,
// replayed writes that lose their condition, an obligation whose kind or due date is edited,
// the settings changed — the assessment read from the score cards equals, byte for byte, the
// assessment recomputed from every slot; and it makes at most 3 DynamoDB requests.
import { randomBytes } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { loadCalendar } from '../../shared/app/calendar';
import { declareEvent } from '../../shared/app/events';
import { assessment, assessmentFromSlots, extend, waive } from '../../shared/app/office';
import { openSlots } from '../../shared/app/open-slots';
import { ConditionFailed, type Store } from '../../shared/app/ports';
import { sweep } from '../../shared/app/sweep';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import { AppError } from '../../shared/domain/errors';
import {
  type Obligation,
  obligationBodySchema,
  type Principal,
  type Slot,
  type Unit,
} from '../../shared/domain/model';
import { scoreCode } from '../../shared/domain/score';
import { applySlotEvent, type SlotEvent } from '../../shared/domain/slotState';

const endpoints = inject('endpoints');
const client = new DynamoDBClient({
  endpoint: endpoints.dynamodb,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
const office: Principal = { role: 'office', sub: 'office-test' };
const YEAR = 2026;
const OPENED = new Date('2026-01-05T09:00:00+08:00');

const ob = (obligationId: string, body: Record<string, unknown>): Obligation => ({
  obligationId,
  ...obligationBodySchema.parse({ name: obligationId, ...body }),
});
// Every duty kind: the defaults (annual, half-year, summary, law-study quota, monthly for
// law-enforcement units, the normative-document event and its follow-up) and a quarterly and a once.
const OBLIGATIONS: Obligation[] = [
  ...defaultObligations,
  ob('quarterly-stats', { kind: 'quarterly', dueDay: 10 }),
  ob('special-check', { kind: 'once', dueDate: '2026-03-31' }),
];
const UNITS: Unit[] = ['town-a', 'town-b', 'dept-c', 'dept-d'].map((unitId, i) => ({
  unitId,
  name: `单位${i}`,
  kind: i < 2 ? 'town' : 'department',
  tags: i % 2 === 0 ? ['law-enforcement'] : [],
  active: true,
  contacts: [],
}));
const quiet = { enqueue: async () => {} };

/** A fresh table with the year's slots opened and two events declared, every write through the store. */
async function world(): Promise<DynamoStore> {
  const table = `scores-${randomBytes(4).toString('hex')}`;
  await createTable(client, table);
  const store = new DynamoStore(client, table);
  await store.write([
    ...OBLIGATIONS.map((obligation) => ({ type: 'putObligation' as const, obligation })),
    ...UNITS.map((unit) => ({ type: 'putUnit' as const, unit })),
  ]);
  const cal = await loadCalendar(store, [YEAR]);
  await openSlots(store, cal, { year: YEAR, units: UNITS, obligations: OBLIGATIONS, now: OPENED });
  for (const [unitId, occurredOn] of [
    ['town-a', '2026-02-10'],
    ['dept-c', '2026-05-20'],
  ] as const)
    await declareEvent(
      { store },
      office,
      unitId,
      { obligationId: 'normative-filing', occurredOn, title: '文件' },
      new Date(`${occurredOn}T10:00:00+08:00`),
    );
  return store;
}

async function allSlots(store: Store): Promise<Slot[]> {
  return (await Promise.all(UNITS.map((u) => store.unitYear(u.unitId, YEAR)))).flatMap((r) => r.slots);
}

/** One random change, as the use cases make them (conditional on the slot's version). */
type Step =
  | {
      kind: 'event';
      slot: number;
      ev: 'received' | 'accepted' | 'returned' | 'waived' | 'closed' | 'became-overdue';
      day: number;
    }
  | { kind: 'extend'; slot: number; days: number }
  | { kind: 'waive'; slot: number }
  | { kind: 'replay'; slot: number; day: number }
  | { kind: 'sweep'; day: number }
  | { kind: 'edit-obligation'; which: number }
  | { kind: 'settings'; penalty: number; floor: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      slot: fc.nat(200),
      ev: fc.constantFrom(
        'received',
        'received',
        'received',
        'accepted',
        'returned',
        'waived',
        'closed',
        'became-overdue',
      ),
      day: fc.integer({ min: 0, max: 420 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extend' as const),
      slot: fc.nat(200),
      days: fc.integer({ min: 1, max: 60 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('waive' as const), slot: fc.nat(200) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      slot: fc.nat(200),
      day: fc.integer({ min: 0, max: 420 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('sweep' as const), day: fc.integer({ min: 0, max: 420 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('edit-obligation' as const), which: fc.nat(2) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('settings' as const),
      penalty: fc.constantFrom(0, 2.5, 10, 33),
      floor: fc.constantFrom(0, 40, 65.5),
    }),
  },
);

const dayOf = (day: number) => new Date(Date.parse('2026-01-01T10:00:00+08:00') + day * 86_400_000);

async function apply(store: Store, s: Step, stale: Map<string, Slot>): Promise<void> {
  const slots = await allSlots(store);
  const pick = (i: number) => slots[i % slots.length]!;
  const obs = new Map((await store.listObligations()).map((o) => [o.obligationId, o]));
  const cal = await loadCalendar(store, [YEAR, YEAR + 1]);
  const ignore = (err: unknown) => {
    if (!(err instanceof AppError) && !(err instanceof ConditionFailed)) throw err;
  };
  switch (s.kind) {
    case 'event': {
      const slot = pick(s.slot);
      const ev: SlotEvent =
        s.ev === 'received'
          ? {
              type: 'received',
              at: dayOf(s.day),
              submissionId: `01J${String(s.day).padStart(4, '0')}${randomBytes(4).toString('hex')}`,
            }
          : s.ev === 'returned'
            ? { type: 'returned', resubmitBy: '2026-12-20' }
            : { type: s.ev };
      try {
        const next = applySlotEvent(cal, obs.get(slot.obligationId)!, slot, ev);
        stale.set(`${slot.obligationId}#${slot.period}#${slot.unitId}`, slot);
        await store.write([{ type: 'putSlot', slot: next, ifVersion: slot.version }]);
      } catch (err) {
        ignore(err);
      }
      return;
    }
    case 'extend': {
      const slot = pick(s.slot);
      const until = new Date(Date.parse(`${slot.effectiveDeadline}T12:00:00+08:00`) + s.days * 86_400_000)
        .toISOString()
        .slice(0, 10);
      await extend(store, office, slot, { until, reason: '延期' }, dayOf(100)).catch(ignore);
      return;
    }
    case 'waive':
      await waive(store, office, pick(s.slot), { reason: '免报' }, dayOf(100)).catch(ignore);
      return;
    case 'replay': {
      // A duplicated or late-retried write: an older version of a slot, written again with the
      // condition it had then. It must change nothing — neither the slot nor its card.
      const old = [...stale.values()][s.slot % Math.max(1, stale.size)];
      if (!old) return;
      try {
        const next = applySlotEvent(cal, obs.get(old.obligationId)!, old, {
          type: 'received',
          at: dayOf(s.day),
          submissionId: '01JREPLAY',
        });
        await store.write([{ type: 'putSlot', slot: next, ifVersion: old.version }]);
      } catch (err) {
        ignore(err);
      }
      return;
    }
    case 'sweep':
      await sweep({ store, queue: quiet }, dayOf(s.day));
      return;
    case 'edit-obligation': {
      // The office edits an obligation: a kind changed (its old slots stop counting), a once
      // request moved to another year, and back.
      const edits = [
        ob('quarterly-stats', { kind: 'monthly', dueDay: 10 }),
        ob('special-check', { kind: 'once', dueDate: '2027-01-31' }),
        ...OBLIGATIONS.filter((o) => o.obligationId === 'quarterly-stats'),
      ];
      await store.write([{ type: 'putObligation', obligation: edits[s.which]! }]);
      return;
    }
    case 'settings':
      await store.write([
        {
          type: 'putSettings',
          settings: { ...defaultSettings, latePenaltyPerDay: s.penalty, lateFloor: s.floor },
        },
      ]);
      return;
  }
}

/** The kept assessment equals the recomputed one, as JSON, on days across the year and after it. */
async function expectSame(store: Store) {
  for (const day of ['2026-03-01T10:00:00+08:00', '2026-07-06T10:00:00+08:00', '2027-02-01T10:00:00+08:00']) {
    const now = new Date(day);
    const kept = await assessment(store, YEAR, now);
    const recomputed = await assessmentFromSlots(store, YEAR, now);
    expect(JSON.stringify(kept)).toBe(JSON.stringify(recomputed));
  }
}

describe('kept year scores', () => {
  it('equal the scores recomputed from the slots, for random sequences of slot changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const store = await world();
        await assessment(store, YEAR, OPENED); // the first read marks the year (nothing to fill in)
        expect(await store.getMarker(`scores-kept#${YEAR}`)).not.toBeNull();
        const stale = new Map<string, Slot>();
        for (const [i, s] of steps.entries()) {
          await apply(store, s, stale);
          if (i % 8 === 7) await expectSame(store);
        }
        await expectSame(store);
      }),
      { seed: 20261128, numRuns: 6, endOnFailure: true },
    );
  }, 600_000);

  it('count only what the obligations count now: a kind changed, a one-off moved to another year', async () => {
    const store = await world();
    const now = new Date('2026-12-20T10:00:00+08:00');
    await assessment(store, YEAR, OPENED); // marks the year
    const before = await assessment(store, YEAR, now);
    await store.write([
      { type: 'putObligation', obligation: ob('quarterly-stats', { kind: 'monthly', dueDay: 10 }) },
      { type: 'putObligation', obligation: ob('special-check', { kind: 'once', dueDate: '2027-01-31' }) },
    ]);
    const after = await assessment(store, YEAR, now);
    expect(JSON.stringify(after)).toBe(JSON.stringify(await assessmentFromSlots(store, YEAR, now)));
    // Three quarters past due (Q4's is in 2027) and the one-off, all missing before, no longer count.
    const missing = (a: typeof before) => new Map(a.items.map((i) => [i.unitId, i.missing]));
    expect(missing(after)).toEqual(new Map([...missing(before)].map(([u, m]) => [u, m - 4])));
  });

  it('reads the year with at most 3 DynamoDB requests once it is marked', async () => {
    const store = await world();
    await assessment(store, YEAR, OPENED); // marks the year
    let sent: string[] = [];
    client.middlewareStack.add(
      ((next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
        sent.push(ctx.commandName ?? '?');
        return next(args);
      }) as never,
      { step: 'initialize', name: 'keptScoresCounter' },
    );
    try {
      sent = [];
      const kept = await assessment(store, YEAR, new Date('2026-12-20T10:00:00+08:00'));
      expect(sent.sort()).toEqual(['BatchGetItemCommand', 'QueryCommand', 'QueryCommand']);
      expect(kept.items.length).toBe(UNITS.length);
      sent = [];
      await assessmentFromSlots(store, YEAR, new Date('2026-12-20T10:00:00+08:00'));
      expect(sent.length).toBeGreaterThan(20); // one Query per period: what the cards save
    } finally {
      client.middlewareStack.remove('keptScoresCounter');
    }
  });

  it('fills in a year written before cards were kept, and never sets an entry back to an older version', async () => {
    const store = await world();
    const table = (store as unknown as { table: string }).table;
    // As before cards were kept: no cards, no marker, and slots changed with no card beside them.
    const cards = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: `SCORES#${YEAR}` } },
      }),
    );
    expect(cards.Items?.length).toBe(UNITS.length);
    for (const item of cards.Items ?? [])
      await client.send(new DeleteItemCommand({ TableName: table, Key: { PK: item.PK!, SK: item.SK! } }));
    const cal = await loadCalendar(store, [YEAR]);
    const obs = new Map(OBLIGATIONS.map((o) => [o.obligationId, o]));
    const toPut = (slot: Slot) =>
      (store as unknown as { toPut(op: unknown): { Item: Record<string, unknown> } }).toPut({
        type: 'putSlot',
        slot,
        ifVersion: slot.version,
      }).Item;
    const before = await allSlots(store);
    for (const [i, slot] of before.entries()) {
      if (i % 2) continue;
      // Received a day after its deadline (late), or waived.
      const at = new Date(Date.parse(`${slot.effectiveDeadline}T10:00:00+08:00`) + 86_400_000);
      const ev: SlotEvent =
        i % 3 === 0 ? { type: 'received', at, submissionId: `01JOLD${i}` } : { type: 'waived' };
      const next = applySlotEvent(cal, obs.get(slot.obligationId)!, slot, ev);
      await doc.send(new PutCommand({ TableName: table, Item: toPut(next) }));
    }
    const now = new Date('2026-12-20T10:00:00+08:00');
    const first = await assessment(store, YEAR, now);
    expect(JSON.stringify(first)).toBe(JSON.stringify(await assessmentFromSlots(store, YEAR, now)));
    expect(await store.getMarker(`scores-kept#${YEAR}`)).not.toBeNull();
    // Now from the cards it filled in: the same.
    expect(JSON.stringify(await assessment(store, YEAR, now))).toBe(JSON.stringify(first));

    // A backfill that read a slot before its latest change does not undo that change on the card.
    const slot = (await allSlots(store)).find((s) => s.state === 'open' && s.kind === 'deadline')!;
    const newer = applySlotEvent(cal, obs.get(slot.obligationId)!, slot, {
      type: 'received',
      at: new Date('2026-03-01T10:00:00+08:00'),
      submissionId: '01JNEW',
    });
    await store.write([{ type: 'putSlot', slot: newer, ifVersion: slot.version }]);
    await store.keepScores([slot]); // the older version
    const entry = (await store.scoreCards(YEAR))
      .find((c) => c.unitId === slot.unitId)!
      .entries.find((e) => e.obligationId === slot.obligationId && e.period === slot.period)!;
    expect(entry.code).toBe(scoreCode(newer));
    expect(entry.code).not.toBe(scoreCode(slot));
  });
});
