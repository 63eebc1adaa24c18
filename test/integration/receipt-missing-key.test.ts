// A missing key answers 403, not 404, on AWS when the role has no s3:ListBucket (none has). The
// receipt handler must treat both the same: a replayed event for a key that is gone (already
// quarantined) is ignored, never retried into the dead-letter queue. s3rver answers 404, so a
// fault-injecting middleware on the real client turns its 404 for HeadObject into S3's 403.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler as receipt } from '../../functions/receipt/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import type { MessageQueue, OutgoingMessage } from '../../shared/app/ports';
import { sqsFields } from '../support/sqs';

const endpoints = inject('endpoints');
const suffix = randomBytes(4).toString('hex');
const TABLE = `missing-key-${suffix}`;
const BUCKET = `missing-key-${suffix}`;
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const store = new DynamoStore(dynamodb, TABLE);

/** A client on s3rver whose HeadObject of a missing key answers 403, as S3 does without s3:ListBucket. */
let forbidden = 0;
const s3As403 = makeS3Client({ ...common, endpoint: endpoints.s3 });
s3As403.middlewareStack.add(
  (next, context) => async (args) => {
    const out = await next(args);
    const response = out.response as { statusCode?: number };
    if (context.commandName === 'HeadObjectCommand' && response.statusCode === 404) {
      response.statusCode = 403;
      forbidden++;
    }
    return out;
  },
  // 'low' in the deserialize step runs inside the deserializer: it edits the raw HTTP response.
  { step: 'deserialize', priority: 'low', name: 'missingKeyAnswers403' },
);
const s3As404 = makeS3Client({ ...common, endpoint: endpoints.s3 });

const enqueued: OutgoingMessage[] = [];
const queue: MessageQueue = { enqueue: async (m) => void enqueued.push(...m) };
const context = { functionName: 'receipt', awsRequestId: 'test' } as Context;

const sqsEventFor = (key: string): SQSEvent => ({
  Records: [
    {
      messageId: `m-${randomBytes(3).toString('hex')}`,
      receiptHandle: 'h',
      body: JSON.stringify({
        Records: [
          {
            eventName: 'ObjectCreated:Post',
            eventTime: '2026-04-17T02:15:30.123Z',
            s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } },
          },
        ],
      }),
      ...sqsFields('uploads', 2),
    },
  ],
});
const unknownKey = () => `submissions/annual-plan/2026/town-a/${ulid()}`;
const exists = async (Key: string) => {
  try {
    await s3As404.send(new HeadObjectCommand({ Bucket: BUCKET, Key }));
    return true;
  } catch {
    return false;
  }
};
const run = async (client: typeof s3As404, key: string) => {
  setDeps({ store, clock: new SettableClock(), objects: new S3ObjectStore(client, BUCKET), queue });
  return (await receipt(sqsEventFor(key), context)) as SQSBatchResponse;
};

beforeAll(async () => {
  await createTable(dynamodb, TABLE);
  await s3As404.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(() => setDeps(undefined));

describe('receipt: a replayed event for a key that is gone', () => {
  it('S3 answering 403 (no s3:ListBucket): ignored, not retried', async () => {
    const before = forbidden;
    const r = await run(s3As403, unknownKey());
    expect(forbidden).toBeGreaterThan(before); // the HEAD really answered 403
    expect(r.batchItemFailures).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it('S3 answering 404: ignored the same way', async () => {
    const r = await run(s3As404, unknownKey());
    expect(r.batchItemFailures).toEqual([]);
  });

  it('an unknown key that is there is still quarantined through the 403-answering client', async () => {
    const key = unknownKey();
    await s3As404.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
    const before = forbidden;
    const r = await run(s3As403, key);
    expect(r.batchItemFailures).toEqual([]);
    expect(forbidden).toBe(before);
    expect(await exists(key)).toBe(false);
    expect(await exists(`quarantine/${key}`)).toBe(true);
    // …and a replay of its event, now that the key is gone (403), is ignored.
    expect((await run(s3As403, key)).batchItemFailures).toEqual([]);
    expect(forbidden).toBeGreaterThan(before);
  });
});
