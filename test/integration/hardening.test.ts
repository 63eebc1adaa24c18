// Defects found by the security review and the test audit (issue 11), each pinned through the
// real handlers on the real stand-ins (DynamoDB Local, s3rver): hostile uploads, malformed text,
// forged cursors, unbounded forms, audit diffs, loose dates.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { handler as api } from '../../functions/api/handler';
import { handler as chase } from '../../functions/chase/handler';
import { handler as uploads } from '../../functions/uploads/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { routes } from '../../shared/http/route-table';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import type { MessageQueue, OutgoingMessage } from '../../shared/app/ports';
import { recordUpload } from '../../shared/app/receipt';
import { SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { deliver } from '../../shared/app/deliver';
import { loadCalendar } from '../../shared/app/calendar';
import { openSlots } from '../../shared/app/open-slots';
import { sweep } from '../../shared/app/sweep';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import type { Submission } from '../../shared/domain/model';
import type { HttpEvent, HttpResult } from '../../shared/http/router';

const endpoints = inject('endpoints');
const suffix = randomBytes(4).toString('hex');
const TABLE = `hardening-${suffix}`;
const BUCKET = `hardening-${suffix}`;
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const s3 = makeS3Client({ ...common, endpoint: endpoints.s3 });
const store = new DynamoStore(dynamodb, TABLE);
const objects = new S3ObjectStore(s3, BUCKET);
const clock = new SettableClock();
const queued: OutgoingMessage[] = [];
const queue: MessageQueue = { enqueue: async (m) => void queued.push(...m) };

type Handler = (e: HttpEvent, c: never) => Promise<HttpResult>;
const byFn: Record<string, Handler> = {
  api: api as unknown as Handler,
  uploads: uploads as unknown as Handler,
  chase: chase as unknown as Handler,
};
const office = { sub: 'o1', 'cognito:groups': ['office'] };
const unitClaims = (unitId: string) => ({
  sub: `u-${unitId}`,
  'cognito:groups': ['unit'],
  'custom:unitId': unitId,
});

/** One request through the Lambda that serves the route, as API Gateway would send it. */
async function call(
  routeKey: string,
  init: {
    claims?: Record<string, unknown>;
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
  } = {},
) {
  const route = routes.find((r) => `${r.method} ${r.path}` === routeKey);
  if (!route) throw new Error(`no route ${routeKey}`);
  const event = {
    routeKey,
    headers: { authorization: 'Bearer token' },
    pathParameters: init.params,
    queryStringParameters: init.query,
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
    isBase64Encoded: false,
    requestContext: { authorizer: { jwt: { claims: init.claims ?? office, scopes: [] } } },
  } as unknown as HttpEvent;
  const r = await byFn[route.fn]!(event, {} as never);
  const text = String(r.body ?? '');
  return {
    status: r.statusCode ?? 200,
    headers: (r.headers ?? {}) as Record<string, string>,
    text,
    body: text.startsWith('{') ? JSON.parse(text) : undefined,
  };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const TOWN = 'town-a';
const uploadBody = (over: Record<string, unknown> = {}) => ({
  obligationId: 'annual-summary',
  period: '2026',
  fileName: '年度工作总结.pdf',
  contentType: 'application/pdf',
  size: PDF.length,
  ...over,
});

beforeAll(async () => {
  await createTable(dynamodb, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const o of defaultObligations) await store.write([{ type: 'putObligation', obligation: o }]);
  await store.write([{ type: 'putSettings', settings: defaultSettings }]);
  setDeps({ store, clock, objects, queue });
  clock.set(new Date('2026-06-01T10:00:00+08:00'));
  const put = await call('PUT /v1/units/{unitId}', {
    params: { unitId: TOWN },
    body: {
      name: '城关镇',
      kind: 'town',
      tags: ['law-enforcement'],
      contacts: [{ role: 'liaison', name: '王联络', email: 'liaison@town-a.example.gov.cn' }],
    },
  });
  expect(put.status).toBe(201);
}, 60_000);
beforeEach(() => {
  queued.length = 0;
  clock.set(new Date('2026-06-01T10:00:00+08:00'));
});
afterAll(() => setDeps(undefined));

describe('defect 2: only the obligation’s allowed extensions reach the office', () => {
  it('a .bat (or .hta, .html, .svg, .lnk, .exe, none) is 415, whatever contentType the client claims', async () => {
    for (const fileName of [
      '年度工作总结.bat',
      'a.hta',
      'a.html',
      'a.svg',
      'a.lnk',
      'a.exe',
      'a.pdf.exe',
      '年度工作总结',
    ]) {
      const r = await call('POST /v1/uploads', { claims: unitClaims(TOWN), body: uploadBody({ fileName }) });
      expect([fileName, r.status, r.body.error.code]).toEqual([fileName, 415, 'unsupported_type']);
      expect(r.body.error.details[0].field).toBe('fileName');
    }
    const { submissions } = await store.unitYear(TOWN, 2026);
    expect(submissions).toEqual([]);
  });

  it('an extension the obligation does not allow is 415 too', async () => {
    await call('PUT /v1/obligations/{obligationId}', {
      params: { obligationId: 'pdf-only' },
      body: { kind: 'deadline', name: '仅PDF', due: '12-20', allowedTypes: ['pdf'] },
    });
    const r = await call('POST /v1/uploads', {
      claims: unitClaims(TOWN),
      body: uploadBody({ obligationId: 'pdf-only', fileName: '表.xlsx' }),
    });
    expect([r.status, r.body.error.code]).toEqual([415, 'unsupported_type']);
  });

  it('the stored Content-Type and the download’s name come from the type, never from the client', async () => {
    const r = await call('POST /v1/uploads', {
      claims: unitClaims(TOWN),
      body: uploadBody({ contentType: 'text/html' }),
    });
    expect(r.status).toBe(201);
    expect(r.body.fields['Content-Type']).toBe('application/pdf');
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: r.body.key, Body: PDF, ContentType: 'application/pdf' }),
    );
    expect(
      await recordUpload(
        { store, clock, objects, queue },
        { key: r.body.key, eventTime: clock.now().toISOString() },
      ),
    ).toBe('received');
    const got = await call('GET /v1/submissions/{submissionId}', {
      params: { submissionId: r.body.submissionId },
    });
    expect(got.body.contentType).toBe('application/pdf');
    const url = new URL(got.body.downloadUrl);
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(url.searchParams.get('response-content-disposition')).toContain(
      encodeURIComponent('年度工作总结.pdf'),
    );
  });

  it('a record stored before the fix (name .bat, PDF inside) downloads as .bat.pdf, served as a PDF', async () => {
    const legacy: Submission = {
      submissionId: '01JZZZZZZZZZZZZZZZZZZZZZZZ',
      unitId: TOWN,
      obligationId: 'annual-plan',
      period: '2026',
      state: 'received',
      key: `submissions/annual-plan/2026/${TOWN}/01JZZZZZZZZZZZZZZZZZZZZZZZ`,
      fileName: '年度工作总结.bat',
      contentType: 'application/pdf',
      size: PDF.length,
      sha256: 'x'.repeat(64),
      receivedAt: '2026-04-01T02:00:00.000Z',
      onTime: true,
      lateDays: 0,
      createdAt: '2026-04-01T02:00:00.000Z',
    };
    await store.write([{ type: 'putSubmission', submission: legacy }]);
    const got = await call('GET /v1/submissions/{submissionId}', {
      params: { submissionId: legacy.submissionId },
    });
    const url = new URL(got.body.downloadUrl);
    expect(url.searchParams.get('response-content-disposition')).toMatch(/filename="[^"]*\.bat\.pdf"/);
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
  });
});

describe('defect 6: no 500 for malformed input', () => {
  it('a lone-surrogate fileName on POST /v1/uploads is 400 on fileName', async () => {
    for (const fileName of ['计划\uD800.pdf', '\uDC00计划.pdf']) {
      const r = await call('POST /v1/uploads', { claims: unitClaims(TOWN), body: uploadBody({ fileName }) });
      expect([r.status, r.body.error.code, r.body.error.details[0].field]).toEqual([
        400,
        'invalid_input',
        'fileName',
      ]);
    }
  });

  it('a hand-made cursor on GET /v1/audit is 400 on cursor; a real one pages on', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const first = await call('GET /v1/audit', { query: { unitId: TOWN, year: '2026', limit: '1' } });
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call('GET /v1/audit', {
      query: { unitId: TOWN, year: '2026', limit: '1', cursor: first.body.nextCursor },
    });
    expect(next.status).toBe(200);
    expect(next.body.items[0]).not.toEqual(first.body.items[0]);
    const real = JSON.parse(Buffer.from(first.body.nextCursor, 'base64url').toString('utf8'));
    const forged = [
      b64({ a: 1 }),
      b64({ PK: real.PK }),
      b64({ PK: real.PK, SK: '' }),
      b64({ PK: real.PK, SK: 5 }),
      b64({ PK: 'AUDIT#other-town#2026', SK: real.SK }), // another unit's trail
      b64({ PK: real.PK, SK: real.SK, GSI1PK: 'x' }),
      b64([real]),
      b64('text'),
      b64(null),
      b64({ PK: real.PK, SK: '\uD800' }),
      b64({ PK: real.PK, SK: 'x'.repeat(2000) }),
      `${first.body.nextCursor}=`,
      'not-base64-!!',
      '%%%',
    ];
    for (const cursor of forged) {
      const r = await call('GET /v1/audit', { query: { unitId: TOWN, year: '2026', cursor } });
      expect([cursor, r.status, r.body?.error?.code, r.body?.error?.details?.[0]?.field]).toEqual([
        cursor,
        400,
        'invalid_input',
        expect.stringMatching(/^(query\.)?cursor$/),
      ]);
    }
    // the office's own trail refuses a unit trail's cursor
    const office = await call('GET /v1/audit', { query: { year: '2026', cursor: first.body.nextCursor } });
    expect(office.status).toBe(400);
  });
});

describe('defect 4: one broken character never stops the digest; a renamed unit reads by its new name', () => {
  it('a unit name stored with a lone surrogate: the sweep and its digest still go out; renaming shows everywhere', async () => {
    const ses = new SESClient({ ...common, endpoint: endpoints.ses, maxAttempts: 1 });
    const mailer = new SesMailer(ses);
    // Stored before SPEC §5 was enforced: written straight to the table, past the API's zod.
    const bad = {
      unitId: 'bad-town',
      name: '坏\uD800镇',
      kind: 'town' as const,
      tags: [],
      active: true,
      contacts: [{ role: 'leader' as const, name: '赵负责', email: 'leader@bad-town.example.gov.cn' }],
    };
    await store.write([{ type: 'putUnit', unit: bad }]);
    const cal = await loadCalendar(store, [2026]);
    await openSlots(store, cal, {
      year: 2026,
      units: [bad],
      obligations: defaultObligations,
      now: clock.now(),
    });
    // 2026-07-09: the half-year report (due 07-06) is 3 working days late, at level 2: the digest lists it.
    const at = new Date('2026-07-09T09:00:00+08:00');
    clock.set(at);
    queued.length = 0;
    const summary = await sweep({ store, queue }, at);
    expect(summary.digests).toBeGreaterThan(0);
    const digest = queued.filter((m) => m.kind === 'digest' && m.channel === 'email');
    expect(digest.length).toBeGreaterThan(0);
    for (const m of queued.filter((q) => q.channel === 'email'))
      expect([m.id, await deliver({ store, mailer }, m, at, { settings: defaultSettings })]).toEqual([
        m.id,
        'sent',
      ]);

    const put = await call('PUT /v1/units/{unitId}', {
      params: { unitId: 'bad-town' },
      body: { ...bad, name: '新城镇', unitId: undefined },
    });
    expect(put.status).toBe(200);
    const board = await call('GET /v1/status', {
      query: { obligationId: 'half-year-report', period: '2026' },
    });
    expect(board.body.items.find((r: { unitId: string }) => r.unitId === 'bad-town').name).toBe('新城镇');
    const overdue = await call('GET /v1/overdue');
    const mine = overdue.body.items.filter((r: { unitId: string }) => r.unitId === 'bad-town');
    expect(mine.length).toBeGreaterThan(0);
    for (const r of mine) expect(r.name).toBe('新城镇');
    queued.length = 0;
    await sweep({ store, queue }, new Date('2026-07-10T09:00:00+08:00'));
    const next = queued.find((m) => m.kind === 'digest' && m.channel === 'email');
    expect(next?.text).toContain('新城镇');
    expect(next?.text).not.toContain('坏');
  });
});

describe('defect 8: the audit records what changed, before and after', () => {
  it('a unit, an obligation and the settings', async () => {
    const unit = {
      name: '审计镇',
      kind: 'town',
      contacts: [{ role: 'liaison', name: '钱联络', email: 'qian@audit-town.example.gov.cn' }],
    };
    await call('PUT /v1/units/{unitId}', { params: { unitId: 'audit-town' }, body: unit });
    await call('PUT /v1/units/{unitId}', {
      params: { unitId: 'audit-town' },
      body: { ...unit, name: '审计街道', tags: ['law-enforcement'] },
    });
    const trail = await call('GET /v1/audit', { query: { unitId: 'audit-town', year: '2026' } });
    const replaced = trail.body.items.find((e: { action: string }) => e.action === 'unit-replaced');
    expect(replaced.detail.changes).toEqual({
      name: { before: '审计镇', after: '审计街道' },
      tags: { before: [], after: ['law-enforcement'] },
    });
    const created = trail.body.items.find((e: { action: string }) => e.action === 'unit-created');
    expect(created.detail.changes.name).toEqual({ before: null, after: '审计镇' });

    const ob = { kind: 'deadline', name: '专项报告', due: '09-30' };
    await call('PUT /v1/obligations/{obligationId}', { params: { obligationId: 'special' }, body: ob });
    await call('PUT /v1/obligations/{obligationId}', {
      params: { obligationId: 'special' },
      body: { ...ob, due: '10-15', gracePeriodDays: 10 },
    });
    const settings = await call('GET /v1/settings');
    await call('PUT /v1/settings', { body: { ...settings.body, smsSignature: '【法治办】' } });
    const office = await call('GET /v1/audit', { query: { year: '2026' } });
    const obl = office.body.items.find(
      (e: { action: string; detail: { obligationId: string } }) =>
        e.action === 'obligation-replaced' && e.detail.obligationId === 'special',
    );
    expect(obl.detail.changes).toEqual({
      due: { before: '09-30', after: '10-15' },
      gracePeriodDays: { before: 30, after: 10 },
    });
    const set = office.body.items.find((e: { action: string }) => e.action === 'settings-replaced');
    expect(set.detail.changes).toEqual({ smsSignature: { before: '【区法制办】', after: '【法治办】' } });
  });
});

describe('defect 9: impossible dates and unbounded extensions', () => {
  it('due 02-30 is 400; an extension to 2100 is 400; nothing changed', async () => {
    const r = await call('PUT /v1/obligations/{obligationId}', {
      params: { obligationId: 'feb-report' },
      body: { kind: 'deadline', name: '二月报告', due: '02-30' },
    });
    expect([r.status, r.body.error.details[0].field]).toEqual([400, 'due']);
    expect(await store.getObligation('feb-report')).toBeNull();
    const before = await store.getSlot('annual-summary', '2026', TOWN);
    const ext = await call('POST /v1/slots/{obligationId}/{period}/{unitId}/extension', {
      params: { obligationId: 'annual-summary', period: '2026', unitId: TOWN },
      body: { until: '2100-12-31', reason: '延期' },
    });
    expect([ext.status, ext.body.error.details[0].field]).toEqual([400, 'until']);
    expect(await store.getSlot('annual-summary', '2026', TOWN)).toEqual(before);
  });
});

describe('defect 7: unused upload forms do not pile up', () => {
  it('an awaiting-upload record expires (TTL) after its form; the slots view stops listing it once the form expired', async () => {
    const { GetCommand, DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const doc = DynamoDBDocumentClient.from(dynamodb);
    const r = await call('POST /v1/uploads', {
      claims: unitClaims(TOWN),
      body: uploadBody({ obligationId: 'half-year-report' }),
    });
    expect(r.status).toBe(201);
    const raw = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { PK: `SUB#${r.body.submissionId}`, SK: 'SUB' } }),
    );
    const created = Date.parse(raw.Item!.createdAt as string) / 1000;
    const ttl = raw.Item!.expiresAt as number;
    expect(ttl).toBeGreaterThan(created + 900); // after the form expires …
    expect(ttl).toBeLessThanOrEqual(created + 900 + 3 * 24 * 3600); // … within days, not never
    const listed = async () =>
      (
        await call('GET /v1/units/{unitId}/slots', { params: { unitId: TOWN }, query: { year: '2026' } })
      ).body.items
        .flatMap((s: { submissions: Array<{ submissionId: string }> }) => s.submissions)
        .some((s: { submissionId: string }) => s.submissionId === r.body.submissionId);
    expect(await listed()).toBe(true);
    clock.set(new Date(clock.now().getTime() + 16 * 60_000));
    expect(await listed()).toBe(false);
    // Received: rewritten without the TTL, kept.
    clock.set(new Date('2026-06-01T10:00:00+08:00'));
    const r2 = await call('POST /v1/uploads', {
      claims: unitClaims(TOWN),
      body: uploadBody({ obligationId: 'half-year-report' }),
    });
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: r2.body.key, Body: PDF, ContentType: 'application/pdf' }),
    );
    await recordUpload(
      { store, clock, objects, queue },
      { key: r2.body.key, eventTime: clock.now().toISOString() },
    );
    const kept = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { PK: `SUB#${r2.body.submissionId}`, SK: 'SUB' } }),
    );
    expect(kept.Item!.state).toBe('received');
    expect(kept.Item!.expiresAt).toBeUndefined();
  });
});
