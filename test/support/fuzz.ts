// Hostile HTTP requests for fast-check: every route of the route table, with paths, query strings,
// bodies and tokens drawn from valid values, their mutations and garbage (random JSON, wrong types,
// huge strings, lone surrogates, control characters, missing and extra fields, malformed
// percent-escapes, forged cursors). Used by test/reliability/fuzz.test.ts (≥ 10,000 requests) and
// test/e2e/hostile.test.ts (a short run inside `npm test`).
import * as fc from 'fast-check';
import { routes } from '../../shared/http/route-table';
import { isWellFormed } from '../../shared/domain/text';

export type Caller = 'none' | 'garbage' | 'office' | 'own' | 'other';
export type FuzzRequest = {
  method: string;
  path: string;
  /** The route the request was built from (its method may have been swapped). */
  route: string;
  caller: Caller;
  /** Raw text of the body (may be invalid JSON), or undefined for none. */
  body?: string;
  headers?: Record<string, string>;
};

/** What the fuzzer knows exists, so valid requests reach deep into the handlers. */
export type Known = {
  ownUnit: string;
  otherUnit: string;
  submissionId: string;
};

const SURROGATES = ['\ud800', '\udfff', 'a\ud83dz', '\udc00\ud800'];
const CONTROL = ['\u0000', '\u0007', '\u001b[31m', '\r\n', '\u2028', '\u202e', '\ufeff'];

/** Strings a handler should refuse or handle: huge, control characters, lone surrogates, odd scripts. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...SURROGATES, ...CONTROL, '', ' ', '0', '-1', 'null', 'true', '[]', '{}'),
  fc.constantFrom("'; DROP TABLE x;--", '../../etc/passwd', '<script>alert(1)</script>', '=cmd|"/c calc"!A1'),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.tuple(fc.string(), fc.constantFrom(...SURROGATES, ...CONTROL)).map(([a, b]) => `${a}${b}`),
);

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nastyString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 3.14),
  fc.array(nastyString, { maxLength: 5 }),
  fc.dictionary(nastyString, nastyString, { maxKeys: 5 }),
);

/** A path segment as sent on the wire: valid, random (percent-encoded), or a broken escape. */
function segment(valid: string[]): fc.Arbitrary<string> {
  const encodable = (s: string) => isWellFormed(s);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...valid).map(encodeURIComponent) },
    { weight: 2, arbitrary: nastyString.filter(encodable).map(encodeURIComponent) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%E0%A4%A',
        '%ED%A0%80',
        '%C0%AF',
        '%FF',
        '%00',
        '..',
        '.',
        '%2F',
        'a%2Fb',
      ),
    },
  );
}

/** A cursor: a real-looking one for another partition, random base64 of JSON, or junk. */
const cursorArb = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  fc
    .record({ PK: nastyString, SK: nastyString })
    .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  fc.constantFrom(
    Buffer.from('{"PK":"UNITS","SK":"UNIT#a"}').toString('base64url'),
    Buffer.from('{"PK":"AUDIT#other#2026","SK":"x"}').toString('base64url'),
    '====',
    '%%%',
  ),
  nastyString,
);

const queryValue = fc.oneof(
  nastyString,
  cursorArb,
  fc.constantFrom('0', '-1', '1', '1000', '1001', '1e9', 'NaN', '2026', '1899', '99999', 'csv', 'json'),
);

function validParams(k: Known): Record<string, string[]> {
  return {
    unitId: [k.ownUnit, k.otherUnit, 'no-such-unit'],
    obligationId: ['annual-summary', 'law-study', 'monthly-publicity', 'annual-plan', 'no-such-ob'],
    period: ['2026', '2026-05', '2025', '2027'],
    year: ['2026', '2025', '2031'],
    submissionId: [k.submissionId, '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
  };
}

/** Valid bodies per route, the starting points of mutations. */
function validBodies(k: Known): Record<string, unknown[]> {
  return {
    'PUT /v1/units/{unitId}': [
      { name: '测试镇', kind: 'town', tags: ['law-enforcement'], contacts: [] },
      {
        name: '某局',
        kind: 'department',
        tags: [],
        contacts: [{ role: 'liaison', name: '甲', email: 'a@example.gov.cn' }],
      },
    ],
    'PUT /v1/units/{unitId}/contacts': [[{ role: 'liaison', name: '乙', phone: '+8613800000000' }]],
    'PUT /v1/obligations/{obligationId}': [{ kind: 'deadline', name: '年度工作总结', due: '12-05' }],
    'PUT /v1/settings': [
      {
        officeContacts: [{ name: '法制办', email: 'fzb@example.gov.cn' }],
        smsSignature: '【区法制办】',
        senderEmail: 'noreply@example.gov.cn',
      },
    ],
    'PUT /v1/calendar/{year}': [{ holidays: ['2031-01-01'], workdays: [] }],
    'POST /v1/slots/{obligationId}/{period}/{unitId}/extension': [
      { until: '2026-12-18', reason: '机构调整' },
    ],
    'POST /v1/slots/{obligationId}/{period}/{unitId}/waiver': [{ reason: '本期免报' }],
    'POST /v1/uploads': [
      {
        obligationId: 'annual-summary',
        period: '2026',
        fileName: '年度工作总结.pdf',
        contentType: 'application/pdf',
        size: 1000,
        unitId: k.ownUnit,
      },
    ],
    'POST /v1/submissions/{submissionId}/review': [
      { decision: 'accept' },
      { decision: 'return', comment: '请补充' },
    ],
    'POST /v1/chase': [{ obligationId: 'annual-summary', period: '2026', unitId: k.ownUnit }],
  };
}

const validQueries: Record<string, Record<string, string>[]> = {
  'GET /v1/units/{unitId}/slots': [{ year: '2026' }],
  'GET /v1/status': [
    { obligationId: 'annual-summary', period: '2026' },
    { obligationId: 'law-study', period: '2026', format: 'csv' },
  ],
  'GET /v1/overdue': [{ limit: '2' }],
  'GET /v1/assessment': [{ year: '2026' }, { year: '2026', format: 'csv' }],
  'GET /v1/audit': [{ unitId: 'fz-town', year: '2026', limit: '3' }],
};

/** One mutation of a valid JSON value: drop a field, add one, replace one with anything. */
function mutate(v: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(v)) {
    return fc.oneof(
      fc.constant([]),
      fc.constant([...v, ...v, ...v]),
      fc
        .integer({ min: 0, max: Math.max(0, v.length - 1) })
        .chain((i) =>
          v.length ? mutate(v[i]).map((m) => v.map((x, j) => (j === i ? m : x))) : anyJson.map((m) => [m]),
        ),
      anyJson,
    );
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    const obj = v as Record<string, unknown>;
    if (keys.length === 0)
      return fc.oneof(
        fc.tuple(nastyString, anyJson).map(([k, x]) => ({ [k]: x })),
        anyJson,
      );
    return fc.oneof(
      fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(obj).filter(([x]) => x !== k))),
      fc.tuple(nastyString, anyJson).map(([k, x]) => ({ ...obj, [k]: x })),
      fc.tuple(fc.constantFrom(...keys), anyJson).map(([k, x]) => ({ ...obj, [k]: x })),
      fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...SURROGATES, ...CONTROL)).map(([k, x]) => ({
        ...obj,
        [k]: typeof obj[k] === 'string' ? `${obj[k]}${x}` : x,
      })),
      fc.constantFrom(...keys).chain((k) => mutate(obj[k]).map((m) => ({ ...obj, [k]: m }))),
    );
  }
  return anyJson;
}

const toText = (v: unknown) => JSON.stringify(v) ?? 'undefined';

export function requestArb(k: Known): fc.Arbitrary<FuzzRequest> {
  const params = validParams(k);
  const bodies = validBodies(k);
  return fc.constantFrom(...routes).chain((r) => {
    const key = `${r.method} ${r.path}`;
    const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const pathArb = fc.tuple(...names.map((n) => segment(params[n] ?? ['x']))).map((segs) => {
      let i = 0;
      return r.path.replace(/\{\w+\}/g, () => segs[i++]!);
    });
    const queryArb = fc.oneof(
      fc.constant(''),
      fc.constantFrom(...(validQueries[key] ?? [{}])).map((q) => new URLSearchParams(q).toString()),
      fc
        .tuple(
          fc.constantFrom(...(validQueries[key] ?? [{}])),
          fc.dictionary(
            fc.constantFrom('limit', 'cursor', 'year', 'unitId', 'obligationId', 'period', 'format', 'x'),
            queryValue,
            {
              maxKeys: 4,
            },
          ),
        )
        .map(([q, extra]) => {
          const p = new URLSearchParams(q);
          for (const [name, value] of Object.entries(extra)) if (isWellFormed(value)) p.append(name, value);
          return p.toString();
        }),
      fc.constantFrom('limit=1&limit=2', 'cursor=%E0%A4%A', 'year=%ED%A0%80', '&&==&', 'a[b]=c'),
    );
    const valid = bodies[key] ?? [{}];
    const bodyArb = fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fc.constantFrom(...valid).map(toText) },
      {
        weight: 6,
        arbitrary: fc
          .constantFrom(...valid)
          .chain(mutate)
          .map(toText),
      },
      { weight: 2, arbitrary: anyJson.map(toText) },
      {
        weight: 1,
        arbitrary: fc.oneof(
          fc.string(),
          fc.constantFrom(
            '{',
            '{"a":',
            '[1,2',
            'null',
            '""',
            '\u0000',
            '{"__proto__":{"admin":true}}',
            '{"constructor":{"prototype":{}}}',
          ),
          fc.integer({ min: 1, max: 12 }).map((d) => `${'['.repeat(d * 500)}${']'.repeat(d * 500)}`),
        ),
      },
    );
    const methodArb = fc.oneof(
      { weight: 9, arbitrary: fc.constant(r.method) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH') },
    );
    const callerArb = fc.constantFrom<Caller>('office', 'office', 'own', 'own', 'other', 'none', 'garbage');
    const headersArb = fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant({ accept: 'text/csv' }) },
      { weight: 1, arbitrary: fc.constant({ 'content-type': 'text/plain' }) },
    );
    return fc
      .record({
        method: methodArb,
        path: pathArb,
        query: queryArb,
        caller: callerArb,
        body: bodyArb,
        headers: headersArb,
      })
      .map(({ method, path, query, caller, body, headers }) => ({
        method,
        path: query ? `${path}?${query}` : path,
        route: key,
        caller,
        body: method === 'GET' ? undefined : body,
        headers,
      }))
      .filter((req) => req.path.length <= MAX_URL);
  });
}

/**
 * API Gateway refuses a request line and headers over 10 KB itself (the local server, Node's, at
 * 16 KB with a bare 431): longer URLs never reach the handlers, so the fuzzer stays under 8 KB.
 */
const MAX_URL = 8 * 1024;

export const ERROR_STATUS: Record<string, number[]> = {
  invalid_input: [400],
  unauthorized: [401],
  forbidden: [403],
  not_found: [404],
  conflict: [409],
  closed: [409],
  too_large: [413],
  unsupported_type: [415],
  too_many_requests: [429],
};
