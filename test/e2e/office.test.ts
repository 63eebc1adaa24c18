// The office's side on the local runtime with 2,000 units: boards, CSV, overdue, extensions,
// waivers, assessment, audit, and every bad input answered with the SPEC's error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import { loadCalendar } from '../../shared/app/calendar';
import { inParallel, openSlots } from '../../shared/app/open-slots';
import { applySlotEvent, type SlotEvent } from '../../shared/domain/slotState';
import type { Unit } from '../../shared/domain/model';

const N = 2000;
let rt: LocalRuntime;
let office = '';
let cal: Awaited<ReturnType<typeof loadCalendar>> | undefined;
const unitId = (i: number) => `unit-${String(i).padStart(4, '0')}`;
const kindOf = (i: number): 'received-on-time' | 'received-late' | 'waived' | 'nothing' =>
  (['received-on-time', 'received-late', 'waived', 'nothing'] as const)[i % 4]!;

async function get(path: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${rt.url}${path}`, { headers: { authorization: `Bearer ${office}`, ...headers } });
  // Decoded by hand: fetch's text() drops a leading BOM, and the BOM is what is tested.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await r.arrayBuffer());
  return { status: r.status, text, type: r.headers.get('content-type') ?? '' };
}
async function post(path: string, body: unknown) {
  const r = await fetch(`${rt.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${office}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: r.status,
    json: (await r.json()) as Record<string, unknown> & { error?: { code?: string } },
  };
}

/** Every overdue slot, following nextCursor (pages of at most 1,000). */
async function allOverdue(): Promise<unknown[]> {
  const out: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = JSON.parse((await get(`/v1/overdue${cursor ? `?cursor=${cursor}` : ''}`)).text);
    expect(page.items.length).toBeLessThanOrEqual(1000);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Parses RFC 4180 CSV (quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

async function apply(obligationId: string, period: string, id: string, ev: SlotEvent) {
  const { store } = rt.deps;
  const ob = (await store.getObligation(obligationId))!;
  cal ??= await loadCalendar(store, [2026]);
  const slot = (await store.getSlot(obligationId, period, id))!;
  await store.write([{ type: 'putSlot', slot: applySlotEvent(cal, ob, slot, ev), ifVersion: slot.version }]);
}

beforeAll(async () => {
  rt = await startLocal({ demoUnits: false });
  rt.clock.set(new Date('2026-12-20T10:00:00+08:00'));
  office = await rt.tokens.issue({ role: 'office' });
  const { store } = rt.deps;
  const units: Unit[] = Array.from({ length: N }, (_, i) => ({
    unitId: unitId(i),
    name: i % 3 === 0 ? `第${i}街道, "东区"` : `单位${i}`,
    kind: i % 2 ? 'town' : 'department',
    tags: i % 10 === 0 ? ['law-enforcement'] : [],
    active: true,
    contacts: [],
  }));
  await inParallel(units, 16, (unit) => store.write([{ type: 'putUnit', unit }]));
  cal = await loadCalendar(store, [2026]);
  const obligations = (await store.listObligations()).filter((o) => o.obligationId !== 'monthly-publicity');
  await openSlots(store, cal, { year: 2026, units, obligations, now: rt.clock.now() });
  await inParallel(
    Array.from({ length: N }, (_, i) => i),
    16,
    async (i) => {
      const kind = kindOf(i);
      if (kind === 'received-on-time')
        await apply('annual-summary', '2026', unitId(i), {
          type: 'received',
          at: new Date('2026-12-01T10:00:00+08:00'),
          submissionId: `s${i}`,
        });
      if (kind === 'received-late')
        await apply('annual-summary', '2026', unitId(i), {
          type: 'received',
          at: new Date('2026-12-10T10:00:00+08:00'),
          submissionId: `s${i}`,
        });
      if (kind === 'waived') await apply('annual-summary', '2026', unitId(i), { type: 'waived' });
    },
  );
  await apply('annual-summary', '2026', unitId(0), { type: 'accepted' });
}, 600_000);
afterAll(async () => rt?.stop(), 60_000);

describe('the status board of 2,000 units', () => {
  it('counts by state exactly as a recount of its rows, across pages', async () => {
    const items: Array<{ unitId: string; state: string; onTime: boolean | null; lateDays: number | null }> =
      [];
    let cursor: string | undefined;
    let first:
      | {
          counts: Record<string, number>;
          deadline: string;
          effectiveDeadline: string;
          onTimeRate: number | null;
        }
      | undefined;
    do {
      const r = await get(
        `/v1/status?obligationId=annual-summary&period=2026&limit=700${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status).toBe(200);
      const page = JSON.parse(r.text);
      first ??= page;
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(items.length).toBe(N);
    expect(new Set(items.map((i) => i.unitId)).size).toBe(N);
    const recount: Record<string, number> = {};
    for (const i of items) recount[i.state] = (recount[i.state] ?? 0) + 1;
    for (const [state, n] of Object.entries(first!.counts)) expect(n, state).toBe(recount[state] ?? 0);
    expect(first!.counts).toMatchObject({
      submitted: (N / 4) * 2 - 1,
      accepted: 1,
      waived: N / 4,
      overdue: N / 4,
    });
    expect(first!.deadline).toBe('2026-12-05');
    expect(first!.effectiveDeadline).toBe('2026-12-07');
    expect(first!.onTimeRate).toBe(0.5);
    const late = items.find((i) => i.unitId === unitId(1))!;
    expect(late).toMatchObject({ state: 'submitted', onTime: false, lateDays: 3 });
  });

  it('gives CSV with a BOM and a Chinese header that parses back to the same rows', async () => {
    const json = JSON.parse((await get('/v1/status?obligationId=annual-summary&period=2026')).text);
    for (const r of [
      await get('/v1/status?obligationId=annual-summary&period=2026&format=csv'),
      await get('/v1/status?obligationId=annual-summary&period=2026', { accept: 'text/csv' }),
    ]) {
      expect(r.status).toBe(200);
      expect(r.type).toContain('text/csv');
      expect(r.text.charCodeAt(0)).toBe(0xfeff);
      const rows = parseCsv(r.text.slice(1));
      expect(rows[0]).toEqual([
        '单位编号',
        '单位名称',
        '状态',
        '按时报送',
        '逾期工作日',
        '首次报送时间',
        '延期至',
        '催告级别',
        '已提醒次数',
        '催报次数',
        '最新报送编号',
        '签收时间',
      ]);
      expect(rows.length).toBe(N + 1);
      const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
      for (const item of json.items) {
        const row = byId.get(item.unitId)!;
        expect(row[1]).toBe(item.name);
        expect(row[3]).toBe(item.onTime === null ? '' : item.onTime ? '是' : '否');
        expect(row[4]).toBe(item.lateDays === null ? '' : String(item.lateDays));
        expect(row[11]).toBe(''); // nobody signed for the request (签收) here: 未签收
        expect(item.acknowledgedAt).toBeNull();
      }
      expect(byId.get(unitId(1))![5]).toBe('2026-12-10 10:00:00');
    }
  });
});

describe('overdue, extensions and waivers', () => {
  it('lists overdue slots oldest first, and an extension takes one off the list', async () => {
    const before = (await allOverdue()) as Array<{
      unitId: string;
      obligationId: string;
      effectiveDeadline: string;
    }>;
    const mine = before.filter((s) => s.obligationId === 'annual-summary');
    expect(mine.length).toBe(N / 4);
    const deadlines = before.map((s) => s.effectiveDeadline);
    expect(deadlines).toEqual([...deadlines].sort());
    const target = unitId(3);
    const r = await post(`/v1/slots/annual-summary/2026/${target}/extension`, {
      until: '2026-12-31',
      reason: '机构调整',
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      state: 'open',
      extendedUntil: '2026-12-31',
      effectiveDeadline: '2026-12-31',
    });
    const after = (await allOverdue()) as typeof before;
    expect(after.some((s) => s.unitId === target && s.obligationId === 'annual-summary')).toBe(false);
    const trail = JSON.parse((await get(`/v1/audit?unitId=${target}&year=2026`)).text);
    expect(trail.items[0]).toMatchObject({
      action: 'slot-extended',
      actor: 'office:office-local',
      detail: { reason: '机构调整' },
    });
  });

  it('refuses bad extensions and waivers with the SPEC’s codes, changing nothing', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      [
        `/v1/slots/annual-summary/2026/${unitId(7)}/extension`,
        { until: '2026-12-01', reason: 'x' },
        400,
        'invalid_input',
      ],
      [
        `/v1/slots/annual-summary/2026/${unitId(7)}/extension`,
        { until: '2026-13-01', reason: 'x' },
        400,
        'invalid_input',
      ],
      [`/v1/slots/annual-summary/2026/${unitId(7)}/extension`, { until: '2026-12-30' }, 400, 'invalid_input'],
      [`/v1/slots/annual-summary/2026/${unitId(7)}/waiver`, { reason: '  ' }, 400, 'invalid_input'],
      [
        `/v1/slots/annual-summary/2026/${unitId(0)}/extension`,
        { until: '2026-12-30', reason: 'x' },
        409,
        'conflict',
      ],
      [`/v1/slots/annual-summary/2026/${unitId(0)}/waiver`, { reason: 'x' }, 409, 'conflict'],
      [`/v1/slots/annual-summary/2026/no-such-unit/waiver`, { reason: 'x' }, 404, 'not_found'],
      [`/v1/slots/no-such-report/2026/${unitId(7)}/waiver`, { reason: 'x' }, 404, 'not_found'],
      [`/v1/slots/annual-summary/2031/${unitId(7)}/waiver`, { reason: 'x' }, 404, 'not_found'],
      [`/v1/slots/annual-summary/20x6/${unitId(7)}/waiver`, { reason: 'x' }, 400, 'invalid_input'],
    ];
    for (const [path, body, status, code] of cases) {
      const r = await post(path, body);
      expect([path, r.status, r.json.error?.code]).toEqual([path, status, code]);
    }
    const slot = await rt.deps.store.getSlot('annual-summary', '2026', unitId(7));
    expect(slot).toMatchObject({ extendedUntil: null, effectiveDeadline: '2026-12-07' });
  });

  it('answers bad board and assessment queries with 400/404, never 500', async () => {
    const cases: Array<[string, number]> = [
      ['/v1/status', 400],
      ['/v1/status?obligationId=annual-summary', 400],
      ['/v1/status?obligationId=nope&period=2026', 404],
      ['/v1/status?obligationId=annual-summary&period=2026-05', 400],
      ['/v1/status?obligationId=annual-summary&period=2031', 404],
      ['/v1/status?obligationId=annual-summary&period=2026&cursor=%%%', 400],
      ['/v1/status?obligationId=annual-summary&period=2026&limit=0', 400],
      ['/v1/status?obligationId=annual-summary&period=2026&format=xml', 400],
      ['/v1/assessment?year=abc', 400],
      ['/v1/audit?unitId=NOPE', 400],
      ['/v1/audit?unitId=no-such-unit&year=2026', 404],
    ];
    for (const [path, status] of cases) {
      const r = await get(path);
      expect([path, r.status]).toEqual([path, status]);
      expect(JSON.parse(r.text).error.code).toMatch(/^(invalid_input|not_found)$/);
    }
  });
});

describe('the assessment of 2,000 units', () => {
  it('scores every unit, ranks them, and its CSV parses back to the same rows', async () => {
    const r = await get('/v1/assessment?year=2026');
    expect(r.status).toBe(200);
    const a = JSON.parse(r.text) as {
      items: Array<{
        unitId: string;
        score: number | null;
        rank: number;
        onTime: number;
        late: number;
        missing: number;
        waived: number;
      }>;
    };
    expect(a.items.length).toBe(N);
    for (let i = 1; i < a.items.length; i++) {
      const [p, q] = [a.items[i - 1]!, a.items[i]!];
      expect((p.score ?? -1) >= (q.score ?? -1)).toBe(true);
      expect(q.rank).toBe(p.score === q.score ? p.rank : i + 1);
    }
    const by = new Map(a.items.map((x) => [x.unitId, x]));
    // Annual plan and half-year report were never received (missing, 0); law-study is not due yet.
    expect(by.get(unitId(4))).toMatchObject({ onTime: 1, late: 0, missing: 2, waived: 0, score: 33.3 });
    expect(by.get(unitId(5))).toMatchObject({ onTime: 0, late: 1, missing: 2, waived: 0, score: 23.3 });
    expect(by.get(unitId(6))).toMatchObject({ onTime: 0, late: 0, missing: 2, waived: 1, score: 0 });
    const csv = await get('/v1/assessment?year=2026&format=csv');
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(csv.text.slice(1));
    expect(rows[0]).toEqual(['排名', '单位编号', '单位名称', '得分', '按时', '逾期', '缺报', '免报']);
    expect(
      rows.slice(1).map((row) => [Number(row[0]), row[1], row[3] === '' ? null : Number(row[3])]),
    ).toEqual(a.items.map((x) => [x.rank, x.unitId, x.score]));
  });
});
