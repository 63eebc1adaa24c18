// The authorisation matrix: every route × every kind of caller, the exact status of each cell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugins } from '../../infra/local/plugins';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import { routeKey, routes } from '../../shared/http/route-table';

type Caller = 'none' | 'office' | 'own' | 'other' | 'tampered' | 'expired';
type Row = {
  key: string;
  path: (unit: 'A' | 'B') => string;
  /** The body, or a function of the unit whose resource is addressed (A: own, B: other's). */
  body?: unknown;
  bodyFor?: (unit: 'A' | 'B') => unknown;
  expect: Partial<Record<Caller, number>>;
};

const A = 'chengguan-town';
const B = 'nanhu-town';
let rt: LocalRuntime;
const tokens = {} as Record<Exclude<Caller, 'none' | 'other'>, string>;
const subs = { A: '', B: '' };

const unitBody = {
  name: '城关镇',
  kind: 'town',
  tags: [],
  contacts: [{ role: 'liaison', name: '联络员1', email: 'cg@example.gov.cn' }],
};
const obligationBody = { kind: 'deadline', name: '年度依法行政工作计划', due: '04-20' };
const settingsBody = {
  officeContacts: [{ name: '法制办', email: 'fzb@example.gov.cn' }],
  smsSignature: '【区法制办】',
  senderEmail: 'noreply@example.gov.cn',
};
const uploadBody = {
  obligationId: 'annual-summary',
  period: '2026',
  fileName: '年度工作总结.pdf',
  contentType: 'application/pdf',
  size: 1000,
};
const unitOf = (u: 'A' | 'B') => (u === 'A' ? A : B);

// Statuses per caller; `own`/`other` are unit A on its own resource and on unit B's.
const office = (ok: number) => ({ office: ok, own: 403, other: 403 });
const everyone = (ok: number) => ({ office: ok, own: ok, other: ok });
const rows: Row[] = [
  {
    key: 'GET /v1/health',
    path: () => '/v1/health',
    expect: { ...everyone(200), none: 200, tampered: 200, expired: 200 },
  },
  {
    key: 'GET /v1/openapi.json',
    path: () => '/v1/openapi.json',
    expect: { ...everyone(200), none: 200, tampered: 200, expired: 200 },
  },
  { key: 'GET /v1/me', path: () => '/v1/me', expect: everyone(200) },
  { key: 'GET /v1/units', path: () => '/v1/units', expect: office(200) },
  { key: 'GET /v1/units/{unitId}', path: (u) => `/v1/units/${unitOf(u)}`, expect: office(200) },
  {
    key: 'PUT /v1/units/{unitId}',
    path: (u) => `/v1/units/${unitOf(u)}`,
    body: unitBody,
    expect: office(200),
  },
  {
    key: 'PUT /v1/units/{unitId}/contacts',
    path: (u) => `/v1/units/${unitOf(u)}/contacts`,
    body: [{ role: 'liaison', name: '联络员1', email: 'cg@example.gov.cn', phone: '+8613800000000' }],
    expect: { office: 200, own: 200, other: 403 },
  },
  {
    key: 'GET /v1/units/{unitId}/slots',
    path: (u) => `/v1/units/${unitOf(u)}/slots?year=2026`,
    expect: { office: 200, own: 200, other: 403 },
  },
  {
    key: 'POST /v1/units/{unitId}/events',
    path: (u) => `/v1/units/${unitOf(u)}/events`,
    body: { obligationId: 'normative-filing', occurredOn: '2026-11-02', title: '《管理办法》' },
    expect: { office: 201, own: 201, other: 403 },
  },
  {
    key: 'GET /v1/units/{unitId}/events',
    path: (u) => `/v1/units/${unitOf(u)}/events?year=2026`,
    expect: { office: 200, own: 200, other: 403 },
  },
  { key: 'GET /v1/obligations', path: () => '/v1/obligations', expect: everyone(200) },
  {
    key: 'PUT /v1/obligations/{obligationId}',
    path: () => '/v1/obligations/annual-plan',
    body: obligationBody,
    expect: office(200),
  },
  { key: 'GET /v1/settings', path: () => '/v1/settings', expect: office(200) },
  { key: 'PUT /v1/settings', path: () => '/v1/settings', body: settingsBody, expect: office(200) },
  { key: 'GET /v1/calendar/{year}', path: () => '/v1/calendar/2026', expect: everyone(200) },
  {
    key: 'PUT /v1/calendar/{year}',
    path: () => '/v1/calendar/2031',
    body: { holidays: ['2031-01-01'], workdays: [] },
    expect: office(200),
  },
  {
    key: 'GET /v1/status',
    path: () => '/v1/status?obligationId=annual-summary&period=2026',
    expect: office(200),
  },
  { key: 'GET /v1/overdue', path: () => '/v1/overdue', expect: office(200) },
  {
    key: 'POST /v1/slots/{obligationId}/{period}/{unitId}/extension',
    path: (u) => `/v1/slots/annual-summary/2026/${unitOf(u)}/extension`,
    body: { until: '2026-12-18', reason: '机构调整' },
    expect: office(200),
  },
  {
    key: 'POST /v1/slots/{obligationId}/{period}/{unitId}/waiver',
    path: () => '/v1/slots/monthly-publicity/2026-11/district-justice/waiver',
    body: { reason: '本月无执法活动' },
    expect: office(200),
  },
  // 签收: only the unit itself, never the office for it.
  {
    key: 'POST /v1/slots/{obligationId}/{period}/{unitId}/acknowledge',
    path: (u) => `/v1/slots/annual-summary/2026/${unitOf(u)}/acknowledge`,
    expect: { office: 403, own: 200, other: 403 },
  },
  { key: 'GET /v1/assessment', path: () => '/v1/assessment?year=2026', expect: office(200) },
  { key: 'GET /v1/audit', path: (u) => `/v1/audit?unitId=${unitOf(u)}&year=2026`, expect: office(200) },
  { key: 'GET /v1/users', path: () => '/v1/users', expect: office(200) },
  {
    key: 'POST /v1/users',
    path: () => '/v1/users',
    body: { username: 'matrix-new', email: 'matrix-new@example.gov.cn', role: 'unit', unitId: A },
    expect: office(201),
  },
  { key: 'POST /v1/users/{username}/disable', path: () => '/v1/users/matrix-user/disable', expect: office(200) },
  { key: 'POST /v1/users/{username}/enable', path: () => '/v1/users/matrix-user/enable', expect: office(200) },
  // The body names the unit: its own is 201; naming unit B is 403 (a unit may omit it: its own slot).
  {
    key: 'POST /v1/uploads',
    path: () => '/v1/uploads',
    bodyFor: (u) => ({ ...uploadBody, unitId: unitOf(u) }),
    expect: { office: 403, own: 201, other: 403 },
  },
  {
    key: 'GET /v1/submissions/{submissionId}',
    path: (u) => `/v1/submissions/${subs[u]}`,
    expect: { office: 200, own: 200, other: 403 },
  },
  // Reviewing a file not yet uploaded is a conflict, once the caller may review at all.
  {
    key: 'POST /v1/submissions/{submissionId}/review',
    path: (u) => `/v1/submissions/${subs[u]}/review`,
    body: { decision: 'accept' },
    expect: office(409),
  },
  {
    key: 'POST /v1/obligations/{obligationId}/templates',
    path: () => '/v1/obligations/annual-summary/templates',
    body: {
      fileName: '年度工作总结模板.docx',
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      size: 1000,
    },
    expect: office(201),
  },
  // Any signed-in caller reaches the check; a template never attached is 404 (templates.test.ts has the 403).
  {
    key: 'GET /v1/obligations/{obligationId}/templates/{name}',
    path: () => '/v1/obligations/annual-summary/templates/none.pdf',
    expect: everyone(404),
  },
  {
    key: 'POST /v1/chase',
    path: () => '/v1/chase',
    body: { obligationId: 'annual-summary', period: '2026', unitId: B },
    expect: office(200),
  },
];

async function upload(token: string): Promise<string> {
  const r = await fetch(`${rt.url}/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(uploadBody),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { submissionId: string }).submissionId;
}

beforeAll(async () => {
  rt = await startLocal({ plugins });
  rt.clock.set(new Date('2026-11-20T10:00:00+08:00'));
  tokens.office = await rt.tokens.issue({ role: 'office' });
  tokens.own = await rt.tokens.issue({ role: 'unit', unitId: A });
  const real = await rt.tokens.issue({ role: 'office' });
  tokens.tampered = `${real.slice(0, -4)}${real.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  tokens.expired = await rt.tokens.issue({ role: 'office', expiresIn: Math.floor(Date.now() / 1000) - 60 });
  await rt.deps.users!.create({ username: 'matrix-user', email: 'matrix@example.gov.cn', role: 'unit', unitId: B });
  subs.A = await upload(tokens.own);
  subs.B = await upload(await rt.tokens.issue({ role: 'unit', unitId: B }));
}, 120_000);
afterAll(async () => rt?.stop(), 60_000);

describe('authorisation matrix', () => {
  it('covers every route of the route table', () => {
    expect(rows.map((r) => r.key).sort()).toEqual(routes.map(routeKey).sort());
  });

  const callers: Caller[] = ['none', 'tampered', 'expired', 'office', 'own', 'other'];
  for (const row of rows) {
    it(row.key, async () => {
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const caller of callers) {
        const token = caller === 'none' ? undefined : caller === 'other' ? tokens.own : tokens[caller];
        const r = await fetch(`${rt.url}${row.path(caller === 'other' ? 'B' : 'A')}`, {
          method: row.key.split(' ')[0],
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: (() => {
            const b = row.bodyFor ? row.bodyFor(caller === 'other' ? 'B' : 'A') : row.body;
            return b === undefined ? undefined : JSON.stringify(b);
          })(),
        });
        got[caller] = r.status;
        want[caller] = row.expect[caller] ?? 401;
        if (r.status >= 400) {
          const body = (await r.json()) as { error?: { code?: string } };
          expect(body.error?.code, `${row.key} as ${caller}`).toMatch(/^[a-z_]+$/);
        }
      }
      expect(got).toEqual(want);
    });
  }
});
