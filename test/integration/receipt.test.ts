// The receipt handler on the real stand-ins (DynamoDB Local + s3rver): S3 events as S3 sends
// them (taken from s3rver, URL-encoded keys), wrapped in SQS records, fed to the very handler.
import { createHash, randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import sqsFixture from '../../events/sqs-s3-notification.json';
import { handler as receipt } from '../../functions/receipt/handler';
import { waitForS3Events } from '../../infra/local/s3-event-queue';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type S3Event } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import { loadCalendar } from '../../shared/app/calendar';
import { openSlots } from '../../shared/app/open-slots';
import type { MessageQueue, OutgoingMessage } from '../../shared/app/ports';
import { requestUpload, uploadRequestSchema } from '../../shared/app/uploads';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import { type Obligation, obligationBodySchema, type Principal, type Unit } from '../../shared/domain/model';
import { sqsFields } from '../support/sqs';

const endpoints = inject('endpoints');
const suffix = randomBytes(4).toString('hex');
const TABLE = `receipt-${suffix}`;
const BUCKET = `receipt-${suffix}`;

/** Counts what is enqueued per id, and — like the sender — delivers each id once. */
class CountingQueue implements MessageQueue {
  enqueued = new Map<string, number>();
  delivered: OutgoingMessage[] = [];
  async enqueue(messages: OutgoingMessage[]) {
    for (const m of messages) {
      this.enqueued.set(m.id, (this.enqueued.get(m.id) ?? 0) + 1);
      if (
        await store.claimNotification({
          id: m.id,
          channel: m.channel,
          to: m.to,
          status: 'sent',
          at: new Date().toISOString(),
        })
      )
        this.delivered.push(m);
    }
  }
}

const dynamodb = new DynamoDBClient({
  endpoint: endpoints.dynamodb,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
const s3: S3Client = makeS3Client({
  endpoint: endpoints.s3,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});
const store = new DynamoStore(dynamodb, TABLE);
const clock = new SettableClock();
const objects = new S3ObjectStore(s3, BUCKET);
let queue = new CountingQueue();

const unit: Unit = {
  unitId: 'town-a',
  name: '城关镇',
  kind: 'town',
  tags: [],
  active: true,
  contacts: [
    { role: 'liaison', name: '联络员', email: 'liaison@town-a.example.gov.cn' },
    { role: 'leader', name: '负责人', email: 'leader@town-a.example.gov.cn' },
  ],
};
const small: Obligation = {
  obligationId: 'small-report',
  ...obligationBodySchema.parse({ kind: 'deadline', name: '小文件报送', due: '04-20', maxBytes: 100 }),
};
const me: Principal = { role: 'unit', sub: 'u-1', unitId: unit.unitId };
const context = { functionName: 'receipt', awsRequestId: 'test' } as Context;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

const deps = () => ({ store, clock, objects, queue });
const sqs = (events: S3Event[]): SQSEvent => ({
  Records: events.map((e, i) => ({
    messageId: `m-${i}-${randomBytes(3).toString('hex')}`,
    receiptHandle: 'h',
    body: JSON.stringify(e),
    ...sqsFields('uploads'),
  })),
});
const run = async (events: S3Event[]) => (await receipt(sqs(events), context)) as SQSBatchResponse;

/** The object's real S3 events (as s3rver raised them), with the receipt time set as the local runtime does. */
async function eventsFor(count: number, at: Date): Promise<S3Event[]> {
  const got = await waitForS3Events(endpoints.s3Events!, BUCKET, { count });
  expect(got.length).toBe(count);
  return got.map((e) => ({
    Records: (e.Records as Array<Record<string, unknown>>).map((r) => ({
      ...r,
      eventTime: at.toISOString(),
    })),
  }));
}

async function upload(body: Partial<Parameters<typeof requestUpload>[2]> = {}, content: Buffer = PDF) {
  const req = uploadRequestSchema.parse({
    obligationId: 'annual-plan',
    period: '2026',
    fileName: '2026年度依法行政工作计划.pdf',
    contentType: 'application/pdf',
    size: content.length,
    ...body,
  });
  const r = await requestUpload(deps(), me, req);
  await s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: r.key, Body: content, ContentType: req.contentType }),
  );
  return r;
}

const exists = (Key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key })).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  await createTable(dynamodb, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await fetch(`${endpoints.s3Events}/events?bucket=${BUCKET}`); // drain anything stale
  const obligations = [...defaultObligations, small];
  for (const o of obligations) await store.write([{ type: 'putObligation', obligation: o }]);
  await store.write([{ type: 'putSettings', settings: defaultSettings }]);
  await store.write([{ type: 'putUnit', unit }]);
  clock.set(new Date('2026-04-10T10:00:00+08:00'));
  const cal = await loadCalendar(store, [2026]);
  await openSlots(store, cal, { year: 2026, units: [unit], obligations, now: clock.now() });
});

beforeEach(() => {
  queue = new CountingQueue();
  setDeps({ store, clock, objects, queue });
});

afterAll(() => setDeps(undefined));

describe('receipt handler (S3 → SQS → receipt)', () => {
  it('the same event three times: one submission, one slot update, one receipt', async () => {
    const before = (await store.getSlot('annual-plan', '2026', unit.unitId))!;
    const r = await upload();
    const [event] = await eventsFor(1, new Date('2026-04-17T15:00:00+08:00'));
    // The key arrives URL-encoded, as from S3.
    expect(JSON.stringify(event)).toContain('submissions/annual-plan/2026/town-a/');

    for (let i = 0; i < 3; i++) expect((await run([event!])).batchItemFailures).toEqual([]);

    const sub = (await store.getSubmission(r.submissionId))!;
    expect(sub.state).toBe('received');
    expect(sub.sha256).toBe(createHash('sha256').update(PDF).digest('hex'));
    expect(sub.size).toBe(PDF.length);
    expect(sub.onTime).toBe(true);
    expect(sub.lateDays).toBe(0);
    expect(sub.receivedAt).toBe('2026-04-17T07:00:00.000Z');
    const after = (await store.getSlot('annual-plan', '2026', unit.unitId))!;
    expect(after.version).toBe(before.version + 1);
    expect(after.state).toBe('submitted');
    expect(after.latestSubmissionId).toBe(r.submissionId);
    expect(after.submittedAt).toBe('2026-04-17T07:00:00.000Z');
    // One receipt id (to the liaison only); replays re-enqueue it, the sender delivers it once.
    expect([...queue.enqueued.keys()]).toEqual([
      `receipt:${r.submissionId}:email:liaison`,
    ]);
    expect(queue.delivered).toHaveLength(1);
    expect(queue.delivered[0]!.text).toContain(sub.sha256!);
    const trail = await store.auditOf(unit.unitId, 2026);
    expect(
      trail.items.filter((e) => e.submissionId === r.submissionId && e.action === 'submission-received'),
    ).toHaveLength(1);
  });

  it('two events for one key delivered in reverse order (same batch, then apart): one record', async () => {
    const r = await upload({ obligationId: 'half-year-report' });
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: r.key, Body: PDF, ContentType: 'application/pdf' }),
    );
    const events = await eventsFor(2, new Date('2026-04-18T09:00:00+08:00'));
    const before = (await store.getSlot('half-year-report', '2026', unit.unitId))!;
    const reversed = [...events].reverse();
    expect((await run(reversed)).batchItemFailures).toEqual([]);
    for (const e of reversed) expect((await run([e])).batchItemFailures).toEqual([]);

    expect((await store.getSubmission(r.submissionId))!.state).toBe('received');
    expect((await store.getSlot('half-year-report', '2026', unit.unitId))!.version).toBe(before.version + 1);
    expect(queue.delivered).toHaveLength(1);
    const { submissions } = await store.unitYear(unit.unitId, 2026);
    expect(submissions.filter((s) => s.obligationId === 'half-year-report')).toHaveLength(1);
  });

  it('a PNG named .pdf is rejected with a reason; the slot is untouched; a rejection notice goes out', async () => {
    const before = (await store.getSlot('annual-summary', '2026', unit.unitId))!;
    const r = await upload({ obligationId: 'annual-summary', fileName: 'scan.pdf' }, PNG);
    expect((await run(await eventsFor(1, clock.now()))).batchItemFailures).toEqual([]);
    const sub = (await store.getSubmission(r.submissionId))!;
    expect(sub.state).toBe('rejected');
    expect(sub.rejectReason).toMatch(/PNG/);
    expect(sub.onTime).toBeNull();
    const after = (await store.getSlot('annual-summary', '2026', unit.unitId))!;
    expect(after.version).toBe(before.version);
    expect(after.state).toBe('open');
    expect([...queue.enqueued.keys()]).toEqual([
      `rejection:${r.submissionId}:email:liaison`,
    ]);
  });

  it('a bare 15-byte %PDF- header is rejected three times over; the law-study quota stays at 0', async () => {
    const bare = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1').subarray(0, 15);
    const before = (await store.getSlot('law-study', '2026', unit.unitId))!;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await upload({ obligationId: 'law-study', fileName: `学法记录${i}.pdf` }, bare)).submissionId);
      expect((await run(await eventsFor(1, clock.now()))).batchItemFailures).toEqual([]);
    }
    for (const id of ids) {
      const sub = (await store.getSubmission(id))!;
      expect(sub.state).toBe('rejected');
      expect(sub.rejectReason).toContain('%%EOF');
    }
    const after = (await store.getSlot('law-study', '2026', unit.unitId))!;
    expect(after.version).toBe(before.version);
    expect(after.count ?? 0).toBe(0);
  });

  it('a receipt reads with one BatchGetItem and one S3 GET', async () => {
    const calls: string[] = [];
    const count =
      (prefix: string) =>
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      (args: unknown) => {
        calls.push(`${prefix}:${context.commandName}`);
        return next(args);
      };
    const r = await upload({ obligationId: 'law-study', fileName: '学法记录.pdf' });
    const events = await eventsFor(1, clock.now());
    dynamodb.middlewareStack.add(count('ddb') as never, { step: 'initialize', name: 'countReads' });
    s3.middlewareStack.add(count('s3') as never, { step: 'initialize', name: 'countReads' });
    try {
      expect((await run(events)).batchItemFailures).toEqual([]);
    } finally {
      dynamodb.middlewareStack.remove('countReads');
      s3.middlewareStack.remove('countReads');
    }
    expect((await store.getSubmission(r.submissionId))!.state).toBe('received');
    // The write is one transaction; the test queue's claim is a PutItem (the sender's, not the receipt's).
    expect(calls.filter((c) => !c.endsWith('PutItemCommand') && !c.endsWith('PutCommand'))).toEqual([
      expect.stringMatching(/^ddb:BatchGet/),
      's3:GetObjectCommand',
      expect.stringMatching(/^ddb:TransactWrite/),
    ]);
  });

  it('a file over maxBytes after upload is rejected (S3 enforced no policy here)', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(200, 0x20)]);
    const r = await upload({ obligationId: 'small-report', size: 50 }, big);
    await run(await eventsFor(1, clock.now()));
    const sub = (await store.getSubmission(r.submissionId))!;
    expect(sub.state).toBe('rejected');
    expect(sub.size).toBe(big.length);
    expect(sub.rejectReason).toContain('100');
  });

  it('malicious file names never reach the key and are cleaned in metadata', async () => {
    const names = [
      '../../etc/passwd.pdf',
      `${'长'.repeat(300)}.pdf`,
      'a\u0000b\u0007c\u202Efdp.exe.pdf',
      '.pdf',
      '..\\..\\boot.ini.pdf',
    ];
    for (const fileName of names) {
      const req = uploadRequestSchema.parse({
        obligationId: 'law-study',
        period: '2026',
        fileName,
        contentType: 'application/pdf',
        size: 10,
      });
      const r = await requestUpload(deps(), me, req);
      expect(r.key).toMatch(/^submissions\/law-study\/2026\/town-a\/[0-9A-HJKMNP-TV-Z]{26}$/);
      const meta = decodeURIComponent(r.fields['x-amz-meta-filename']!);
      expect(meta).not.toMatch(/[/\\]/);
      expect(meta).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
      expect(meta).not.toBe('');
      expect(Array.from(meta).length).toBeLessThanOrEqual(255);
      expect(r.fields['x-amz-meta-filename']).toMatch(/^[\x21-\x7e]+$/); // ASCII on the wire
      expect((await store.getSubmission(r.submissionId))!.fileName).toBe(meta);
    }
  });

  it('a key no submission expects is quarantined and audited, never recorded', async () => {
    const keys = [
      'submissions/annual-plan/2026/town-a/01ARZ3NDEKTSV4RRFFQ69G5FAV',
      'submissions/evil file.pdf',
    ];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: PDF }));
    const events = await eventsFor(2, clock.now());
    expect((await run(events)).batchItemFailures).toEqual([]);
    for (const Key of keys) {
      expect(await exists(Key)).toBe(false);
      expect(await exists(`quarantine/${Key}`)).toBe(true);
    }
    expect(await store.getSubmission('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeNull();
    const unitTrail = await store.auditOf(unit.unitId, 2026);
    expect(unitTrail.items.some((e) => e.action === 'object-quarantined')).toBe(true);
    const officeTrail = await store.auditOf('_office', Number(clock.now().toISOString().slice(0, 4)));
    expect(
      officeTrail.items.some((e) => e.action === 'object-quarantined' && e.detail?.key === keys[1]),
    ).toBe(true);
    // The copy into quarantine/ raises its own event; a replay of the original is harmless.
    await waitForS3Events(endpoints.s3Events!, BUCKET, { count: 2, timeoutMs: 2000 });
    expect((await run(events)).batchItemFailures).toEqual([]);
    expect(queue.enqueued.size).toBe(0);
  });

  it('ignores s3:TestEvent and reports a broken record as a batch item failure', async () => {
    const r = (await receipt(sqsFixture as unknown as SQSEvent, context)) as SQSBatchResponse;
    expect(r.batchItemFailures).toEqual([]);
    const bad = sqs([{ Records: [{ nonsense: true }] }]);
    const out = (await receipt(bad, context)) as SQSBatchResponse;
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: bad.Records[0]!.messageId }]);
  });
});
