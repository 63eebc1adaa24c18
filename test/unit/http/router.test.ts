// The HTTP layer alone: roles from claims, zod validation, error mapping, redaction.
import * as z from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { AppError, TooManyRequests } from '../../../shared/domain/errors';
import { redact } from '../../../shared/adapters/logger';
import { claimNames, DEFAULT_CLAIMS } from '../../../shared/http/claims';
import { def, type HttpEvent, HttpResponse, httpRouter, principalOf } from '../../../shared/http/router';
import { toCsv } from '../../../shared/http/csv';

const seen = vi.fn();
const handler = httpRouter({
  'GET /v1/health': def({ summary: 'public', run: async () => ({ ok: true }) }),
  'GET /v1/me': def({ summary: 'any', run: async ({ principal }) => principal }),
  'GET /v1/units/{unitId}': def({
    summary: 'office',
    params: z.object({ unitId: z.string().regex(/^[a-z]+$/) }),
    query: z.object({ year: z.coerce.number().int().min(2000).optional() }),
    run: async ({ params, query }) => {
      seen(params, query);
      if (params.unitId === 'missing') throw new AppError('not_found', 'unit missing not found');
      if (params.unitId === 'boom') throw new Error('boom for someone@example.com');
      return { params, query };
    },
  }),
  'PUT /v1/units/{unitId}': def({
    summary: 'office write',
    params: z.object({ unitId: z.string() }),
    body: z.strictObject({ name: z.string().min(1), kind: z.enum(['town', 'department']) }),
    status: 201,
    run: async ({ body }) => body,
  }),
  'POST /v1/uploads': def({ summary: 'unit only', run: async () => ({ ok: true }) }),
  'GET /v1/status': def({
    summary: 'a CSV download',
    run: async () => new HttpResponse(200, '单位\r\n', { 'content-type': 'text/csv; charset=utf-8' }),
  }),
  'POST /v1/chase': def({
    summary: 'rate limited',
    run: async () => {
      throw new TooManyRequests('slow down', 30);
    },
  }),
});

type Claims = Record<string, unknown> | undefined;
function event(
  routeKey: string,
  init: {
    claims?: Claims;
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: string;
    token?: boolean;
  } = {},
): HttpEvent {
  return {
    routeKey,
    headers: init.token === false ? {} : { authorization: 'Bearer x.y.z' },
    pathParameters: init.params,
    queryStringParameters: init.query,
    body: init.body,
    isBase64Encoded: false,
    requestContext: { authorizer: init.claims ? { jwt: { claims: init.claims, scopes: [] } } : undefined },
  } as unknown as HttpEvent;
}
const office = { sub: 'o1', 'cognito:groups': ['office'] };
const unitA = { sub: 'u1', 'cognito:groups': '[unit]', 'custom:unitId': 'town-a' };
const call = async (e: HttpEvent) => {
  const r = await handler(e, {} as never);
  return { status: r.statusCode, body: JSON.parse(r.body as string) };
};

describe('roles from claims', () => {
  it('reads office and unit from cognito:groups, array or the HTTP API’s flattened string', () => {
    expect(principalOf(office)).toEqual({ role: 'office', sub: 'o1' });
    expect(principalOf(unitA)).toEqual({ role: 'unit', sub: 'u1', unitId: 'town-a' });
    expect(principalOf({ sub: 'x', 'cognito:groups': 'office,unit' })).toEqual({ role: 'office', sub: 'x' });
  });
  it('gives no role to a unit without custom:unitId, or to no groups', () => {
    expect(principalOf({ sub: 'u', 'cognito:groups': ['unit'] })).toBeNull();
    expect(principalOf({ sub: 'u' })).toBeNull();
    expect(principalOf(undefined)).toBeNull();
  });
  it('reads the claims ROLE_CLAIM / UNIT_CLAIM name (an OIDC issuer’s), Keycloak group paths included', () => {
    const names = claimNames({ ROLE_CLAIM: 'groups', UNIT_CLAIM: 'unit_id' });
    const kc = { sub: 'k1', preferred_username: 'zhang.san', groups: ['/unit'], unit_id: 'town-b' };
    expect(principalOf(kc, names)).toEqual({
      role: 'unit',
      sub: 'k1',
      username: 'zhang.san',
      unitId: 'town-b',
    });
    expect(principalOf({ sub: 'k2', groups: '[office]' }, names)).toEqual({ role: 'office', sub: 'k2' });
    // With the other names configured, Cognito's claims no longer count, and vice versa.
    expect(principalOf(unitA, names)).toBeNull();
    expect(principalOf(kc)).toBeNull();
    expect(claimNames({})).toEqual(DEFAULT_CLAIMS);
    expect(() => claimNames({ ROLE_CLAIM: 'bad claim!' })).toThrow(/ROLE_CLAIM/);
  });
});

describe('authorization', () => {
  it('lets anyone reach a public route', async () => {
    expect((await call(event('GET /v1/health', { token: false }))).status).toBe(200);
  });
  it('answers 401 without a token', async () => {
    const r = await call(event('GET /v1/me', { token: false }));
    expect(r).toEqual({
      status: 401,
      body: { error: { code: 'unauthorized', message: expect.any(String) } },
    });
  });
  it('answers 403 to a unit on an office route, and to an office on a unit route', async () => {
    expect(
      (await call(event('GET /v1/units/{unitId}', { claims: unitA, params: { unitId: 'abc' } }))).body.error
        .code,
    ).toBe('forbidden');
    expect((await call(event('POST /v1/uploads', { claims: office }))).status).toBe(403);
    expect((await call(event('POST /v1/uploads', { claims: unitA }))).status).toBe(200);
  });
  it('answers 403 to a token with no role', async () => {
    expect((await call(event('GET /v1/me', { claims: { sub: 'x' } }))).status).toBe(403);
  });
  it('answers 404 for a route the function does not serve', async () => {
    expect((await call(event('GET /v1/nowhere', { claims: office }))).status).toBe(404);
  });
});

describe('validation', () => {
  it('parses and coerces path and query', async () => {
    const r = await call(
      event('GET /v1/units/{unitId}', { claims: office, params: { unitId: 'abc' }, query: { year: '2026' } }),
    );
    expect(r).toEqual({ status: 200, body: { params: { unitId: 'abc' }, query: { year: 2026 } } });
  });
  it('names each offending field in details and never runs the handler', async () => {
    seen.mockClear();
    const r = await call(
      event('GET /v1/units/{unitId}', { claims: office, params: { unitId: 'A_B' }, query: { year: 'abc' } }),
    );
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_input');
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain('path.unitId');
    expect(seen).not.toHaveBeenCalled();
  });
  it('reports body fields without a prefix, unknown keys too', async () => {
    const r = await call(
      event('PUT /v1/units/{unitId}', {
        claims: office,
        params: { unitId: 'a' },
        body: '{"name":"","kind":"village","x":1}',
      }),
    );
    expect(r.status).toBe(400);
    const fields = r.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'kind']));
    expect(r.body.error.details.length).toBeGreaterThanOrEqual(3);
  });
  it('answers 400, not 500, for a body that is not JSON or missing', async () => {
    expect(
      (await call(event('PUT /v1/units/{unitId}', { claims: office, params: { unitId: 'a' }, body: '{' })))
        .status,
    ).toBe(400);
    expect(
      (await call(event('PUT /v1/units/{unitId}', { claims: office, params: { unitId: 'a' } }))).status,
    ).toBe(400);
  });
  it('uses the route’s success status', async () => {
    const r = await call(
      event('PUT /v1/units/{unitId}', {
        claims: office,
        params: { unitId: 'a' },
        body: '{"name":"城关镇","kind":"town"}',
      }),
    );
    expect(r).toEqual({ status: 201, body: { name: '城关镇', kind: 'town' } });
  });
});

describe('errors', () => {
  it('maps an AppError to its status and shape', async () => {
    const r = await call(event('GET /v1/units/{unitId}', { claims: office, params: { unitId: 'missing' } }));
    expect(r).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'unit missing not found' } },
    });
  });
  it('hides an unexpected error behind a 500 without its message', async () => {
    const r = await call(event('GET /v1/units/{unitId}', { claims: office, params: { unitId: 'boom' } }));
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain('example.com');
  });
});

describe('caching', () => {
  it('answers every response Cache-Control: no-store: 200, 201, CSV, 400, 401, 403, 404, 429, 500', async () => {
    const events = [
      event('GET /v1/health', { token: false }),
      event('GET /v1/units/{unitId}', { claims: office, params: { unitId: 'abc' } }),
      event('PUT /v1/units/{unitId}', {
        claims: office,
        params: { unitId: 'abc' },
        body: JSON.stringify({ name: 'x', kind: 'town' }),
      }),
      event('GET /v1/status', { claims: office }),
      event('GET /v1/units/{unitId}', { claims: office, params: { unitId: 'BAD' } }),
      event('GET /v1/me', { token: false }),
      event('POST /v1/uploads', { claims: office }),
      event('GET /v1/units/{unitId}', { claims: office, params: { unitId: 'missing' } }),
      event('POST /v1/chase', { claims: office }),
      event('GET /v1/units/{unitId}', { claims: office, params: { unitId: 'boom' } }),
    ];
    const seen: Array<[number | undefined, unknown]> = [];
    for (const e of events) {
      const r = await handler(e, {} as never);
      seen.push([r.statusCode, r.headers?.['cache-control']]);
    }
    expect(seen).toEqual([200, 200, 201, 200, 400, 401, 403, 404, 429, 500].map((s) => [s, 'no-store']));
  });
});

describe('logs and CSV', () => {
  it('redacts emails and phone numbers anywhere in a log payload, but keeps dates', () => {
    const out = redact({
      msg: 'to li@example.gov.cn and +8613800001234 or 13912345678',
      at: '2026-07-06',
      n: [{ e: 'a@b.cn' }],
    });
    expect(JSON.stringify(out)).not.toMatch(/example\.gov\.cn|8613800001234|13912345678|a@b\.cn/);
    expect(out).toMatchObject({ at: '2026-07-06' });
  });
  it('writes CSV with a BOM, CRLF and quoting', () => {
    const text = toCsv(
      ['单位', '说明'],
      [
        ['城关镇', 'a,"b"'],
        ['x', null],
      ],
    );
    expect(text.startsWith('\uFEFF单位,说明\r\n')).toBe(true);
    expect(text).toContain('城关镇,"a,""b"""\r\n');
    expect(text.endsWith('x,\r\n')).toBe(true);
  });
});
