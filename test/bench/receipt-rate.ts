// How many S3 object-created events per second the receipt handler records on the local
// stand-ins (DynamoDB Local + s3rver). A quick measurement, not the full benchmark:
//
//   npx tsx test/bench/receipt-rate.ts [units=200] [concurrency=1,4]
//
// Setup (not timed): one unit per slot, each requests an upload and puts a small PDF. Timed: the
// receipt handler fed SQS batches of 10 S3 events (as the event source mapping does), with
// `concurrency` batches in flight (concurrent Lambda invocations). Every receipt reads the
// object (HEAD + ranged GET + full GET for SHA-256), reads submission, obligation, slot,
// calendar, unit, writes one transaction, and enqueues the receipt (an in-memory queue here).
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler as receipt } from '../../functions/receipt/handler';
import {
  encodeS3EventKey,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  silenceSdkNodeWarning,
  startStandIns,
} from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import { loadCalendar } from '../../shared/app/calendar';
import { inParallel, openSlots } from '../../shared/app/open-slots';
import type { MessageQueue } from '../../shared/app/ports';
import { requestUpload } from '../../shared/app/uploads';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import type { Unit } from '../../shared/domain/model';

silenceSdkNodeWarning();
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const UNITS = Number(process.argv[2] ?? 200);
const CONCURRENCY = (process.argv[3] ?? '1,4').split(',').map(Number);

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(20_000), Buffer.from('\n%%EOF\n')]);
const standins = await startStandIns({ quiet: true });
try {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: standins.endpoints.dynamodb });
  const s3 = makeS3Client({ ...common, endpoint: standins.endpoints.s3 });

  for (const conc of CONCURRENCY) {
    const name = `bench-${randomBytes(3).toString('hex')}`;
    await createTable(dynamodb, name);
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const store = new DynamoStore(dynamodb, name);
    const clock = new SettableClock();
    clock.set(new Date('2026-04-10T10:00:00+08:00'));
    let enqueued = 0;
    const queue: MessageQueue = {
      enqueue: async (m) => {
        enqueued += m.length;
      },
    };
    const objects = new S3ObjectStore(s3, name);
    setDeps({ store, clock, objects, queue });

    const ob = defaultObligations.find((o) => o.obligationId === 'annual-plan')!;
    const units: Unit[] = Array.from({ length: UNITS }, (_, i) => ({
      unitId: `unit-${i}`,
      name: `单位${i}`,
      kind: 'town',
      tags: [],
      active: true,
      contacts: [{ role: 'liaison', name: '联络员', email: `u${i}@example.gov.cn` }],
    }));
    await store.write([{ type: 'putObligation', obligation: ob }]);
    await store.write([{ type: 'putSettings', settings: defaultSettings }]);
    await inParallel(units, 16, (u) => store.write([{ type: 'putUnit', unit: u }]));
    await openSlots(store, await loadCalendar(store, [2026]), {
      year: 2026,
      units,
      obligations: [ob],
      now: clock.now(),
    });
    const keys: string[] = [];
    await inParallel(units, 16, async (u) => {
      const r = await requestUpload(
        { store, clock, objects },
        { role: 'unit', sub: u.unitId, unitId: u.unitId },
        {
          obligationId: 'annual-plan',
          period: '2026',
          fileName: '计划.pdf',
          contentType: 'application/pdf',
          size: PDF.length,
        },
      );
      await s3.send(
        new PutObjectCommand({ Bucket: name, Key: r.key, Body: PDF, ContentType: 'application/pdf' }),
      );
      keys.push(r.key);
    });

    const batches: SQSEvent[] = [];
    for (let i = 0; i < keys.length; i += 10) {
      batches.push({
        Records: keys.slice(i, i + 10).map((key, j) => ({
          messageId: `m-${i + j}`,
          receiptHandle: 'h',
          body: JSON.stringify({
            Records: [
              {
                eventName: 'ObjectCreated:Post',
                eventTime: clock.now().toISOString(),
                s3: { bucket: { name }, object: { key: encodeS3EventKey(key), size: PDF.length } },
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
        })),
      });
    }
    const context = { functionName: 'receipt' } as Context;
    let failed = 0;
    const started = performance.now();
    await inParallel(batches, conc, async (b) => {
      const r = (await receipt(b, context)) as SQSBatchResponse;
      failed += r.batchItemFailures.length;
    });
    const seconds = (performance.now() - started) / 1000;
    const received = (await store.unitYear('unit-0', 2026)).submissions[0]?.state;
    const line =
      `concurrency ${conc}: ${keys.length} events in ${seconds.toFixed(2)} s = ` +
      `${(keys.length / seconds).toFixed(1)} events/s (failed ${failed}, receipts queued ${enqueued}, unit-0 ${received})`;
    console.log(line);
  }
  console.log(`\nfile size ${PDF.length} bytes; node ${process.version}`);
} finally {
  setDeps(undefined);
  await standins.stop();
}
