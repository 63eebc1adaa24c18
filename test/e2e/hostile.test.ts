// Hostile requests over HTTP on the local runtime (`npm start`'s, infra/local/): the per-unit cap
// on upload forms (429 too_many_requests with Retry-After, nothing written, exact under
// concurrency), a malformed percent-escape in a path (400, never 500) — issue 11, defects 6 and 7 —
// and a short run of the fuzzer (`npm run test:reliability` runs ≥ 10,000).
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyPipeline } from '../../infra/local/notify-pipeline';
import { plugins } from '../../infra/local/plugins';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import { UPLOAD_FORM_WINDOW_SECONDS, UPLOAD_FORMS_PER_WINDOW } from '../../shared/app/submissions';
import { ERROR_STATUS, requestArb } from '../support/fuzz';
import { devToken, request, setClock, tableSnapshot } from '../support/local-http';

let rt: LocalRuntime;
let office = '';
const tokens: Record<string, string> = {};
const UNITS = ['cap-town', 'cap-dept', 'cap-other'];

const form = (over: Record<string, unknown> = {}) => ({
  obligationId: 'annual-summary',
  period: '2026',
  fileName: '年度工作总结.pdf',
  contentType: 'application/pdf',
  size: 1000,
  ...over,
});
const askForm = (unitId: string, over: Record<string, unknown> = {}) =>
  request(rt, '/v1/uploads', { method: 'POST', token: tokens[unitId], body: form(over) });

beforeAll(async () => {
  rt = await startLocal({ plugins, quiet: true });
  office = await devToken(rt, { role: 'office' });
  // 10:00:00 Shanghai is 02:00:00Z: a window (quarter-hour) starts exactly then.
  await setClock(rt, '2026-04-10T10:00:00+08:00');
  for (const unitId of UNITS) {
    const put = await request(rt, `/v1/units/${unitId}`, {
      method: 'PUT',
      token: office,
      body: { name: `单位${unitId}`, kind: 'town', tags: [], contacts: [] },
    });
    expect(put.status).toBeLessThan(300);
    tokens[unitId] = await devToken(rt, { role: 'unit', unitId });
  }
}, 180_000);

afterAll(async () => {
  await rt?.stop();
});

describe('defect 7: a unit’s open upload forms are capped', () => {
  it(`a form beyond the ${UPLOAD_FORMS_PER_WINDOW} of a window is 429 too_many_requests with Retry-After; nothing written; the next window opens again`, async () => {
    const unitId = 'cap-town';
    await setClock(rt, '2026-04-10T10:00:00+08:00');
    for (let i = 0; i < UPLOAD_FORMS_PER_WINDOW; i++) {
      const r = await askForm(unitId);
      expect(r.status, r.text).toBe(201);
    }
    // 5 min 30 s into the window: 9 min 30 s (570 s) to its end.
    await setClock(rt, '2026-04-10T10:05:30+08:00');
    const before = await tableSnapshot(rt);
    const r = await askForm(unitId);
    expect(r.status).toBe(429);
    expect(r.body).toEqual({ error: { code: 'too_many_requests', message: expect.any(String) } });
    expect(r.headers.get('retry-after')).toBe('570');
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await tableSnapshot(rt)).toBe(before);
    // No form left behind either: the slots view lists exactly the 30 forms.
    const slots = await request(rt, `/v1/units/${unitId}/slots?year=2026`, { token: tokens[unitId] });
    const slot = slots.body.items.find((s: { obligationId: string }) => s.obligationId === 'annual-summary');
    expect(slot.submissions).toHaveLength(UPLOAD_FORMS_PER_WINDOW);

    // Another unit is not affected by this unit's window.
    expect((await askForm('cap-dept')).status).toBe(201);

    // The window's last second is still refused (Retry-After 1); the next window takes forms again.
    await setClock(rt, '2026-04-10T10:14:59.500+08:00');
    const last = await askForm(unitId);
    expect([last.status, last.headers.get('retry-after')]).toEqual([429, '1']);
    await setClock(
      rt,
      new Date(Date.parse('2026-04-10T10:00:00+08:00') + UPLOAD_FORM_WINDOW_SECONDS * 1000).toISOString(),
    );
    expect((await askForm(unitId)).status).toBe(201);
  });

  it('a request refused for another reason uses no form of the window', async () => {
    const unitId = 'cap-other';
    await setClock(rt, '2026-04-10T11:00:00+08:00');
    for (let i = 0; i < UPLOAD_FORMS_PER_WINDOW + 5; i++) {
      const r = await askForm(unitId, { fileName: 'x.exe' });
      expect(r.status).toBe(415);
    }
    for (let i = 0; i < UPLOAD_FORMS_PER_WINDOW; i++) expect((await askForm(unitId)).status).toBe(201);
    expect((await askForm(unitId)).status).toBe(429);
  });

  it('exact under concurrency: of 45 simultaneous requests, exactly the cap get a form', async () => {
    const unitId = 'cap-dept';
    await setClock(rt, '2026-04-10T12:00:00+08:00');
    const rs = await Promise.all(Array.from({ length: 45 }, () => askForm(unitId)));
    const statuses = rs.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(UPLOAD_FORMS_PER_WINDOW);
    expect(statuses.filter((s) => s === 429)).toHaveLength(45 - UPLOAD_FORMS_PER_WINDOW);
    for (const r of rs.filter((x) => x.status === 429))
      expect(Number(r.headers.get('retry-after'))).toBe(900);
    // Exactly the granted forms were recorded in this window.
    const slots = await request(rt, `/v1/units/${unitId}/slots?year=2026`, { token: tokens[unitId] });
    const slot = slots.body.items.find((s: { obligationId: string }) => s.obligationId === 'annual-summary');
    const inWindow = slot.submissions.filter((s: { createdAt?: string; submissionId: string }) =>
      rs.some((r) => r.status === 201 && r.body.submissionId === s.submissionId),
    );
    expect(inWindow).toHaveLength(UPLOAD_FORMS_PER_WINDOW);
  });
});

describe('an upload past the cut-off', () => {
  it('is 409 closed, and uses no form of the window', async () => {
    // annual-summary 2026: due 12-05 → Monday 12-07, 30 days' grace → cut-off 2027-01-06.
    await setClock(rt, '2027-01-06T23:59:00+08:00');
    expect((await askForm('cap-other')).status).toBe(201);
    await setClock(rt, '2027-01-07T00:00:00+08:00');
    const before = await tableSnapshot(rt);
    const r = await askForm('cap-other');
    expect([r.status, r.body.error.code]).toEqual([409, 'closed']);
    expect(await tableSnapshot(rt)).toBe(before);
  });
});

describe('defect 6: a malformed percent-escape in a path is 400, never 500', () => {
  it.each([
    '/v1/units/%E0%A4%A',
    '/v1/units/%zz',
    '/v1/units/%',
    '/v1/units/%E4%B8',
    '/v1/units/abc%C0%AF/slots',
    '/v1/submissions/%FF',
    '/v1/slots/law-study/%E0%A4%A/town-a/waiver',
  ])('%s', async (path) => {
    const method = path.endsWith('/waiver') ? 'POST' : 'GET';
    const before = await tableSnapshot(rt);
    const r = await request(rt, path, {
      method,
      token: office,
      body: method === 'POST' ? { reason: 'x' } : undefined,
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_input');
    expect(r.body.error.details[0].field).toMatch(/^path\./);
    expect(await tableSnapshot(rt)).toBe(before);
  });
});

describe('a short fuzz run (the long one: npm run test:reliability)', () => {
  it('150 hostile requests: no 5xx, the error shape, rejected requests change nothing', async () => {
    await setClock(rt, '2026-04-10T13:00:00+08:00');
    const sub = await askForm('cap-town');
    expect(sub.status).toBe(201);
    const byCaller: Record<string, string | undefined> = {
      office,
      own: tokens['cap-town'],
      other: tokens['cap-dept'],
      garbage: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    };
    let baseline = await tableSnapshot(rt);
    const known = { ownUnit: 'cap-town', otherUnit: 'cap-dept', submissionId: sub.body.submissionId };
    await fc.assert(
      fc.asyncProperty(requestArb(known), async (req) => {
        const r = await request(rt, req.path, {
          method: req.method,
          rawBody: req.body,
          token: req.caller === 'none' ? undefined : byCaller[req.caller],
          headers: req.headers,
        });
        const what = `${req.method} ${req.path.slice(0, 120)} as ${req.caller} → ${r.status}`;
        expect(r.status, what).toBeLessThan(500);
        if (r.status >= 400) {
          expect(ERROR_STATUS[r.body?.error?.code], what).toContain(r.status);
          expect(await tableSnapshot(rt), `${what}: the table changed`).toBe(baseline);
        } else {
          if (req.method !== 'GET') await notifyPipeline(rt).drain(); // what a chase queued goes out first
          baseline = await tableSnapshot(rt);
        }
      }),
      { numRuns: 150, endOnFailure: true },
    );
  }, 300_000);
});
