// Receipt: events per second through the receipt handler at 4 concurrent SQS batches of 10,
// against the stand-ins' own ceiling measured in the same run — DynamoDB Local committing the very
// TransactWriteItems those receipts write, with the same number in flight and nothing else
// around them. And the burst: S3 events for distinct uploads plus repeats, shuffled (seeded), in
// SQS-sized batches, failed records redelivered as SQS would: exactly one submission and one
// receipt per upload.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { handler as receipt } from '../../functions/receipt/handler';
import { encodeS3EventKey, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import { loadCalendar } from '../../shared/app/calendar';
import { inParallel } from '../../shared/app/open-slots';
import type { MessageQueue, Store, WriteOp } from '../../shared/app/ports';
import { recordUpload } from '../../shared/app/receipt';
import { submissionKey } from '../../shared/app/submissions';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import { newSlot } from '../../shared/domain/due';
import type { Submission, Unit } from '../../shared/domain/model';
import { ulid } from 'ulid';
import { type BenchOptions, type Line, line, seeded, shuffle } from './lib';
import { clientOf, dropTables, seedOps, sharedStandIns } from './seed';

const CONCURRENT_BATCHES = 4;
const BATCH = 10;
const WARM_UP = 10;
const AT = new Date('2026-04-10T10:00:00+08:00');
const PDF = readFileSync(new URL('../fixtures/minimal.pdf', import.meta.url));
const context = { functionName: 'receipt' } as Context;
const ob = defaultObligations.find((o) => o.obligationId === 'annual-plan')!;

type Env = { dynamodb: ReturnType<typeof clientOf>; s3: S3Client };

/** A table and bucket with `n` units, their annual-plan slots, and one uploaded object each. */
async function seedUploads(env: Env, n: number) {
  const name = `bench-${randomBytes(3).toString('hex')}`;
  await createTable(env.dynamodb, name);
  await env.s3.send(new CreateBucketCommand({ Bucket: name }));
  const store = new DynamoStore(env.dynamodb, name);
  const cal = await loadCalendar(store, [2026]);
  const ops: WriteOp[] = [
    { type: 'putObligation', obligation: ob },
    { type: 'putSettings', settings: defaultSettings },
  ];
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const unit: Unit = {
      unitId: `unit-${String(i).padStart(5, '0')}`,
      name: `单位${i}`,
      kind: 'town',
      tags: [],
      active: true,
      contacts: [{ role: 'liaison', name: '联络员', email: `u${i}@example.gov.cn` }],
    };
    const slot = newSlot(cal, ob, unit, '2026', '2026-04-01');
    const sub: Submission = {
      submissionId: ulid(AT.getTime() - 60_000),
      unitId: unit.unitId,
      obligationId: ob.obligationId,
      period: '2026',
      state: 'awaiting-upload',
      key: '',
      fileName: '计划.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
      sha256: null,
      receivedAt: null,
      onTime: null,
      lateDays: null,
      createdAt: new Date(AT.getTime() - 60_000).toISOString(),
    };
    sub.key = submissionKey(sub);
    keys.push(sub.key);
    ops.push(
      { type: 'putUnit', unit },
      { type: 'putSlot', slot: { ...slot, version: 1 }, ifVersion: 1 },
      { type: 'putSubmission', submission: sub },
    );
  }
  await seedOps(env.dynamodb, name, ops);
  await inParallel(keys, 16, async (Key) => {
    await env.s3.send(new PutObjectCommand({ Bucket: name, Key, Body: PDF, ContentType: 'application/pdf' }));
  });
  return { name, store, keys };
}

const record = (bucket: string, key: string, id: string): SQSRecord => ({
  messageId: id,
  receiptHandle: 'h',
  body: JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Post',
        eventTime: AT.toISOString(),
        s3: { bucket: { name: bucket }, object: { key: encodeS3EventKey(key), size: PDF.length } },
      },
    ],
  }),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'bench',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:local:0:uploads',
  awsRegion: LOCAL_REGION,
});

/** Runs records through the handler in batches of 10, 4 at a time; returns the failed ones. */
async function feed(records: SQSRecord[]): Promise<SQSRecord[]> {
  const batches: SQSEvent[] = [];
  for (let i = 0; i < records.length; i += BATCH) batches.push({ Records: records.slice(i, i + BATCH) });
  const failed: SQSRecord[] = [];
  await inParallel(batches, CONCURRENT_BATCHES, async (b) => {
    const r = (await receipt(b, context)) as SQSBatchResponse;
    const ids = new Set(r.batchItemFailures.map((f) => f.itemIdentifier));
    failed.push(...b.Records.filter((x) => ids.has(x.messageId)));
  });
  return failed;
}

/** A queue that, like the sender, delivers each id once (claims it in the table). */
function claimingQueue(store: Store) {
  const q = { delivered: 0, enqueued: 0 };
  const queue: MessageQueue = {
    async enqueue(msgs) {
      for (const m of msgs) {
        q.enqueued++;
        if (
          await store.claimNotification({
            id: m.id,
            channel: m.channel,
            to: m.to,
            status: 'sent',
            at: AT.toISOString(),
          })
        )
          q.delivered++;
      }
    },
  };
  return { q, queue };
}

/** Progress on stderr: how long each part took (run.ts prints each section's total). */
const took = (what: string, since: number) =>
  process.stderr.write(`  receipt ${what}: ${((performance.now() - since) / 1000).toFixed(0)} s\n`);

export async function receiptBench(opts: BenchOptions): Promise<Line[]> {
  const N = opts.quick ? 80 : 200;
  const DISTINCT = opts.quick ? 180 : 4500;
  const REPEATS = opts.quick ? 20 : 500;
  const standins = await sharedStandIns();
  const lines: Line[] = [];
  const tables: string[] = [];
  try {
    const env: Env = {
      dynamodb: clientOf(standins.endpoints.dynamodb),
      s3: makeS3Client({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: standins.endpoints.s3,
      }),
    };
    const clock = new SettableClock();
    clock.set(AT);
    const noQueue: MessageQueue = { enqueue: async () => {} };

    // ---- rate vs ceiling ------------------------------------------------------------------
    let t0 = performance.now();
    const a = await seedUploads(env, 2 * N + WARM_UP);
    tables.push(a.name);
    const objects = new S3ObjectStore(env.s3, a.name);
    const forReceipt = a.keys.slice(0, N);
    const forCeiling = a.keys.slice(N, 2 * N);
    const forWarmUp = a.keys.slice(2 * N);
    // The transactions the receipt would commit for the ceiling's half, captured, not written.
    const captured: WriteOp[][] = [];
    const capturing = new Proxy(a.store, {
      get(target, prop, recv) {
        if (prop === 'write') return async (ops: WriteOp[]) => void captured.push(ops);
        const v = Reflect.get(target, prop, recv);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Store;
    await inParallel(forCeiling, 8, async (key) => {
      await recordUpload(
        { store: capturing, clock, objects, queue: noQueue },
        { key, eventTime: AT.toISOString() },
      );
    });
    if (captured.length !== forCeiling.length) throw new Error(`captured ${captured.length} transactions`);
    const inFlight = CONCURRENT_BATCHES * BATCH;
    setDeps({ store: a.store, clock, objects, queue: noQueue });
    const records = forReceipt.map((k, i) => record(a.name, k, `r-${i}`));
    // One batch through the handler first, not timed (its clients connect, its code warms up), so
    // that a small run measures the steady rate.
    await feed(forWarmUp.map((k, i) => record(a.name, k, `w-${i}`)));
    // Alternate halves (ceiling, receipt, ceiling, receipt) so both see the same machine.
    let ceilingSeconds = 0;
    let receiptSeconds = 0;
    const failed: SQSRecord[] = [];
    const half = Math.ceil(N / 2);
    for (const part of [0, 1]) {
      let t = performance.now();
      await inParallel(captured.slice(part * half, (part + 1) * half), inFlight, (ops) => a.store.write(ops));
      ceilingSeconds += (performance.now() - t) / 1000;
      t = performance.now();
      failed.push(...(await feed(records.slice(part * half, (part + 1) * half))));
      receiptSeconds += (performance.now() - t) / 1000;
    }
    took('rate vs ceiling (seeding included)', t0);
    const ceiling = captured.length / ceilingSeconds;
    const rate = records.length / receiptSeconds;
    lines.push(
      line({
        what: `receipt: events/s, ${CONCURRENT_BATCHES} concurrent batches of ${BATCH} (${N} events)`,
        measured: rate,
        unit: '/s',
        baseline: ceiling,
        baselineWhat: `DynamoDB Local ceiling: the same TransactWriteItems, ${inFlight} in flight`,
        goal: '≥ 0.7×',
        met: rate >= 0.7 * ceiling && failed.length === 0,
        ...(failed.length ? { note: `${failed.length} records failed` } : {}),
      }),
    );

    // ---- the burst ---------------------------------------------------------------------------
    t0 = performance.now();
    const b = await seedUploads(env, DISTINCT);
    tables.push(b.name);
    took(`burst: seeding ${DISTINCT} uploads`, t0);
    const { q, queue } = claimingQueue(b.store);
    setDeps({ store: b.store, clock, objects: new S3ObjectStore(env.s3, b.name), queue });
    const rand = seeded(12);
    const repeats = Array.from({ length: REPEATS }, () => b.keys[Math.floor(rand() * b.keys.length)]!);
    let pending = shuffle([...b.keys, ...repeats], rand).map((k, i) => record(b.name, k, `b-${i}`));
    const events = pending.length;
    const t = performance.now();
    let redelivered = 0;
    for (let round = 0; pending.length && round < 10; round++) {
      pending = await feed(pending);
      redelivered += pending.length;
    }
    const burstSeconds = (performance.now() - t) / 1000;
    took(`burst: ${events} events`, t);
    const doc = DynamoDBDocumentClient.from(env.dynamodb);
    let received = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const r = await doc.send(
        new ScanCommand({
          TableName: b.name,
          FilterExpression: '#t = :t AND #s = :s',
          ExpressionAttributeNames: { '#t': '_type', '#s': 'state' },
          ExpressionAttributeValues: { ':t': 'submission', ':s': 'received' },
          ExclusiveStartKey,
        }),
      );
      received += r.Count ?? 0;
      ExclusiveStartKey = r.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const note = `${events} events (${REPEATS} repeats) in ${burstSeconds.toFixed(0)} s; ${redelivered} redelivered; ${pending.length} left failing`;
    lines.push(
      line({
        what: `burst: submissions received from ${events} shuffled events`,
        measured: received,
        unit: '',
        baseline: DISTINCT,
        baselineWhat: 'distinct uploads',
        goal: `= ${DISTINCT}`,
        met: received === DISTINCT,
        note,
      }),
      line({
        what: `burst: receipts delivered (each id once)`,
        measured: q.delivered,
        unit: '',
        baseline: DISTINCT,
        baselineWhat: 'distinct uploads',
        goal: `= ${DISTINCT}`,
        met: q.delivered === DISTINCT,
      }),
    );
  } finally {
    setDeps(undefined);
    await dropTables(clientOf(standins.endpoints.dynamodb), tables);
  }
  return lines;
}
