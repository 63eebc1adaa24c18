// The Lambda path itself: every other test injects dependencies, so the wiring a function uses on
// AWS — container.deps(), loadConfig, shared/adapters/wire/* — runs only here. The stack is
// synthesized with bundling (CDK's NodejsFunction with the stack's own options, as `cdk deploy`
// builds it); each function's bundle is loaded in a fresh Node process with exactly the
// environment the template gives it (every reference resolved to a stand-in; a reference with no
// stand-in fails the test), plus what the Lambda runtime sets and the stand-ins' endpoints
// (AWS_ENDPOINT_URL_*), and invoked once with a sample event from events/. Each step asserts a
// real effect on the stand-ins: items written, messages queued, an email and an SMS delivered.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { functionSpecs, type LambdaName } from '../../infra/functions';
import { LOCAL_CREDENTIALS } from '../../infra/local/standins';
import { projectRoot } from '../../infra/stack';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { makeS3Client } from '../../shared/adapters/s3';
import { putSettings } from '../../shared/app/admin';
import { smsHeldUntil } from '../../shared/domain/quiet-hours';
import type { OutgoingMessage } from '../../shared/app/ports';
import { shanghaiDate } from '../../shared/domain/dates';
import { defaultObligations } from '../../shared/domain/defaults';
import { settingsSchema } from '../../shared/domain/model';
import { logicalId, REGION } from './build';
import {
  type DeployedFunction,
  deployedFunction,
  type Invocation,
  invoke,
  type Synthesized,
  synthWithBundles,
} from './support/lambda-bundles';
import { startCognitoStandIn } from '../support/cognito-standin';
import { type SqsServer, startSqsServer } from './support/sqs-server';

const endpoints = inject('endpoints');
const tag = randomBytes(4).toString('hex');
const TABLE = `lambda-path-${tag}`;
const BUCKET = `lambda-path-${tag}`;
const CONFIG_SET = `lambda-path-${tag}`;
const SMS_ARN = 'arn:aws:sms-voice:ap-southeast-1:111122223333:pool/pool-lambda-path';
const WEB_DOMAIN = 'd111111abcdef8.cloudfront.net';
const common = { region: REGION, credentials: LOCAL_CREDENTIALS };
const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const s3 = makeS3Client({ ...common, endpoint: endpoints.s3 });
const store = new DynamoStore(ddb, TABLE);

// The sample events name these units; their addresses are made unique to this run.
const A = 'chengguan-town';
const B = 'nanhu-town';
const emailOf = (unit: string) => `liaison@${unit}.${tag}.example.gov.cn`;
const PHONE_A = '+8613500000001';
const PHONE_B = '+8613500000002';
const CONTACT_NAMES = ['城关联络员', '南湖联络员'];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
// Uploads are open until a slot's cut-off: use this month's monthly report, which is always open.
const MONTH = shanghaiDate(new Date()).slice(0, 7);

const sample = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(join(projectRoot, 'events', name), 'utf8')) as T;

let syn: Synthesized;
let sqs: SqsServer;
let cognito: Awaited<ReturnType<typeof startCognitoStandIn>>;
const POOL_ID = 'ap-southeast-1_pathPool';
let notifyQueueUrl: string;
let openSlotsUrl: string;
const fns = {} as Record<LambdaName, DeployedFunction>;
const outputs: string[] = [];

/** Invokes the deployed `name` once with `event`; keeps its output for the log check. */
async function run(name: LambdaName, event: unknown): Promise<Invocation> {
  const r = await invoke(fns[name], name, event, {
    // The function's credentials (Lambda puts the role's here); s3rver accepts only these.
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: 'session',
    // The SDK's service-specific endpoint variables point each client at its stand-in.
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: endpoints.sms,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
  });
  outputs.push(r.output);
  return r;
}

const http = (r: Invocation) => {
  const res = r.result as { statusCode: number; headers?: Record<string, string>; body: string };
  return { ...res, json: JSON.parse(res.body) as Record<string, unknown> };
};
const queued = () => sqs.sent.map((m) => ({ url: m.queueUrl, msg: JSON.parse(m.body) as OutgoingMessage }));
const sqsEventOf = (bodies: unknown[]) => {
  const template = sample<{ Records: Array<Record<string, unknown>> }>('sqs-notify.json').Records[0]!;
  return {
    Records: bodies.map((b, i) => ({ ...template, messageId: `m-${i}`, body: JSON.stringify(b) })),
  };
};

beforeAll(async () => {
  // The deploy parameters a real deploy passes (README "Deploying to AWS").
  syn = synthWithBundles({ sesIdentity: 'example.invalid', smsOriginationIdentity: SMS_ARN });
  sqs = await startSqsServer();
  cognito = await startCognitoStandIn();
  notifyQueueUrl = sqs.queueUrl(`notify-${tag}`);
  openSlotsUrl = sqs.queueUrl(`open-slots-${tag}`);
  const { stack } = syn;
  // The stand-in for every resource the functions' environments refer to.
  const names: Record<string, string> = {
    [logicalId(stack.table)]: TABLE,
    [logicalId(stack.bucket)]: BUCKET,
    [logicalId(stack.notifyQueue)]: notifyQueueUrl,
    [logicalId(stack.openSlotsQueue)]: openSlotsUrl,
    [logicalId(stack.configurationSet!)]: CONFIG_SET,
    [logicalId(stack.userPool!)]: POOL_ID,
    [`${logicalId(stack.web.distribution)}.DomainName`]: WEB_DOMAIN,
    'AWS::Region': REGION,
    'AWS::AccountId': '111122223333',
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  for (const name of Object.keys(functionSpecs) as LambdaName[])
    fns[name] = deployedFunction(syn, logicalId(stack.functions[name]), names);

  await createTable(ddb, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const obligation of defaultObligations) await store.write([{ type: 'putObligation', obligation }]);
  const seed = { role: 'office', sub: 'seed' } as const;
  const now = new Date();
  await putSettings(
    store,
    seed,
    settingsSchema.parse({
      officeContacts: [{ name: '法制办', email: `office@${tag}.example.gov.cn` }],
      smsSignature: '【区法制办】',
      senderEmail: 'noreply@example.invalid',
      sesRatePerSecond: 100,
    }),
    now,
  );
  // The unit alone (putUnit would open its slots too; the sweep below is to open them).
  await store.write([
    {
      type: 'putUnit',
      unit: {
        unitId: A,
        name: '城关镇',
        kind: 'town',
        tags: ['law-enforcement'],
        active: true,
        contacts: [{ role: 'liaison', name: CONTACT_NAMES[0]!, email: emailOf(A), phone: PHONE_A }],
      },
    },
  ]);
}, 900_000); // synthesizing with seven esbuild bundles takes minutes on a loaded machine

afterAll(async () => {
  syn?.close();
  await sqs?.close();
  await cognito?.close();
});

describe('each function, bundled as the stack deploys it, in a fresh process with its environment', () => {
  it('every function of the stack is covered here with its deployed handler', () => {
    // A function added to functionSpecs needs a step below (this list is what the steps use).
    expect(Object.keys(fns).sort()).toEqual(
      ['api', 'bounces', 'chase', 'opener', 'receipt', 'sender', 'sweep', 'uploads'].sort(),
    );
    for (const fn of Object.values(fns)) {
      expect(fn.exportName).toBe('handler');
      expect(readFileSync(fn.file, 'utf8')).toMatch(/export\s*\{/);
      expect(fn.environment.TABLE_NAME).toBe(TABLE);
      expect(fn.environment.SMS_ORIGINATION_IDENTITY).toBe(SMS_ARN);
    }
  });

  /** The default obligations a year opens (the event duties' slots open per declared event). */
  const yearly = defaultObligations
    .filter((o) => o.kind !== 'event')
    .map((o) => o.obligationId)
    .sort();
  /** The slot-opening jobs queued since the last call, as the opener's SQS event (events/sqs-open-slots.json). */
  let jobsSeen = 0;
  const openingJobs = () => {
    const jobs = sqs.sent.slice(jobsSeen).filter((m) => m.queueUrl === openSlotsUrl);
    jobsSeen = sqs.sent.length;
    const template = sample<{ Records: Array<Record<string, unknown>> }>('sqs-open-slots.json').Records[0]!;
    return {
      jobs: jobs.map((j) => JSON.parse(j.body) as { year: number; obligationId: string; unitIds: string[] }),
      event: { Records: jobs.map((j, i) => ({ ...template, messageId: `job-${i}`, body: j.body })) },
    };
  };

  it('sweep (scheduled event): queues the year’s slot-opening jobs and records the year', async () => {
    // The schedule passes its scheduled time; this is today's.
    const event = { ...sample('scheduler-sweep.json'), at: new Date().toISOString() };
    const r = await run('sweep', event);
    expect(r.result).toMatchObject({ opened: 0 }); // the opener opens them
    expect(await store.getMarker(`slots-opened#${MONTH.slice(0, 4)}`)).not.toBeNull();
    expect(r.output).toContain('"SweepDuration"'); // EMF from wire/metrics
  });

  it('opener (SQS slot-opening jobs): opens each job’s slots and queues the 报送通知 owed today', async () => {
    const { jobs, event } = openingJobs();
    expect(jobs.map((j) => j.obligationId).sort()).toEqual(yearly);
    expect(jobs.every((j) => j.year === Number(MONTH.slice(0, 4)) && j.unitIds.join() === A)).toBe(true);
    expect(await store.getSlot('monthly-publicity', MONTH, A)).toBeNull(); // not before the opener runs
    const before = sqs.sent.length;
    const r = await run('opener', event);
    expect(r.result).toEqual({ batchItemFailures: [] });
    expect(await store.getSlot('monthly-publicity', MONTH, A)).toMatchObject({ state: 'open' });
    // Each slot it opened that is owed its request notice today has it queued (NOTIFY_QUEUE_URL),
    // linking to the pages (WEB_BASE_URL); none other.
    const requests = queued()
      .slice(before)
      .filter((q) => q.url === notifyQueueUrl && q.msg.kind === 'request');
    const { slots } = await store.unitYear(A, Number(MONTH.slice(0, 4)));
    const told = slots.filter((s) => s.sent.includes('request')).map((s) => `${s.obligationId}/${s.period}`);
    expect([...new Set(requests.map((q) => `${q.msg.obligationId}/${q.msg.period}`))].sort()).toEqual(
      told.sort(),
    );
    // from 8 January on, the year's first working day has come: the law-study slot (due 12-31) is owed one
    if (shanghaiDate(new Date()).slice(5) >= '01-08') expect(told.length).toBeGreaterThan(0);
    for (const q of requests) {
      expect(q.msg.to === emailOf(A) || q.msg.to === PHONE_A).toBe(true);
      if (q.msg.channel === 'email') expect(q.msg.text).toContain(`https://${WEB_DOMAIN}/`);
    }
  });

  it('api (PUT /v1/units/{unitId}): the unit is written and its slots queued, then opened', async () => {
    const event = sample<{ body: string }>('http-put-unit.json');
    const body = JSON.parse(event.body);
    body.contacts[0] = { ...body.contacts[0], name: CONTACT_NAMES[1], email: emailOf(B), phone: PHONE_B };
    const res = http(await run('api', { ...event, body: JSON.stringify(body) }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers?.['cache-control']).toBe('no-store'); // it carries contact details
    expect(await store.getUnit(B)).toMatchObject({ unitId: B, name: '南湖镇', tags: ['law-enforcement'] });
    const { jobs, event: opening } = openingJobs();
    expect(jobs.map((j) => j.obligationId).sort()).toEqual(yearly);
    expect(jobs.every((j) => j.unitIds.join() === B)).toBe(true);
    expect((await run('opener', opening)).result).toEqual({ batchItemFailures: [] });
    expect(await store.getSlot('monthly-publicity', MONTH, B)).toMatchObject({ state: 'open' });
  });

  it('api (POST /v1/users): the account is created in the pool, in its group, bound to its unit', async () => {
    const res = http(await run('api', sample('http-post-user.json')));
    expect(res.statusCode, res.body).toBe(201);
    const user = cognito.users.get('nanhu-liaison');
    expect([...(user?.groups ?? [])]).toEqual(['unit']);
    expect(user?.Attributes).toContainEqual({ Name: 'custom:unitId', Value: 'nanhu-town' });
    expect(cognito.calls.find((c) => c.op === 'AdminCreateUser')?.input).toMatchObject({
      UserPoolId: POOL_ID,
      DesiredDeliveryMediums: ['EMAIL'],
    });
  });

  let submissionId = '';
  let key = '';
  it('uploads (POST /v1/uploads as a unit): a presigned form, and the submission awaits its file', async () => {
    const event = sample<{ body: string }>('http-post-upload.json');
    const body = { ...JSON.parse(event.body), period: MONTH, size: PDF.length };
    const res = http(await run('uploads', { ...event, body: JSON.stringify(body) }));
    expect(res.statusCode, res.body).toBe(201);
    submissionId = String(res.json.submissionId);
    key = String(res.json.key);
    expect(await store.getSubmission(submissionId)).toMatchObject({ state: 'awaiting-upload', unitId: A });
    // the browser's part: POST the file to the bucket with the presigned form
    const form = new FormData();
    for (const [k, v] of Object.entries(res.json.fields as Record<string, string>)) form.append(k, v);
    form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'report.pdf');
    const posted = await fetch(String(res.json.url), { method: 'POST', body: form });
    expect(posted.status).toBeLessThan(300);
  });

  it('receipt (SQS ← S3 notification): the submission is received and its receipt queued', async () => {
    const event = sample<{ Records: Array<{ body: string }> }>('sqs-s3-notification.json');
    const note = JSON.parse(event.Records[0]!.body);
    note.Records[0].s3.bucket = { ...note.Records[0].s3.bucket, name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` };
    note.Records[0].s3.object = { ...note.Records[0].s3.object, key, size: PDF.length };
    note.Records[0].eventTime = new Date().toISOString();
    const before = sqs.sent.length;
    const r = await run('receipt', { Records: [{ ...event.Records[0], body: JSON.stringify(note) }] });
    expect(r.result, r.output).toEqual({ batchItemFailures: [] });
    expect(await store.getSubmission(submissionId)).toMatchObject({ state: 'received' });
    expect(await store.getSlot('monthly-publicity', MONTH, A)).toMatchObject({ state: 'submitted' });
    const receipts = queued().slice(before);
    expect(receipts.length).toBeGreaterThan(0);
    expect(receipts.every((q) => q.url === notifyQueueUrl && q.msg.unitId === A)).toBe(true);
    expect(receipts.map((q) => q.msg.to)).toContain(emailOf(A));
    expect(r.output).toContain('"ReceiptsReceived"');
  });

  it('chase (POST /v1/chase): the unit’s contacts are queued an email and an SMS', async () => {
    const event = sample<{ body: string }>('http-post-chase.json');
    const body = { ...JSON.parse(event.body), period: MONTH };
    const before = sqs.sent.length;
    const res = http(await run('chase', { ...event, body: JSON.stringify(body) }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json).toEqual({ queued: 1 });
    const chased = queued().slice(before);
    expect(chased.map((q) => [q.msg.channel, q.msg.to]).sort()).toEqual([
      ['email', emailOf(B)],
      ['sms', PHONE_B],
    ]);
    // notices link to the pages: WEB_BASE_URL from the distribution's domain
    expect(chased.find((q) => q.msg.channel === 'email')?.msg.text).toContain(`https://${WEB_DOMAIN}/`);
  });

  it('sender (SQS notify messages): the email is delivered and recorded sent; the SMS too (or held in quiet hours)', async () => {
    const chased = queued().filter((q) => q.msg.unitId === B && q.msg.kind === 'chase');
    expect(chased).toHaveLength(2);
    // the email first (m-0), then the SMS (m-1)
    chased.sort((a, b) => a.msg.channel.localeCompare(b.msg.channel));
    const held = smsHeldUntil(new Date()) !== null;
    const r = await run('sender', sqsEventOf(chased.map((q) => q.msg)));
    const mail = (await (await fetch(`${endpoints.ses}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] }; subject: string }>;
    };
    expect(mail.emails.filter((e) => e.destination.to.includes(emailOf(B)))).toHaveLength(1);
    const sms = chased.find((q) => q.msg.channel === 'sms')!;
    const texts = (await (await fetch(`${endpoints.sms}/__messages`)).json()) as {
      messages: Array<{ to: string; text: string }>;
    };
    if (held) {
      // 20:00–08:00 Asia/Shanghai: the SMS is held (visible again at 08:00), not sent
      expect(r.result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
      expect(sqs.visibilityChanges.length).toBe(1);
      expect(texts.messages.filter((m) => m.to === PHONE_B)).toHaveLength(0);
    } else {
      expect(r.result, r.output).toEqual({ batchItemFailures: [] });
      expect(texts.messages.filter((m) => m.to === PHONE_B)).toMatchObject([
        { originationIdentity: SMS_ARN },
      ]);
      expect(await store.getNotification(sms.msg.id)).toMatchObject({ status: 'sent' });
    }
    const email = chased.find((q) => q.msg.channel === 'email')!;
    expect(await store.getNotification(email.msg.id)).toMatchObject({ status: 'sent' });
    expect(r.output).toContain('"NotificationsSent"');
  });

  it('bounces (SQS ← EventBridge ← SES): a hard bounce marks the address on its unit', async () => {
    const event = sample<{ Records: Array<{ body: string }> }>('sqs-ses-bounce.json');
    const ses = JSON.parse(event.Records[0]!.body);
    ses.detail.bounce.bouncedRecipients[0].emailAddress = emailOf(A);
    ses.detail.mail.destination = [emailOf(A)];
    ses.detail.mail.tags.unitId = [A];
    ses.detail.mail.tags['ses:configuration-set'] = [CONFIG_SET];
    const r = await run('bounces', { Records: [{ ...event.Records[0], body: JSON.stringify(ses) }] });
    expect(r.result, r.output).toEqual({ batchItemFailures: [] });
    const unit = await store.getUnit(A);
    expect(unit?.bouncing?.map((b) => [b.email, b.type])).toEqual([[emailOf(A), 'bounce']]);
  });

  it('no function logged a contact address, phone number or name', () => {
    expect(outputs.length).toBe(10); // every invocation above
    const all = outputs.join('\n');
    const invited = 'liaison@nanhu.example.gov.cn'; // the new account's address (events/http-post-user.json)
    for (const secret of [emailOf(A), emailOf(B), PHONE_A, PHONE_B, invited, ...CONTACT_NAMES])
      expect(all).not.toContain(secret);
  });
});
