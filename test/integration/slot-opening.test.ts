// Slot opening as a fan-out (issue 10, "scale limits"), on DynamoDB Local: the first sweep of a
// year, PUT obligation and PUT unit queue one job per obligation and shard of ≤ 200 units and
// answer at once; the opener handler (functions/opener/handler.ts) opens each job's slots,
// idempotently; a body that is not a job is dropped, never retried.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler as opener } from '../../functions/opener/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { putObligation, putUnit } from '../../shared/app/admin';
import type { MessageQueue, OpenSlotsJob, OutgoingMessage, SlotOpener } from '../../shared/app/ports';
import { OPEN_SLOTS_SHARD, openingJobs, openSlotsJobSchema } from '../../shared/app/slot-opening';
import { openedMarker, sweep } from '../../shared/app/sweep';
import { defaultObligations } from '../../shared/domain/defaults';
import { type Obligation, obligationBodySchema, type Principal, type Unit } from '../../shared/domain/model';
import { sqsFields } from '../support/sqs';

const endpoints = inject('endpoints');
const ddb = new DynamoDBClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: endpoints.dynamodb,
});
const TABLE = `opening-${randomBytes(4).toString('hex')}`;
const store = new DynamoStore(ddb, TABLE);
const clock = new SettableClock();
const office: Principal = { role: 'office', sub: 'tester' };
const NOW = new Date('2026-03-02T10:00:00+08:00');
const noQueue: MessageQueue = { enqueue: async () => {} };
/** The notify queue the opener handler is wired with: the request notices (报送通知) it queues. */
const notices: OutgoingMessage[] = [];
const notifyQueue: MessageQueue = { enqueue: async (m) => void notices.push(...m) };
const WEB = 'https://baosong.example.gov.cn';

/** A recording opener: what a call queued (the SQS adapter sends exactly these bodies). */
const recorded: OpenSlotsJob[] = [];
const recording: SlotOpener = { request: async (jobs) => void recorded.push(...jobs) };

const unit = (i: number, tags: string[] = []): Unit => ({
  unitId: `town-${String(i).padStart(3, '0')}`,
  name: `单位${i}`,
  kind: 'town',
  tags,
  active: true,
  contacts: [],
});
const plan = defaultObligations.find((o) => o.obligationId === 'annual-plan')!;
const monthly = defaultObligations.find((o) => o.obligationId === 'monthly-publicity')!;

const sqsEvent = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `r-${i}`,
    body,
    ...sqsFields('open-slots'),
  })),
});
const runOpener = (jobs: unknown[]) =>
  opener(sqsEvent(jobs.map((j) => (typeof j === 'string' ? j : JSON.stringify(j)))), {
    functionName: 'opener',
    awsRequestId: 't',
  } as Context);
const slotsOf = async (ob: Obligation, period: string) =>
  (await store.slotsOfPeriod(ob.obligationId, period, { limit: 5000 })).items.length;

beforeAll(async () => {
  await createTable(ddb, TABLE);
  clock.set(NOW);
  setDeps({ store, clock, queue: notifyQueue, webBaseUrl: WEB });
  for (const obligation of defaultObligations) await store.write([{ type: 'putObligation', obligation }]);
  // 450 units, the first 250 of them law-enforcement units (the monthly report applies to those)
  for (let i = 0; i < 450; i++)
    await store.write([{ type: 'putUnit', unit: unit(i, i < 250 ? ['law-enforcement'] : []) }]);
}, 300_000);
afterAll(() => setDeps(undefined));

describe('jobs', () => {
  it('one per obligation and shard of ≤ 200 of the units it applies to; every unit once', () => {
    const units = Array.from({ length: 450 }, (_, i) => unit(i, i < 250 ? ['law-enforcement'] : []));
    units.push({ ...unit(999), active: false });
    const jobs = openingJobs(2026, [plan, monthly], units);
    expect(jobs.map((j) => [j.obligationId, j.unitIds.length])).toEqual([
      ['annual-plan', 200],
      ['annual-plan', 200],
      ['annual-plan', 50],
      ['monthly-publicity', 200],
      ['monthly-publicity', 50],
    ]);
    const planIds = jobs.filter((j) => j.obligationId === 'annual-plan').flatMap((j) => j.unitIds);
    expect(new Set(planIds).size).toBe(450);
    expect(planIds).not.toContain('town-999'); // inactive
    expect(openingJobs(2026, [{ ...plan, active: false }], units)).toEqual([]);
    for (const j of jobs) expect(openSlotsJobSchema.parse(j)).toEqual(j);
  });

  it('the opener’s schema refuses more than 200 units, no units, a bad year, another field', () => {
    const ok = { year: 2026, obligationId: 'annual-plan', unitIds: ['town-a'] };
    expect(openSlotsJobSchema.safeParse(ok).success).toBe(true);
    const ids = Array.from({ length: OPEN_SLOTS_SHARD + 1 }, (_, i) => `town-${i}`);
    for (const bad of [
      { ...ok, unitIds: ids },
      { ...ok, unitIds: [] },
      { ...ok, year: 26 },
      { ...ok, extra: true },
      { ...ok, obligationId: 'Bad Id' },
    ])
      expect(openSlotsJobSchema.safeParse(bad).success, JSON.stringify(bad).slice(0, 60)).toBe(false);
  });
});

describe('PUT obligation, PUT unit, the first sweep of a year: jobs, not slots', () => {
  it('a new obligation queues its jobs and opens nothing itself; the opener opens them, once', async () => {
    recorded.length = 0;
    const ob: Obligation = { ...plan, obligationId: 'fanout-plan', name: '扇出测试' };
    const { obligationId, ...body } = ob;
    const r = await putObligation(store, office, obligationId, body, NOW, undefined, undefined, recording);
    expect(r.opened).toBe(0);
    expect(recorded.map((j) => [j.obligationId, j.unitIds.length])).toEqual([
      ['fanout-plan', 200],
      ['fanout-plan', 200],
      ['fanout-plan', 50],
    ]);
    expect(await slotsOf(ob, '2026')).toBe(0); // answered before any slot exists

    expect(await runOpener(recorded)).toEqual({ batchItemFailures: [] });
    expect(await slotsOf(ob, '2026')).toBe(450);
    const opened = async () =>
      (await store.auditOf('town-000', 2026, { limit: 1000 })).items.filter(
        (e) => e.action === 'slot-opened' && e.obligationId === 'fanout-plan',
      ).length;
    expect(await opened()).toBe(1);
    // a redelivered job opens nothing twice
    expect(await runOpener([recorded[0]])).toEqual({ batchItemFailures: [] });
    expect(await slotsOf(ob, '2026')).toBe(450);
    expect(await opened()).toBe(1);
  });

  it('a new unit queues one job per obligation that applies to it', async () => {
    recorded.length = 0;
    const u = unit(500, ['law-enforcement']);
    const r = await putUnit(store, office, u, NOW, { opener: recording });
    expect(r.opened).toBe(0);
    expect(recorded.every((j) => j.unitIds.length === 1 && j.unitIds[0] === u.unitId)).toBe(true);
    // not the event duties (normative-filing, normative-review): their slots open per declared event
    expect(recorded.map((j) => j.obligationId).sort()).toEqual(
      [
        ...defaultObligations.filter((o) => o.kind !== 'event').map((o) => o.obligationId),
        'fanout-plan',
      ].sort(),
    );
    expect(await store.getSlot('monthly-publicity', '2026-03', u.unitId)).toBeNull();
    await runOpener(recorded);
    expect(await store.getSlot('monthly-publicity', '2026-03', u.unitId)).toMatchObject({ state: 'open' });
  });

  it('a one-off request: jobs for the units it applies to; the opener opens them and queues each its 报送通知', async () => {
    recorded.length = 0;
    notices.length = 0;
    const liaison = (i: number): Unit => ({
      ...unit(600 + i, ['law-enforcement']),
      contacts: [{ role: 'liaison', name: `联络员${i}`, email: `l${i}@units.example.cn` }],
    });
    for (const i of [1, 2])
      await putUnit(store, office, liaison(i), NOW, { opener: { request: async () => {} } });
    const body = obligationBodySchema.parse({
      kind: 'once',
      name: '执法自查报告',
      dueDate: '2026-03-20',
      appliesTo: { unitIds: ['town-601', 'town-602'] },
    });
    const r = await putObligation(store, office, 'self-check', body, NOW, notifyQueue, WEB, recording);
    expect(r.opened).toBe(0);
    expect(recorded).toEqual([{ year: 2026, obligationId: 'self-check', unitIds: ['town-601', 'town-602'] }]);
    expect(notices).toEqual([]); // nothing told before the slots exist
    expect(await runOpener(recorded)).toEqual({ batchItemFailures: [] });
    expect(notices.map((m) => [m.channel, m.to, m.kind, m.period]).sort()).toEqual([
      ['email', 'l1@units.example.cn', 'request', '2026'],
      ['email', 'l2@units.example.cn', 'request', '2026'],
    ]);
    expect(notices.every((m) => m.text.includes(WEB))).toBe(true);
    expect((await store.getSlot('self-check', '2026', 'town-601'))?.sent).toContain('request');
    // a redelivered job re-sends nothing
    notices.length = 0;
    await runOpener(recorded);
    expect(notices).toEqual([]);
    // a one-off request already past due queues no job
    const late = { ...body, obligationId: 'late', dueDate: '2026-03-01' } as Obligation;
    expect(openingJobs(2026, [late], [liaison(1)], '2026-03-02')).toEqual([]);
    expect(openingJobs(2026, [late], [liaison(1)], '2026-03-01')).toHaveLength(1);
  });

  it('the first sweep of a year queues the year’s jobs and records the year; the next one queues none', async () => {
    recorded.length = 0;
    const at = new Date('2027-01-04T09:00:00+08:00');
    const first = await sweep({ store, queue: noQueue, opener: recording }, at);
    expect(first.opened).toBe(0);
    // five obligations for all 451 units (3 jobs each), the monthly one for 251 (2 jobs)
    expect(recorded.length).toBe(5 * 3 + 2);
    expect(new Set(recorded.map((j) => j.year))).toEqual(new Set([2027]));
    expect(await store.getMarker(openedMarker(2027))).not.toBeNull();
    recorded.length = 0;
    await sweep({ store, queue: noQueue, opener: recording }, new Date('2027-01-05T09:00:00+08:00'));
    expect(recorded).toEqual([]);
  });
});

describe('the opener handler', () => {
  it('drops a body that is not a job (no retry), and a job whose obligation is gone opens nothing', async () => {
    const r = await runOpener([
      'not json',
      { year: 2026, obligationId: 'annual-plan', unitIds: [] },
      { year: 2026, obligationId: 'gone-obligation', unitIds: ['town-001'] },
    ]);
    expect(r).toEqual({ batchItemFailures: [] });
    expect(await store.getSlot('gone-obligation', '2026', 'town-001')).toBeNull();
  });
});
