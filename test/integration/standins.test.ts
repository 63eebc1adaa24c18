/**
 * Proves each local stand-in speaks the AWS wire protocol with the real SDK v3 clients.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForS3Events } from '../../infra/local/s3-event-queue.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins.js';
import { startSmsServer } from '../../infra/local/sms-server.js';

const endpoints = inject('endpoints');
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const suffix = `${process.pid}-${Date.now().toString(36)}`;

describe('DynamoDB Local', () => {
  const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
  const table = `standins-${suffix}`;
  afterAll(() => ddb.destroy());

  it('creates a table with a GSI and cancels a transaction whose condition fails', async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, sk: { S: '1' } } }));

    const err = await ddb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: { S: 'b' }, sk: { S: '1' }, gsi1pk: { S: 'x' } } } },
            {
              Put: {
                TableName: table,
                Item: { pk: { S: 'a' }, sk: { S: '1' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionCanceledException);
    const reasons = (err as TransactionCanceledException).CancellationReasons?.map((r) => r.Code);
    expect(reasons).toEqual(['None', 'ConditionalCheckFailed']);
  });
});

describe('S3 (s3rver)', () => {
  const s3 = new S3Client({
    ...common,
    endpoint: endpoints.s3,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const bucket = `standins-${suffix}`;
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => s3.destroy());

  it('stores and returns an object', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'a/hello.txt', Body: 'hello', ContentType: 'text/plain' }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/hello.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    const events = await waitForS3Events(endpoints.s3Events!, bucket, { count: 1 });
    expect(events[0]?.Records[0]).toMatchObject({
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: bucket }, object: { key: 'a/hello.txt', size: 5 } },
    });
  });

  it('accepts a presigned POST form upload and emits an object-created event', async () => {
    const key = 'uploads/report 1.pdf';
    const { url, fields } = await createPresignedPost(s3, {
      Bucket: bucket,
      Key: key,
      Conditions: [['content-length-range', 1, 1024]],
      Fields: { 'Content-Type': 'application/pdf' },
      Expires: 300,
    });
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob(['%PDF-1.4 test'], { type: 'application/pdf' }), 'report.pdf');
    const res = await fetch(url, { method: 'POST', body: form });
    expect(res.status).toBe(204);

    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await got.Body?.transformToString()).toBe('%PDF-1.4 test');

    const events = await waitForS3Events(endpoints.s3Events!, bucket, { count: 1 });
    const record = events
      .map((e) => e.Records[0])
      .find((r) => (r as { eventName: string }).eventName === 'ObjectCreated:Post');
    expect(record).toMatchObject({
      eventSource: 'aws:s3',
      awsRegion: LOCAL_REGION,
      s3: {
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { key: 'uploads/report+1.pdf', size: 13 },
      },
    });
    // Consumers decode keys as on AWS:
    const encoded = (record as { s3: { object: { key: string } } }).s3.object.key;
    expect(decodeURIComponent(encoded.replace(/\+/g, ' '))).toBe(key);
  });
});

describe('SES (aws-ses-v2-local)', () => {
  it('captures a sent email in /store', async () => {
    const ses = new SESClient({ ...common, endpoint: endpoints.ses });
    const subject = `standins test ${suffix}`;
    const out = await ses.send(
      new SendEmailCommand({
        Source: 'noreply@example.com',
        Destination: { ToAddresses: ['office@example.com'] },
        Message: { Subject: { Data: subject }, Body: { Text: { Data: 'hello' } } },
      }),
    );
    ses.destroy();
    expect(out.MessageId).toBeTruthy();
    const store = (await (await fetch(`${endpoints.ses}/store`)).json()) as {
      emails: { subject: string; destination: { to: string[] } }[];
    };
    const mail = store.emails.find((e) => e.subject === subject);
    expect(mail?.destination.to).toEqual(['office@example.com']);
  });
});

describe('SMS stand-in', () => {
  const sms = new PinpointSMSVoiceV2Client({ ...common, endpoint: endpoints.sms });
  afterAll(() => sms.destroy());

  it('returns a MessageId and records the message', async () => {
    const to = '+8613800138000';
    const text = `hello ${suffix}`;
    const out = await sms.send(new SendTextMessageCommand({ DestinationPhoneNumber: to, MessageBody: text }));
    expect(out.MessageId).toBeTruthy();
    const { messages } = (await (await fetch(`${endpoints.sms}/__messages`)).json()) as {
      messages: { to: string; text: string; at: string }[];
    };
    expect(messages).toContainEqual(expect.objectContaining({ to, text }));
  });

  it.each(['+8610000123456', '13800138000'])('rejects %s with ValidationException', async (number) => {
    const err = await sms
      .send(new SendTextMessageCommand({ DestinationPhoneNumber: number, MessageBody: 'x' }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationException');
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
  });
});

describe('SMS stand-in fault injection (private instance, so shared tests are unaffected)', () => {
  it('throttles the configured fraction of sends with ThrottlingException', async () => {
    const server = await startSmsServer();
    const client = new PinpointSMSVoiceV2Client({ ...common, endpoint: server.endpoint, maxAttempts: 1 });
    try {
      const set = await fetch(`${server.endpoint}/__faults`, {
        method: 'POST',
        body: JSON.stringify({ throttleRate: 1 }),
      });
      expect(set.status).toBe(200);
      const err = await client
        .send(new SendTextMessageCommand({ DestinationPhoneNumber: '+8613800138000', MessageBody: 'x' }))
        .catch((e: unknown) => e);
      expect((err as Error).name).toBe('ThrottlingException');

      await fetch(`${server.endpoint}/__clear`, { method: 'POST' });
      const ok = await client.send(
        new SendTextMessageCommand({ DestinationPhoneNumber: '+8613800138000', MessageBody: 'y' }),
      );
      expect(ok.MessageId).toBeTruthy();
      expect(server.messages.map((m) => m.text)).toEqual(['y']);
    } finally {
      client.destroy();
      await server.close();
    }
  });
});
