// The `api` Lambda handler on DynamoDB Local: calendar years, a unit's slots, and the store's
// behaviour under the handler (seeded obligations, idempotent slot opening), with bad input.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler } from '../../functions/api/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { defaultObligations } from '../../shared/domain/defaults';
import type { HttpEvent } from '../../shared/http/router';

const endpoints = inject('endpoints');
const TABLE = `api-handler-${Date.now()}`;
const clock = new SettableClock();
let store: DynamoStore;

const office = { sub: 'o1', 'cognito:groups': ['office'] };
const unit = (unitId: string) => ({
  sub: `u-${unitId}`,
  'cognito:groups': ['unit'],
  'custom:unitId': unitId,
});

async function call(
  routeKey: string,
  init: {
    claims?: Record<string, unknown>;
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
  } = {},
) {
  const event = {
    routeKey,
    headers: { authorization: 'Bearer token' },
    pathParameters: init.params,
    queryStringParameters: init.query,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    isBase64Encoded: false,
    requestContext: { authorizer: { jwt: { claims: init.claims ?? office, scopes: [] } } },
  } as unknown as HttpEvent;
  const r = await handler(event, {} as never);
  return { status: r.statusCode, body: JSON.parse(r.body as string) };
}

beforeAll(async () => {
  const client = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: endpoints.dynamodb,
  });
  await createTable(client, TABLE);
  store = new DynamoStore(client, TABLE);
  setDeps({ store, clock });
  clock.set(new Date('2026-03-02T10:00:00+08:00'));
  for (const o of defaultObligations) await store.write([{ type: 'putObligation', obligation: o }]);
}, 60_000);
afterAll(() => setDeps(undefined));

describe('GET/PUT /v1/calendar/{year}', () => {
  it('2026 comes from the package with the official make-up days', async () => {
    const r = await call('GET /v1/calendar/{year}', { params: { year: '2026' } });
    expect(r.status).toBe(200);
    expect(r.body.source).toBe('package');
    expect(r.body.holidays).toContain('2026-10-05');
    expect(r.body.workdays).toContain('2026-10-10');
    expect(r.body.holidays).not.toContain('2026-10-10');
  });

  it('a year the package does not cover is provisional, with 01-01 a holiday; an office load makes it office', async () => {
    const before = await call('GET /v1/calendar/{year}', {
      params: { year: '2031' },
      claims: unit('town-a'),
    });
    expect(before.body).toMatchObject({ year: 2031, source: 'provisional' });
    expect(before.body.holidays).toEqual(
      expect.arrayContaining(['2031-01-01', '2031-05-01', '2031-10-01', '2031-10-02', '2031-10-03']),
    );
    const put = await call('PUT /v1/calendar/{year}', {
      params: { year: '2031' },
      body: {
        holidays: ['2031-01-01', '2031-01-02', '2031-10-01', '2031-10-02', '2031-10-03', '2031-10-06'],
        workdays: ['2031-10-11'],
      },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ year: 2031, source: 'office', workdays: ['2031-10-11'] });
    const after = await call('GET /v1/calendar/{year}', { params: { year: '2031' } });
    expect(after.body.source).toBe('office');
    expect(after.body.holidays).toContain('2031-10-06');
  });

  it('refuses a bad arrangement with details, and keeps the stored one', async () => {
    const cases: Array<[string, unknown]> = [
      ['2031', { holidays: ['2032-01-01'], workdays: [] }],
      ['2031', { holidays: ['2031-10-11'], workdays: ['2031-10-11'] }],
      ['2031', { holidays: ['2031-02-30'], workdays: [] }],
      ['2031', { holidays: 'none' }],
      ['abc', { holidays: [], workdays: [] }],
      ['1999', { holidays: [], workdays: [] }],
    ];
    for (const [year, body] of cases) {
      const r = await call('PUT /v1/calendar/{year}', { params: { year }, body });
      expect([year, JSON.stringify(body), r.status, r.body.error.code]).toEqual([
        year,
        JSON.stringify(body),
        400,
        'invalid_input',
      ]);
      expect(r.body.error.details.length).toBeGreaterThan(0);
    }
    expect((await call('GET /v1/calendar/{year}', { params: { year: '2031' } })).body.holidays).toContain(
      '2031-10-06',
    );
  });

  it('lets only the office load a year', async () => {
    const r = await call('PUT /v1/calendar/{year}', {
      params: { year: '2031' },
      claims: unit('town-a'),
      body: { holidays: [], workdays: [] },
    });
    expect(r.status).toBe(403);
  });
});

describe('GET /v1/units/{unitId}/slots', () => {
  beforeAll(async () => {
    for (const [unitId, tags] of [
      ['town-a', []],
      ['dept-b', ['law-enforcement']],
    ] as const) {
      const r = await call('PUT /v1/units/{unitId}', {
        params: { unitId },
        body: {
          name: unitId === 'town-a' ? '甲镇' : '乙局',
          kind: unitId === 'town-a' ? 'town' : 'department',
          tags,
        },
      });
      expect(r.status).toBe(201);
    }
  });

  it('gives the unit its slots with deadline and effective deadline', async () => {
    const r = await call('GET /v1/units/{unitId}/slots', {
      params: { unitId: 'town-a' },
      query: { year: '2026' },
      claims: unit('town-a'),
    });
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.items.map((s: { obligationId: string }) => [s.obligationId, s]));
    expect(Object.keys(byId).sort()).toEqual([
      'annual-plan',
      'annual-summary',
      'half-year-report',
      'law-study',
    ]);
    expect(byId['half-year-report']).toMatchObject({
      deadline: '2026-07-05',
      effectiveDeadline: '2026-07-06',
      state: 'open',
      extendedUntil: null,
      escalationLevel: 0,
      remindersSent: 0,
      chaseCount: 0,
      submissions: [],
    });
    expect(byId['annual-summary']).toMatchObject({ deadline: '2026-12-05', effectiveDeadline: '2026-12-07' });
    expect(byId['law-study']).toMatchObject({ count: 0, minCount: 3 });
  });

  it('gives a law-enforcement unit twelve monthly slots, each due the following month', async () => {
    const r = await call('GET /v1/units/{unitId}/slots', {
      params: { unitId: 'dept-b' },
      query: { year: '2026' },
    });
    const monthly = r.body.items.filter(
      (s: { obligationId: string }) => s.obligationId === 'monthly-publicity',
    );
    expect(monthly.map((s: { period: string }) => s.period).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
    );
    const sep = monthly.find((s: { period: string }) => s.period === '2026-09');
    expect(sep).toMatchObject({ deadline: '2026-10-05', effectiveDeadline: '2026-10-08' });
  });

  it('opens slots once: writing the unit again changes nothing', async () => {
    const before = await store.unitYear('town-a', 2026);
    const again = await call('PUT /v1/units/{unitId}', {
      params: { unitId: 'town-a' },
      body: { name: '甲镇', kind: 'town' },
    });
    expect(again.status).toBe(200);
    const after = await store.unitYear('town-a', 2026);
    expect(after.slots.length).toBe(before.slots.length);
    expect(after.slots.map((s) => s.version)).toEqual(before.slots.map((s) => s.version));
  });

  it('answers bad input, unknown units and other units’ slots with the SPEC’s codes', async () => {
    const cases: Array<
      [Record<string, string>, Record<string, string>, Record<string, unknown>, number, string]
    > = [
      [{ unitId: 'town-a' }, { year: 'abc' }, office, 400, 'invalid_input'],
      [{ unitId: 'town-a' }, { year: '20265' }, office, 400, 'invalid_input'],
      [{ unitId: 'Town_A' }, {}, office, 400, 'invalid_input'],
      [{ unitId: 'no-such-unit' }, { year: '2026' }, office, 404, 'not_found'],
      [{ unitId: 'dept-b' }, { year: '2026' }, unit('town-a'), 403, 'forbidden'],
    ];
    for (const [params, query, claims, status, code] of cases) {
      const r = await call('GET /v1/units/{unitId}/slots', { params, query, claims });
      expect([params, query, r.status, r.body.error?.code]).toEqual([params, query, status, code]);
    }
  });
});

describe('ids in bodies and paging', () => {
  it('accepts a body that repeats the path’s id, and refuses one that names another', async () => {
    const same = await call('PUT /v1/units/{unitId}', {
      params: { unitId: 'town-c' },
      body: { unitId: 'town-c', name: '丙镇', kind: 'town' },
    });
    expect(same.status).toBe(201);
    expect(same.body).toMatchObject({ unitId: 'town-c', name: '丙镇', tags: [], active: true, contacts: [] });
    const other = await call('PUT /v1/units/{unitId}', {
      params: { unitId: 'town-c' },
      body: { unitId: 'town-d', name: '丁镇', kind: 'town' },
    });
    expect(other.status).toBe(400);
    expect(other.body.error.details).toEqual([
      { field: 'unitId', message: expect.stringContaining('town-c') },
    ]);
    const ob = defaultObligations.find((o) => o.obligationId === 'annual-plan')!;
    const put = await call('PUT /v1/obligations/{obligationId}', {
      params: { obligationId: 'annual-plan' },
      body: ob,
    });
    expect(put.status).toBe(200);
    const wrong = await call('PUT /v1/obligations/{obligationId}', {
      params: { obligationId: 'other-plan' },
      body: ob,
    });
    expect(wrong.status).toBe(400);
  });

  it('pages lists with limit and cursor, every item once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await call('GET /v1/obligations', { query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((o: { obligationId: string }) => o.obligationId));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(defaultObligations.length / 2));
    expect(seen).toEqual(defaultObligations.map((o) => o.obligationId).sort());
    const slots = await call('GET /v1/units/{unitId}/slots', {
      params: { unitId: 'town-a' },
      query: { year: '2026', limit: '3' },
    });
    expect(slots.body.items.length).toBe(3);
    expect(typeof slots.body.nextCursor).toBe('string');
    const bad = await call('GET /v1/obligations', { query: { cursor: 'not a cursor!' } });
    expect(bad.status).toBe(400);
  });
});

describe('PUT /v1/units/{unitId}/contacts', () => {
  const liaison = { role: 'liaison', name: '王联络', email: 'wang@example.gov.cn', phone: '+8613800000001' };
  const leader = { role: 'leader', name: '李局长', phone: '+8613800000002' };
  beforeAll(async () => {
    for (const unitId of ['town-e', 'town-f']) {
      const r = await call('PUT /v1/units/{unitId}', {
        params: { unitId },
        body: { name: unitId === 'town-e' ? '戊镇' : '己镇', kind: 'town', tags: ['law-enforcement'] },
      });
      expect(r.status).toBe(201);
    }
  });

  it('lets the unit replace its own contacts, answers the unit, and keeps its other fields', async () => {
    const r = await call('PUT /v1/units/{unitId}/contacts', {
      params: { unitId: 'town-e' },
      claims: unit('town-e'),
      body: [liaison, leader],
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      unitId: 'town-e',
      name: '戊镇',
      kind: 'town',
      tags: ['law-enforcement'],
      active: true,
      contacts: [liaison, leader],
    });
    const stored = await call('GET /v1/units/{unitId}', { params: { unitId: 'town-e' } });
    expect(stored.body.contacts).toEqual([liaison, leader]);
  });

  it('lets the office replace any unit’s contacts, and audits before and after with who did it', async () => {
    const next = [{ ...liaison, name: '赵联络', email: 'zhao@example.gov.cn' }];
    const r = await call('PUT /v1/units/{unitId}/contacts', { params: { unitId: 'town-e' }, body: next });
    expect(r.status).toBe(200);
    expect(r.body.contacts).toEqual(next);
    const trail = await call('GET /v1/audit', { query: { unitId: 'town-e', year: '2026' } });
    const changes = trail.body.items.filter((e: { action: string }) => e.action === 'contacts-replaced');
    expect(changes).toHaveLength(2);
    // newest first: the office's change, then the unit's own
    expect(changes[0]).toMatchObject({ actor: 'office:o1', detail: { before: [liaison, leader], after: next } });
    expect(changes[1]).toMatchObject({ actor: 'unit:town-e', detail: { before: [], after: [liaison, leader] } });
  });

  it('refuses another unit (403), an unknown unit (404), and changes nothing', async () => {
    const other = await call('PUT /v1/units/{unitId}/contacts', {
      params: { unitId: 'town-f' },
      claims: unit('town-e'),
      body: [liaison],
    });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    const missing = await call('PUT /v1/units/{unitId}/contacts', {
      params: { unitId: 'town-zz' },
      body: [liaison],
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await call('GET /v1/units/{unitId}', { params: { unitId: 'town-f' } })).body.contacts).toEqual([]);
    expect(await store.getUnit('town-zz')).toBeNull();
  });

  it('refuses bad contacts field by field, and changes nothing', async () => {
    const before = (await call('GET /v1/units/{unitId}', { params: { unitId: 'town-e' } })).body.contacts;
    const cases: Array<[unknown, string]> = [
      [[{ ...liaison, phone: '13800000000' }], '0.phone'],
      [[{ ...liaison, phone: '+86 138 0000 0000' }], '0.phone'],
      [[{ ...liaison, email: 'not-an-address' }], '0.email'],
      [[{ ...liaison, name: '王\uD800联络' }], '0.name'],
      [[{ ...liaison, name: '王\u0007联络' }], '0.name'],
      [[{ ...liaison, name: '王\n联络' }], '0.name'],
      [[{ ...liaison, name: '   ' }], '0.name'],
      [[{ ...liaison, role: 'boss' }], '0.role'],
      [[{ ...liaison, extra: 1 }], '0'],
      [{ contacts: [liaison] }, ''],
      [Array.from({ length: 11 }, () => liaison), ''],
    ];
    for (const [body, field] of cases) {
      const r = await call('PUT /v1/units/{unitId}/contacts', {
        params: { unitId: 'town-e' },
        claims: unit('town-e'),
        body,
      });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('invalid_input');
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const after = (await call('GET /v1/units/{unitId}', { params: { unitId: 'town-e' } })).body.contacts;
    expect(after).toEqual(before);
  });

  it('accepts a name with a supplementary-plane character (a well-formed surrogate pair)', async () => {
    const r = await call('PUT /v1/units/{unitId}/contacts', {
      params: { unitId: 'town-f' },
      claims: unit('town-f'),
      body: [{ role: 'liaison', name: '𠀋联络' }],
    });
    expect(r.status).toBe(200);
    expect(r.body.contacts).toEqual([{ role: 'liaison', name: '𠀋联络' }]);
  });
});
