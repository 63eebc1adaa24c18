// Templates (附件模板) end to end on the local runtime: the office attaches a form to a one-off
// request with a presigned POST to the local S3; a unit the request applies to downloads it (302
// to a presigned GET), a unit it does not apply to gets 403; the slot and the obligation list it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugins } from '../../infra/local/plugins';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import { setLogLevel } from '../../shared/adapters/logger';

let rt: LocalRuntime;
let office = '';
let justice = ''; // district-justice: tagged law-enforcement
let finance = ''; // district-finance: not tagged
type Json = Record<string, unknown> & { error?: { code?: string } };

async function call(method: string, path: string, body?: unknown, token = office) {
  const r = await fetch(`${rt.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return {
    status: r.status,
    location: r.headers.get('location'),
    json: (text ? JSON.parse(text) : {}) as Json,
  };
}

// A minimal xlsx is a zip: its leading bytes are PK\x03\x04.
const XLSX = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new TextEncoder().encode('统计表 template body')]);
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function postFile(up: Json, bytes: Uint8Array, fileName: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(up.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: XLSX_TYPE }), fileName);
  const posted = await fetch(String(up.url), { method: 'POST', body: form });
  expect(posted.status).toBe(204);
}

beforeAll(async () => {
  setLogLevel('ERROR');
  rt = await startLocal({ plugins });
  rt.clock.set(new Date('2026-11-02T10:00:00+08:00'));
  office = await rt.tokens.issue({ role: 'office' });
  justice = await rt.tokens.issue({ role: 'unit', unitId: 'district-justice' });
  finance = await rt.tokens.issue({ role: 'unit', unitId: 'district-finance' });
  const put = await call('PUT', '/v1/obligations/stats-2026', {
    kind: 'once',
    name: '行政执法统计表',
    dueDate: '2026-11-20',
    appliesTo: { tags: ['law-enforcement'] },
    maxBytes: 1024 * 1024,
  });
  expect(put.status).toBe(201);
}, 120_000);
afterAll(async () => rt?.stop(), 60_000);

describe('templates (附件模板)', () => {
  it('the office attaches one; a unit it applies to downloads the very bytes; another unit gets 403', async () => {
    const up = await call('POST', '/v1/obligations/stats-2026/templates', {
      fileName: '执法统计表.xlsx',
      contentType: XLSX_TYPE,
      size: XLSX.length,
    });
    expect(up.status).toBe(201);
    expect(String(up.json.key)).toMatch(/^templates\/stats-2026\//);
    expect(up.json).toMatchObject({ name: '执法统计表.xlsx', maxBytes: 1024 * 1024 });
    await postFile(up.json, XLSX, '执法统计表.xlsx');

    const path = `/v1/obligations/stats-2026/templates/${encodeURIComponent('执法统计表.xlsx')}`;
    const r = await call('GET', path, undefined, justice);
    expect(r.status).toBe(302);
    const file = await fetch(r.location!);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(XLSX);
    expect((await call('GET', path, undefined, office)).status).toBe(302);
    const other = await call('GET', path, undefined, finance);
    expect([other.status, other.json.error?.code]).toEqual([403, 'forbidden']);

    // Listed in the obligation and in the unit's slot, without the storage key.
    const obs = (await call('GET', '/v1/obligations')).json.items as Json[];
    const ob = obs.find((o) => o.obligationId === 'stats-2026')!;
    expect(ob.templates).toEqual([
      expect.objectContaining({ name: '执法统计表.xlsx', size: XLSX.length, url: path }),
    ]);
    expect(JSON.stringify(ob.templates)).not.toContain('templates/stats-2026/');
    const slots = (await call('GET', '/v1/units/district-justice/slots?year=2026', undefined, justice)).json
      .items as Json[];
    expect(slots.find((s) => s.obligationId === 'stats-2026')?.templates).toEqual(ob.templates);
    // A PUT of the obligation keeps its templates.
    const again = await call('PUT', '/v1/obligations/stats-2026', {
      kind: 'once',
      name: '行政执法统计表（1—10月）',
      dueDate: '2026-11-20',
      appliesTo: { tags: ['law-enforcement'] },
      maxBytes: 1024 * 1024,
    });
    expect(again.status).toBe(200);
    expect((again.json.templates as Json[]).map((t) => t.name)).toEqual(['执法统计表.xlsx']);
  });

  it('checks like an upload: too large 413, wrong type 415, units 403, unknown obligation or name 404', async () => {
    const body = { fileName: '表.xlsx', contentType: XLSX_TYPE, size: 100 };
    const post = (b: unknown, t = office, id = 'stats-2026') =>
      call('POST', `/v1/obligations/${id}/templates`, b, t);
    expect((await post({ ...body, size: 2 * 1024 * 1024 })).status).toBe(413);
    expect(
      (await post({ ...body, fileName: '表.exe', contentType: 'application/octet-stream' })).status,
    ).toBe(415);
    expect((await post(body, justice)).status).toBe(403);
    expect((await post(body, office, 'no-such-ob')).status).toBe(404);
    expect((await post({ ...body, size: 0 })).status).toBe(400);
    expect((await post({ ...body, extra: true })).status).toBe(400);
    expect(
      (await call('GET', '/v1/obligations/stats-2026/templates/nothing.pdf', undefined, justice)).status,
    ).toBe(404);
    // Attached but never uploaded: 404 until the file is there.
    expect((await post({ ...body, fileName: '空表.xlsx' })).status).toBe(201);
    const missing = await call(
      'GET',
      `/v1/obligations/stats-2026/templates/${encodeURIComponent('空表.xlsx')}`,
    );
    expect(missing.status).toBe(404);
  });

  it('refuses a stored file whose bytes are not its type (409), as the receipt would', async () => {
    const up = await call('POST', '/v1/obligations/stats-2026/templates', {
      fileName: 'fake.xlsx',
      contentType: XLSX_TYPE,
      size: 10,
    });
    await postFile(up.json, new TextEncoder().encode('not a zip!'), 'fake.xlsx');
    const r = await call('GET', '/v1/obligations/stats-2026/templates/fake.xlsx', undefined, justice);
    expect([r.status, r.json.error?.code]).toEqual([409, 'conflict']);
  });
});
