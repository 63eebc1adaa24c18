// The reconciliation (shared/app/reconcile.ts) on the real stand-ins (DynamoDB Local + s3rver):
// objects stored under submissions/ whose S3 event was never handled (lost, or dead-lettered) are
// recorded exactly as the receipt records them, once, by the daily sweep's invocation.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { handler as receipt } from '../../functions/receipt/handler';
import { handler as sweepHandler } from '../../functions/sweep/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { LocalObjectStore } from '../../infra/local/uploads-pipeline';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import { loadCalendar } from '../../shared/app/calendar';
import { openSlots } from '../../shared/app/open-slots';
import type { MessageQueue, OutgoingMessage } from '../../shared/app/ports';
import { RECONCILE_LOOKBACK_MS, type ReconcileSummary, reconcileUploads } from '../../shared/app/reconcile';
import { recordUpload } from '../../shared/app/receipt';
import { STALE_MS } from '../../shared/app/deliver';
import { QUARANTINE_PREFIX } from '../../shared/app/submissions';
import { requestUpload, uploadRequestSchema } from '../../shared/app/uploads';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import type { Principal, Unit } from '../../shared/domain/model';
import { sqsFields } from '../support/sqs';

const endpoints = inject('endpoints');
const suffix = randomBytes(4).toString('hex');
const TABLE = `reconcile-${suffix}`;
const BUCKET = `reconcile-${suffix}`;

/** Counts what is enqueued per id and, like the sender, delivers each id once. */
class CountingQueue implements MessageQueue {
  enqueued = new Map<string, number>();
  delivered: OutgoingMessage[] = [];
  async enqueue(messages: OutgoingMessage[]) {
    for (const m of messages) {
      this.enqueued.set(m.id, (this.enqueued.get(m.id) ?? 0) + 1);
      const first = await store.claimNotification({
        id: m.id,
        channel: m.channel,
        to: m.to,
        status: 'sent',
        at: new Date().toISOString(),
      });
      if (first) this.delivered.push(m);
    }
  }
}

const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const s3: S3Client = makeS3Client({ ...common, endpoint: endpoints.s3 });
const store = new DynamoStore(dynamodb, TABLE);
const clock = new SettableClock();
/** As the local runtime wires it: with the clock set, a listed object was created at the clock's time. */
const objects = new LocalObjectStore(s3, BUCKET, clock);
let queue = new CountingQueue();

const unitOf = (unitId: string, name: string): Unit => ({
  unitId,
  name,
  kind: 'town',
  tags: [],
  active: true,
  contacts: [{ role: 'liaison', name: '联络员', email: `liaison@${unitId}.example.gov.cn` }],
});
const A = unitOf('town-a', '城关镇');
const B = unitOf('town-b', '南湖镇');
const C = unitOf('town-c', '东城街道'); // never uploads: the sweep's control
const as = (u: Unit): Principal => ({ role: 'unit', sub: `u-${u.unitId}`, unitId: u.unitId });
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const deps = () => ({ store, clock, objects, queue });

/** A form, then the file stored under its key — with no S3 event handled (the event was lost). */
async function storedWithoutEvent(obligationId: string, unit: Unit = A) {
  const req = uploadRequestSchema.parse({
    obligationId,
    period: '2026',
    fileName: '报送材料.pdf',
    contentType: 'application/pdf',
    size: PDF.length,
  });
  const r = await requestUpload(deps(), as(unit), req);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: r.key, Body: PDF, ContentType: req.contentType }));
  return r;
}

const exists = (Key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key })).then(
    () => true,
    () => false,
  );
const auditOf = async (submissionId: string, action: string, unit: Unit = A) =>
  (await store.auditOf(unit.unitId, 2026, { limit: 500 })).items.filter(
    (e) => e.submissionId === submissionId && e.action === action,
  );
const receiptIds = () => [...queue.enqueued.keys()].filter((id) => id.startsWith('receipt:'));
const s3Event = (key: string, at: string): SQSEvent => ({
  Records: [
    {
      messageId: `m-${randomBytes(3).toString('hex')}`,
      receiptHandle: 'h',
      body: JSON.stringify({
        Records: [
          {
            eventName: 'ObjectCreated:Post',
            eventTime: at,
            s3: { bucket: { name: BUCKET }, object: { key: key.split('/').map(encodeURIComponent).join('/') } },
          },
        ],
      }),
      ...sqsFields('uploads'),
    },
  ],
});
const context = { functionName: 'receipt', awsRequestId: 'test' } as Context;

beforeAll(async () => {
  await createTable(dynamodb, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const o of defaultObligations) await store.write([{ type: 'putObligation', obligation: o }]);
  await store.write([{ type: 'putSettings', settings: defaultSettings }]);
  await store.write([{ type: 'putUnit', unit: A }]);
  await store.write([{ type: 'putUnit', unit: B }]);
  await store.write([{ type: 'putUnit', unit: C }]);
  const cal = await loadCalendar(store, [2026]);
  await openSlots(store, cal, {
    year: 2026,
    units: [A, B, C],
    obligations: defaultObligations,
    now: new Date('2026-01-05T09:00:00+08:00'),
  });
});

beforeEach(() => {
  queue = new CountingQueue();
  clock.set(new Date('2026-04-15T10:00:00+08:00'));
  setDeps({ store, clock, objects, queue });
});

afterAll(() => setDeps(undefined));

describe('reconciliation: stored objects that never got a receipt', () => {
  it('an object stored with no event is recorded once, with one receipt; a second run and the late event change nothing', async () => {
    const r = await storedWithoutEvent('annual-plan');
    expect((await store.getSubmission(r.submissionId))!.state).toBe('awaiting-upload');

    const first = await reconcileUploads(deps(), clock.now());
    expect(first).toMatchObject({ pending: 1, received: 1, rejected: 0, quarantined: 0, failed: 0 });
    const sub = (await store.getSubmission(r.submissionId))!;
    expect(sub.state).toBe('received');
    // the receipt time is the object's creation time (here the local clock's, as the runtime stamps it)
    expect(sub.receivedAt).toBe('2026-04-15T02:00:00.000Z');
    expect(sub.onTime).toBe(true);
    const slot = (await store.getSlot('annual-plan', '2026', A.unitId))!;
    expect(slot.state).toBe('submitted');
    expect(slot.latestSubmissionId).toBe(r.submissionId);
    expect(receiptIds()).toEqual([`receipt:${r.submissionId}:email:liaison`]);
    expect(queue.delivered).toHaveLength(1);
    expect(await auditOf(r.submissionId, 'submission-received')).toHaveLength(1);

    // a second run: the object has its receipt, so nothing is queued again
    const second = await reconcileUploads(deps(), clock.now());
    expect(second.examined).toBeGreaterThanOrEqual(1);
    expect(second).toMatchObject({ pending: 0, received: 0, duplicate: 0, requeued: 0 });
    expect([...queue.enqueued.values()]).toEqual([1]);
    // the lost event turns up after all: a duplicate, the same receipt id, sent once
    const late = (await receipt(s3Event(r.key, new Date().toISOString()), context)) as SQSBatchResponse;
    expect(late.batchItemFailures).toEqual([]);
    expect(queue.delivered).toHaveLength(1);
    expect((await store.getSlot('annual-plan', '2026', A.unitId))!.version).toBe(slot.version);
    expect(await auditOf(r.submissionId, 'submission-received')).toHaveLength(1);
  });

  it('a receipt lost with its queue (recorded, never claimed by a sender) is queued again, once', async () => {
    const r = await storedWithoutEvent('annual-summary');
    const lostQueue: MessageQueue = { enqueue: async () => undefined }; // the queue died with the runtime
    expect(await recordUpload({ store, clock, objects, queue: lostQueue }, { key: r.key, eventTime: clock.now().toISOString() })).toBe('received');
    const first = await reconcileUploads(deps(), clock.now());
    expect(first).toMatchObject({ pending: 0, requeued: 1, failed: 0 });
    expect(receiptIds()).toEqual([`receipt:${r.submissionId}:email:liaison`]);
    expect(queue.delivered).toHaveLength(1);
    // claimed now: the next run queues nothing
    expect(await reconcileUploads(deps(), clock.now())).toMatchObject({ pending: 0, requeued: 0 });
    expect([...queue.enqueued.values()]).toEqual([1]);
  });

  it('a receipt whose send died mid-way (sending) is queued again only after 15 minutes; one released for a retry at once', async () => {
    const lostQueue: MessageQueue = { enqueue: async () => undefined };
    const r = await storedWithoutEvent('law-study', B);
    await recordUpload({ store, clock, objects, queue: lostQueue }, { key: r.key, eventTime: clock.now().toISOString() });
    const id = `receipt:${r.submissionId}:email:liaison`;
    await store.claimNotification({ id, channel: 'email', to: 'x', status: 'sending', at: clock.now().toISOString() });
    clock.set(new Date(clock.now().getTime() + STALE_MS - 1));
    expect(await reconcileUploads(deps(), clock.now())).toMatchObject({ requeued: 0, failed: 0 });
    clock.set(new Date(clock.now().getTime() + 1));
    expect(await reconcileUploads(deps(), clock.now())).toMatchObject({ requeued: 1, failed: 0 });
    expect(queue.enqueued.get(id)).toBe(1);
    await store.updateNotification(id, 'retry', 'throttled', 'sending');
    expect(await reconcileUploads(deps(), clock.now())).toMatchObject({ requeued: 1, failed: 0 });
    expect(queue.enqueued.get(id)).toBe(2);
    await store.updateNotification(id, 'sent', undefined, 'retry'); // final: later runs leave it
    expect(await reconcileUploads(deps(), clock.now())).toMatchObject({ requeued: 0 });
  });

  it('two reconciliations at once, and the S3 event racing them: one record, one receipt', async () => {
    const r = await storedWithoutEvent('half-year-report');
    const runs = await Promise.all([
      reconcileUploads(deps(), clock.now()),
      reconcileUploads(deps(), clock.now()),
      receipt(s3Event(r.key, clock.now().toISOString()), context),
    ]);
    const [x, y] = runs as [ReconcileSummary, ReconcileSummary, SQSBatchResponse];
    expect(x.failed + y.failed).toBe(0);
    expect((runs[2] as SQSBatchResponse).batchItemFailures).toEqual([]);
    expect((await store.getSubmission(r.submissionId))!.state).toBe('received');
    expect(await auditOf(r.submissionId, 'submission-received')).toHaveLength(1);
    expect(queue.delivered.filter((m) => m.id.includes(r.submissionId))).toHaveLength(1);
    const slot = (await store.getSlot('half-year-report', '2026', A.unitId))!;
    expect(slot.latestSubmissionId).toBe(r.submissionId);
  });

  it('an object no submission expects is quarantined and audited, as the receipt does; the next run does not see it', async () => {
    const stray = `submissions/annual-summary/2026/${A.unitId}/01KQ3ZV8J1T1G9W3X5M2N4P6R8`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: stray, Body: PDF }));
    const first = await reconcileUploads(deps(), clock.now());
    expect(first).toMatchObject({ pending: 1, quarantined: 1, received: 0, failed: 0 });
    expect(await exists(stray)).toBe(false);
    expect(await exists(`${QUARANTINE_PREFIX}${stray}`)).toBe(true);
    const trail = (await store.auditOf(A.unitId, 2026, { limit: 500 })).items.filter(
      (e) => e.action === 'object-quarantined' && (e.detail as { key?: string }).key === stray,
    );
    expect(trail).toHaveLength(1);
    expect(queue.enqueued.size).toBe(0);
    expect(await reconcileUploads(deps(), clock.now())).toMatchObject({ pending: 0, quarantined: 0 });
  });

  it('objects older than the lookback (a form plus its record’s grace) are left alone', async () => {
    const r = await storedWithoutEvent('law-study');
    clock.set(new Date('2026-04-01T10:00:00+08:00')); // the listing says the object was created then
    const at = new Date(clock.now().getTime() + RECONCILE_LOOKBACK_MS + 1);
    const summary = await reconcileUploads(deps(), at);
    expect(summary).toMatchObject({ examined: 0, pending: 0 });
    expect((await store.getSubmission(r.submissionId))!.state).toBe('awaiting-upload');
    // a millisecond inside the lookback, it is recorded
    const inside = await reconcileUploads(deps(), new Date(at.getTime() - 2));
    expect(inside).toMatchObject({ pending: 1, received: 1 });
  });

  it('with no clock set, the listing’s own creation time is the receipt time', async () => {
    clock.set(null);
    const plain = new S3ObjectStore(s3, BUCKET);
    const before = Date.now();
    const r = await storedWithoutEvent('annual-summary', B);
    const summary = await reconcileUploads({ store, clock, objects: plain, queue }, new Date());
    expect(summary.pending).toBe(1);
    const sub = (await store.getSubmission(r.submissionId))!;
    expect(['received', 'rejected']).toContain(sub.state); // the real date may be past the cut-off
    // s3rver's LastModified has a resolution of one second
    expect(Date.parse(sub.receivedAt!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(sub.receivedAt!)).toBeLessThanOrEqual(Date.now());
    expect(queue.delivered.filter((m) => m.id.includes(r.submissionId))).toHaveLength(1);
  });

  it('the daily sweep reconciles first: the unit whose file was stored gets no reminder for it', async () => {
    // B's annual plan is stored but unrecorded (A's was recorded by the first test; C sent nothing)
    const r = await storedWithoutEvent('annual-plan', B);
    const at = '2026-04-17T09:00:00+08:00';
    const summary = (await sweepHandler({ at })) as { reconciled: ReconcileSummary; reminders: number };
    expect(summary.reconciled).toMatchObject({ pending: 1, received: 1, failed: 0 });
    expect((await store.getSubmission(r.submissionId))!.state).toBe('received');
    const reminders = [...queue.enqueued.keys()].filter((id) => id.startsWith('annual-plan#2026#') && id.includes(':reminder:'));
    expect(reminders.filter((id) => id.includes(`#${C.unitId}:`)).length, 'the control unit is reminded').toBeGreaterThan(0);
    expect(reminders.filter((id) => !id.includes(`#${C.unitId}:`))).toEqual([]);
    expect(receiptIds()).toEqual([`receipt:${r.submissionId}:email:liaison`]);
  });
});
