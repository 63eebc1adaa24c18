// One-off requests, event-driven duties and 签收 end to end on the local runtime (issue 13):
//
//   2026-09-28 a unit declares a normative document published 2026-09-25 (Mid-Autumn Festival):
//     filing due 09-25 + 30 = 10-25 (Sunday) → 10-26; the review 365 days on, 2027-09-25 (Saturday)
//     → 09-27 in 2027, a provisional year (weekends + fixed holidays only).
//   2026-11-02 the office asks units tagged law-enforcement for a one-off 执法统计表 due 11-20 (Fri):
//     only they get slots and a 报送通知 that day; reminders 11-13 (−7), 11-17 (−3), 11-19 (−1),
//     11-20 (0); the leader on 11-23 (first working day late); it counts in the 2026 assessment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifyPipeline, notifyPipeline, notifyPipelinePlugin } from '../../infra/local/notify-pipeline';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import { loadCalendar } from '../../shared/app/calendar';
import { eachDate, shanghaiDate } from '../../shared/domain/dates';
import { applySlotEvent } from '../../shared/domain/slotState';
import { setLogLevel } from '../../shared/adapters/logger';

type Mail = { day: string; to: string; subject: string; text: string };
type Json = Record<string, unknown> & { error?: { code?: string; details?: Array<{ field: string }> } };

let rt: LocalRuntime;
let pipe: NotifyPipeline;
let office = '';
const tokens: Record<string, string> = {};
const OFFICE = { email: 'office@kinds.example.gov.cn', phone: '+8613700000000' };

const unit = (name: string, n: number, tags: string[]) => ({
  name,
  kind: 'department',
  tags,
  contacts: [
    {
      role: 'liaison',
      name: `联络员${n}`,
      email: `liaison${n}@kinds.example.gov.cn`,
      phone: `+86138000200${n}0`,
    },
    {
      role: 'leader',
      name: `负责人${n}`,
      email: `leader${n}@kinds.example.gov.cn`,
      phone: `+86139000200${n}0`,
    },
  ],
});

async function call(method: string, path: string, body?: unknown, token = office) {
  const r = await fetch(`${rt.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: (text && text[0] === '{' ? JSON.parse(text) : {}) as Json, text };
}
const dev = (path: string, body: unknown) =>
  fetch(`${rt.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
const setClock = (iso: string) => dev('/dev/clock', { now: iso });
async function outbox(day: string): Promise<Mail[]> {
  const box = (await (await fetch(`${rt.url}/dev/outbox`)).json()) as { emails: Omit<Mail, 'day'>[] };
  await pipe.clearOutbox();
  return box.emails.map((e) => ({ ...e, day }));
}

const STATS = {
  kind: 'once',
  name: '行政执法统计表',
  dueDate: '2026-11-20',
  appliesTo: { tags: ['law-enforcement'] },
  instructions: '请按附件格式填写本单位1—10月行政执法案件统计表。',
};

let event: Json & { eventId?: string; slots?: Json[] } = {};
const requestMails: Mail[] = [];
const statsMails: Mail[] = [];

beforeAll(async () => {
  setLogLevel('ERROR');
  rt = await startLocal({ demoUnits: false, plugins: [notifyPipelinePlugin] });
  pipe = notifyPipeline(rt);
  await setClock('2026-09-28T10:00:00+08:00');
  office = await rt.tokens.issue({ role: 'office' });
  for (const u of ['enf-a', 'enf-b', 'plain']) tokens[u] = await rt.tokens.issue({ role: 'unit', unitId: u });
  const settings = {
    officeContacts: [{ name: '区政府法制办公室', ...OFFICE }],
    smsSignature: '【区法制办】',
    senderEmail: 'noreply@example.gov.cn',
    sesRatePerSecond: 1000,
  };
  expect((await call('PUT', '/v1/settings', settings)).status).toBe(200);
  expect((await call('PUT', '/v1/units/enf-a', unit('区甲局', 1, ['law-enforcement']))).status).toBe(201);
  expect((await call('PUT', '/v1/units/enf-b', unit('区乙局', 2, ['law-enforcement']))).status).toBe(201);
  expect((await call('PUT', '/v1/units/plain', unit('丙镇', 3, []))).status).toBe(201);
  await pipe.drain();
  await pipe.clearOutbox();

  // 2026-09-28: the unit declares its normative document.
  const r = await call(
    'POST',
    '/v1/units/enf-a/events',
    {
      obligationId: 'normative-filing',
      occurredOn: '2026-09-25',
      title: '《行政执法公示办法》',
      ref: '区甲发〔2026〕7号',
    },
    tokens['enf-a'],
  );
  expect(r.status).toBe(201);
  event = r.json;
  await pipe.drain();
  requestMails.push(...(await outbox('2026-09-28')));
  await submit('enf-a', 'normative-filing', String(event.eventId), new Date('2026-10-20T10:00:00+08:00'));

  // 2026-11-02: the office's one-off request; then a sweep every day to the end of November.
  await setClock('2026-11-02T10:00:00+08:00');
  expect((await call('PUT', '/v1/obligations/stats-2026', STATS)).status).toBe(201);
  await pipe.drain();
  statsMails.push(...(await outbox('2026-11-02')));
  for (const day of eachDate('2026-11-03', '2026-11-30')) {
    await setClock(`${day}T09:00:00+08:00`);
    if (day === '2026-11-18')
      await submit('enf-a', 'stats-2026', '2026', new Date('2026-11-18T15:00:00+08:00'));
    await dev('/dev/sweep', { at: `${day}T09:00:00+08:00` });
    statsMails.push(
      ...(await outbox(day)).filter(
        (m) => m.subject.includes(STATS.name) || (m.to === OFFICE.email && m.text.includes(STATS.name)),
      ),
    );
  }
}, 180_000);

afterAll(async () => {
  await rt?.stop();
});

/** Records a received version as the receipt function would. */
async function submit(unitId: string, obligationId: string, period: string, at: Date) {
  const { store } = rt.deps;
  const [ob, slot] = await Promise.all([
    store.getObligation(obligationId),
    store.getSlot(obligationId, period, unitId),
  ]);
  const cal = await loadCalendar(store, [2026]);
  const next = applySlotEvent(
    cal,
    ob!,
    slot!,
    { type: 'received', at, submissionId: `sub-${unitId}` },
    shanghaiDate(at),
  );
  await store.write([{ type: 'putSlot', slot: next, ifVersion: slot!.version }]);
}

describe('an event: 规范性文件备案 and its follow-up', () => {
  it('opens the filing due 2026-10-26 and the review due 2027-09-27 (2027 provisional), period = the event id', async () => {
    expect(event.eventId).toMatch(/^2026-09-25-[0-9a-z]{8}$/);
    expect(event).toMatchObject({
      unitId: 'enf-a',
      obligationId: 'normative-filing',
      occurredOn: '2026-09-25',
      ref: '区甲发〔2026〕7号',
    });
    const slots = event.slots as Array<Record<string, unknown>>;
    expect(slots.map((s) => [s.obligationId, s.period, s.deadline, s.effectiveDeadline])).toEqual([
      ['normative-filing', event.eventId, '2026-10-25', '2026-10-26'],
      ['normative-review', event.eventId, '2027-09-25', '2027-09-27'],
    ]);
    expect((await call('GET', '/v1/calendar/2027')).json.source).toBe('provisional');
    const board = await call('GET', `/v1/status?obligationId=normative-filing&period=${event.eventId}`);
    expect(board.json).toMatchObject({ deadline: '2026-10-25', effectiveDeadline: '2026-10-26' });
  });

  it('sends the unit one 报送通知 per slot it opens, naming the document and the deadline', () => {
    expect(requestMails.map((m) => [m.to, m.subject])).toEqual(
      expect.arrayContaining([
        [
          'liaison1@kinds.example.gov.cn',
          '【报送通知】区甲局：请于10月26日（周一）前报送规范性文件备案（《行政执法公示办法》）',
        ],
        [
          'liaison1@kinds.example.gov.cn',
          '【报送通知】区甲局：请于9月27日（周一）前报送规范性文件实施情况周年报告（《行政执法公示办法》）',
        ],
      ]),
    );
    expect(requestMails).toHaveLength(2);
    expect(requestMails[0]!.text).toContain('30日内报送备案');
  });

  it('lists the unit’s events of a year (the unit and the office), not another unit’s', async () => {
    const mine = await call('GET', '/v1/units/enf-a/events?year=2026', undefined, tokens['enf-a']);
    expect(mine.status).toBe(200);
    expect((mine.json.items as Json[]).map((e) => e.eventId)).toEqual([event.eventId]);
    expect(((await call('GET', '/v1/units/enf-a/events?year=2026')).json.items as Json[]).length).toBe(1);
    expect((await call('GET', '/v1/units/enf-a/events?year=2025')).json.items).toEqual([]);
    expect((await call('GET', '/v1/units/enf-a/events', undefined, tokens['enf-b'])).status).toBe(403);
    // The slots show up in the unit's year, with the event.
    const slots = (await call('GET', '/v1/units/enf-a/slots?year=2026', undefined, tokens['enf-a'])).json
      .items as Json[];
    const filing = slots.find((s) => s.obligationId === 'normative-filing');
    expect(filing).toMatchObject({ event: { title: '《行政执法公示办法》', occurredOn: '2026-09-25' } });
  });

  it('bad input: another kind 400, in the future 400, another unit 403, unknown obligation 404, bad text 400; nothing opened', async () => {
    const body = { obligationId: 'normative-filing', occurredOn: '2026-11-01', title: '《办法》' };
    const post = (b: unknown, t = tokens['enf-b']) => call('POST', '/v1/units/enf-b/events', b, t);
    const kind = await post({ ...body, obligationId: 'annual-plan' });
    expect([kind.status, kind.json.error?.code, kind.json.error?.details?.[0]?.field]).toEqual([
      400,
      'invalid_input',
      'obligationId',
    ]);
    const future = await post({ ...body, occurredOn: '2026-12-01' });
    expect([future.status, future.json.error?.details?.[0]?.field]).toEqual([400, 'occurredOn']);
    expect((await post(body, tokens['enf-a'])).status).toBe(403);
    expect((await post({ ...body, obligationId: 'nope-nope' })).status).toBe(404);
    expect((await post({ ...body, title: 'a\u0000b' })).status).toBe(400);
    expect((await post({ ...body, title: '' })).status).toBe(400);
    expect((await post({ ...body, occurredOn: '2026-02-30' })).status).toBe(400);
    expect((await post({ ...body, extra: 1 })).status).toBe(400);
    expect((await call('POST', '/v1/units/ghost-unit/events', body)).status).toBe(404);
    expect((await call('GET', '/v1/units/enf-b/events?year=2026')).json.items).toEqual([]);
    // The office may declare one for the unit.
    const byOffice = await call('POST', '/v1/units/enf-b/events', body);
    expect(byOffice.status).toBe(201);
  });
});

describe('a one-off request (临时报送) for law-enforcement units, due 2026-11-20', () => {
  it('opens slots only for the units it applies to, with a 报送通知 that day', async () => {
    expect((await call('GET', '/v1/status?obligationId=stats-2026&period=2026')).json.items).toEqual([
      expect.objectContaining({ unitId: 'enf-a', acknowledgedAt: null }),
      expect.objectContaining({ unitId: 'enf-b', acknowledgedAt: null }),
    ]);
    const first = statsMails.filter((m) => m.day === '2026-11-02');
    expect(first.map((m) => m.to).sort()).toEqual([
      'liaison1@kinds.example.gov.cn',
      'liaison2@kinds.example.gov.cn',
    ]);
    expect(first.map((m) => m.subject).sort()).toEqual([
      '【报送通知】区乙局：请于11月20日（周五）前报送行政执法统计表',
      '【报送通知】区甲局：请于11月20日（周五）前报送行政执法统计表',
    ]);
    expect(first[0]!.text).toContain('2026年11月20日（星期五）');
    expect(first[0]!.text).toContain(STATS.instructions);
  });

  it('reminds the unit that has not reported at −7/−3/−1/0 and escalates after, not the one that did', () => {
    const to = (addr: string) =>
      statsMails.filter((m) => m.to === addr && !m.subject.startsWith('【报送通知】'));
    expect(to('liaison2@kinds.example.gov.cn').map((m) => m.day)).toEqual([
      '2026-11-13',
      '2026-11-17',
      '2026-11-19',
      '2026-11-20',
    ]);
    expect(to('leader2@kinds.example.gov.cn').map((m) => m.day)).toEqual(['2026-11-23']);
    expect(to('liaison1@kinds.example.gov.cn').map((m) => m.day)).toEqual(['2026-11-13', '2026-11-17']);
    expect(to('leader1@kinds.example.gov.cn')).toEqual([]);
    expect(statsMails.filter((m) => m.to === 'liaison3@kinds.example.gov.cn')).toEqual([]);
    // The office hears of it through the digest.
    expect(statsMails.filter((m) => m.to === OFFICE.email)[0]).toMatchObject({ day: '2026-11-23' });
    expect(statsMails.filter((m) => m.to === OFFICE.email)[0]!.text).toMatch(
      /今日新增逾期[\s\S]*区乙局：行政执法统计表/,
    );
  });

  it('counts in the 2026 assessment: on time for one unit, missing for the other', async () => {
    const items = (await call('GET', '/v1/assessment?year=2026')).json.items as Array<Record<string, number>>;
    const a = items.find((i) => (i.unitId as unknown) === 'enf-a')!;
    const b = items.find((i) => (i.unitId as unknown) === 'enf-b')!;
    // The two units owe the same slots but these: enf-a filed its normative document on time and
    // answered the request; enf-b did not (its event, declared by the office, is not due yet).
    expect(a.onTime! - b.onTime!).toBe(2);
    expect(b.missing! - a.missing!).toBe(1);
  });

  it('refuses a one-off request due in the past (400), and leaves nothing behind', async () => {
    const r = await call('PUT', '/v1/obligations/stats-old', { ...STATS, dueDate: '2026-11-01' });
    expect([r.status, r.json.error?.details?.[0]?.field]).toEqual([400, 'dueDate']);
    expect((await call('GET', '/v1/status?obligationId=stats-old&period=2026')).status).toBe(404);
    // Editing the stored one (same due date, now past) is allowed.
    expect(
      (await call('PUT', '/v1/obligations/stats-2026', { ...STATS, name: '行政执法统计表（1—10月）' }))
        .status,
    ).toBe(200);
  });
});

describe('签收 (acknowledge)', () => {
  const path = '/v1/slots/stats-2026/2026/enf-a/acknowledge';
  it('the unit signs for its request once; signing again changes nothing; the board shows when', async () => {
    await setClock('2026-11-30T10:00:00+08:00');
    const before = (await call('GET', '/v1/status?obligationId=stats-2026&period=2026')).json.items as Json[];
    const r1 = await call('POST', '/v1/slots/stats-2026/2026/enf-b/acknowledge', undefined, tokens['enf-b']);
    expect(r1.status).toBe(200);
    expect(r1.json.acknowledgedAt).toBe('2026-11-30T02:00:00.000Z');
    await setClock('2026-11-30T11:00:00+08:00');
    const r2 = await call('POST', '/v1/slots/stats-2026/2026/enf-b/acknowledge', undefined, tokens['enf-b']);
    expect(r2.json.acknowledgedAt).toBe('2026-11-30T02:00:00.000Z');
    const board = (await call('GET', '/v1/status?obligationId=stats-2026&period=2026')).json.items as Json[];
    expect(board.find((i) => i.unitId === 'enf-b')?.acknowledgedAt).toBe('2026-11-30T02:00:00.000Z');
    expect(before.find((i) => i.unitId === 'enf-b')?.acknowledgedAt).toBeNull();
    const csv = await call('GET', '/v1/status?obligationId=stats-2026&period=2026&format=csv');
    expect(csv.text).toContain('签收时间');
    expect(csv.text).toContain('2026-11-30 10:00:00');
    const trail = (await call('GET', '/v1/audit?unitId=enf-b&year=2026')).json.items as Json[];
    expect(trail.filter((e) => e.action === 'slot-acknowledged')).toHaveLength(1);
  });

  it('another unit or the office cannot sign for it (403); an unknown slot is 404', async () => {
    expect((await call('POST', path, undefined, tokens['enf-b'])).status).toBe(403);
    expect((await call('POST', path, undefined, office)).status).toBe(403);
    expect(
      (await call('POST', '/v1/slots/stats-2026/2026/plain/acknowledge', undefined, tokens.plain)).status,
    ).toBe(404);
    expect(
      (await call('POST', '/v1/slots/stats-2026/20x6/enf-a/acknowledge', undefined, tokens['enf-a'])).status,
    ).toBe(400);
  });
});
