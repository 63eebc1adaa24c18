// IAM matches the code, provably. Each function's handler runs through its code paths on the
// stand-ins with SDK clients that record every command (test/infra/support/iam.ts); each command
// is mapped to the IAM actions AWS authorizes it by; then, against the synthesized template:
//   - every recorded need is allowed by that function's role (action AND resource), and
//   - the role allows nothing no recorded command (or the Lambda platform) needs.
// s3rver keeps no versions, so the recording client gives each HEAD a version id, as a versioned
// bucket does: the reads that pin it then carry VersionId, as on AWS (s3:GetObjectVersion).
// A coverage guard keeps the scenarios honest: every port method a function's bundled code can
// call (found in its tree-shaken bundle) must have been called by that function's scenario.
//
// To extend for a new function or SDK call: add the function to SCENARIOS (and to functionSpecs),
// an HTTP route to SAMPLES, a new SDK command to requiredPermissions in support/iam.ts.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SESClient, SESServiceException } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Template } from 'aws-cdk-lib/assertions';
import type { Context, SQSEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { functionSpecs, type LambdaName } from '../../infra/functions';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { routeKey, routes } from '../../shared/http/route-table';
import { type BaosongStack, projectRoot } from '../../infra/stack';
import { SettableClock } from '../../shared/adapters/clock';
import { CognitoUserDirectory } from '../../shared/adapters/cognito-users';
import { type Deps, setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { keys } from '../../shared/adapters/dynamo/keys';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../shared/adapters/sms-sender';
import { SqsQueue, SqsSlotOpener } from '../../shared/adapters/sqs-queue';
import { putSettings, putUnit } from '../../shared/app/admin';
import type { OutgoingMessage } from '../../shared/app/ports';
import { defaultObligations } from '../../shared/domain/defaults';
import { settingsSchema } from '../../shared/domain/model';
import type { HttpEvent } from '../../shared/http/router';
import { logicalId, synthTemplate } from './build';
import {
  allows,
  type Call,
  type Grant,
  grantsOf,
  type Names,
  type Need,
  type Recorder,
  recordCommands,
  requiredPermissions,
  resolve,
} from './support/iam';
import { startCognitoStandIn } from '../support/cognito-standin';
import { type SqsServer, startSqsServer } from './support/sqs-server';
import { sqsFields } from '../support/sqs';

const endpoints = inject('endpoints');
const REGION = 'ap-southeast-1';
const tag = randomBytes(4).toString('hex');
const TABLE = `iam-${tag}`;
const BUCKET = `iam-${tag}`;
const SMS_ARN = 'arn:aws:sms-voice:ap-southeast-1:111122223333:pool/pool-iam';
const SENDER = 'noreply@example.invalid'; // the offline synth's SES identity is example.invalid
const CONFIG_SET = `iam-${randomBytes(2).toString('hex')}`; // stands for the stack's configuration set
const POOL_ID = 'ap-southeast-1_iamPool'; // stands for the stack's user pool
const A = 'town-a';
const B = 'town-b';
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

/** The port method running now: every SDK command sent inside it is filed under it. */
const portMethod = new AsyncLocalStorage<string>();
const recorder: Recorder = { current: undefined, calls: [], via: () => portMethod.getStore() };

// ── recording clients on the stand-ins ─────────────────────────────────────────────────────
const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const s3 = makeS3Client({ ...common, endpoint: endpoints.s3 });
const ses = new SESClient({ ...common, endpoint: endpoints.ses, maxAttempts: 1 });
const smsClient = new PinpointSMSVoiceV2Client({ ...common, endpoint: endpoints.sms, maxAttempts: 1 });
for (const c of [ddb, s3, ses, smsClient]) recordCommands(c, recorder);
// A versioned bucket: every HEAD and GET answers with a version id (s3rver ignores ?versionId=);
// `lastModified` set: the object claims that creation time (s3rver's is always now).
let lastModified: Date | undefined;
s3.middlewareStack.add(
  (next, context) => async (args) => {
    const out = await next(args);
    const res = out.response as { statusCode?: number; headers?: Record<string, string> };
    const read = context.commandName === 'HeadObjectCommand' || context.commandName === 'GetObjectCommand';
    if (read && (res.statusCode === 200 || res.statusCode === 206) && res.headers) {
      if (lastModified) res.headers['last-modified'] = lastModified.toUTCString();
      res.headers['x-amz-version-id'] = `v-${(res.headers.etag ?? 'x').replace(/\W/g, '')}`;
    }
    return out;
  },
  { step: 'deserialize', priority: 'low', name: 'versionedBucket' },
);
// A listing's objects claim this creation time (s3rver's is the real now), so a sweep as of a
// scenario's date finds them within its reconciliation's lookback.
let listedAt: Date | undefined;
s3.middlewareStack.add(
  (next, context) => async (args) => {
    const out = await next(args);
    const listed = out.output as { Contents?: Array<{ LastModified?: Date }> };
    if (listedAt && context.commandName === 'ListObjectsV2Command')
      for (const o of listed.Contents ?? []) o.LastModified = listedAt;
    return out;
  },
  { step: 'initialize', name: 'listedAt' },
);
// SES fault injection: the next send answers SES's throttling error, or an unverified identity.
let sesFault: 'throttle' | 'unverified' | undefined;
ses.middlewareStack.add(
  (next) => async (args) => {
    const fault = sesFault;
    sesFault = undefined;
    if (fault) {
      throw new SESServiceException({
        name: fault === 'throttle' ? 'Throttling' : 'MessageRejected',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message:
          fault === 'throttle'
            ? 'Maximum sending rate exceeded.'
            : 'Email address is not verified. The following identities failed the check',
      });
    }
    return next(args);
  },
  { step: 'initialize', name: 'injectThrottling' },
);

let sqsServer: SqsServer;
let cognito: Awaited<ReturnType<typeof startCognitoStandIn>>;
let queueUrl: string;
let openUrl: string; // the slot-opening jobs' queue
let template: Template;
let stack: BaosongStack;
const clock = new SettableClock();
const store = new DynamoStore(ddb, TABLE);
/** Runs once, unrecorded, right after the next store.getSubmissions (a race staged by a scenario). */
let afterGetSubmissions: (() => Promise<void>) | undefined;
const getSubmissions = store.getSubmissions.bind(store);
store.getSubmissions = async (ids) => {
  const found = await getSubmissions(ids);
  const race = afterGetSubmissions;
  afterGetSubmissions = undefined;
  if (race) {
    const fn = recorder.current;
    recorder.current = undefined;
    try {
      await race();
    } finally {
      recorder.current = fn;
    }
  }
  return found;
};
let deps: Deps;

/** Runs every port method inside its name (AsyncLocalStorage), so each SDK command is filed under
 *  the method that sent it. presignPost signs a policy without sending an SDK command (no
 *  middleware sees it): it is recorded as a PresignedPost call. */
function recording<T extends object>(port: string, target: T): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      const via = `${port}.${prop}`;
      return (...args: unknown[]) => {
        const fn = recorder.current;
        if (fn && via === 'objects.presignPost') {
          const { key } = args[0] as { key: string };
          recorder.calls.push({ fn, command: 'PresignedPost', input: { Bucket: BUCKET, Key: key }, via });
        }
        const out = portMethod.run(via, () => v.apply(t, args));
        // an async generator (objects.listObjects) sends as it is iterated: file those sends too
        if (out && typeof out === 'object' && Symbol.asyncIterator in out && !('then' in out)) {
          const it = (out as AsyncIterable<unknown>)[Symbol.asyncIterator]();
          return {
            [Symbol.asyncIterator]: () => ({
              next: () => portMethod.run(via, () => it.next()),
              return: (value?: unknown) => portMethod.run(via, () => it.return?.(value) ?? Promise.resolve({ done: true, value })),
            }),
          };
        }
        return out;
      };
    },
  });
}

/** Runs `body` as function `fn`: its SDK commands and port calls are filed under it. */
async function as<T>(fn: LambdaName, body: () => Promise<T>): Promise<T> {
  recorder.current = fn;
  try {
    return await body();
  } finally {
    recorder.current = undefined;
  }
}

// ── invoking the handlers ──────────────────────────────────────────────────────────────────
const handlers = async () => ({
  api: (await import('../../functions/api/handler')).handler,
  uploads: (await import('../../functions/uploads/handler')).handler,
  chase: (await import('../../functions/chase/handler')).handler,
  receipt: (await import('../../functions/receipt/handler')).handler,
  sweep: (await import('../../functions/sweep/handler')).handler,
  sender: (await import('../../functions/sender/handler')).handler,
  bounces: (await import('../../functions/bounces/handler')).handler,
  opener: (await import('../../functions/opener/handler')).handler,
});
let h: Awaited<ReturnType<typeof handlers>>;
const ctx = (fn: string) => ({ functionName: fn, awsRequestId: 'iam' }) as Context;

const office = { sub: 'o-1', 'cognito:groups': ['office'] };
const unitA = { sub: 'u-a', 'cognito:groups': ['unit'], 'custom:unitId': A };
type Req = {
  claims?: Record<string, unknown>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
};

async function http(key: string, req: Req) {
  const route = routes.find((r) => routeKey(r) === key);
  if (!route) throw new Error(`no route ${key}`);
  const event = {
    routeKey: key,
    rawPath: route.path,
    headers: { authorization: 'Bearer token', 'content-type': 'application/json' },
    pathParameters: req.params,
    queryStringParameters: req.query,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    isBase64Encoded: false,
    requestContext: {
      http: { method: route.method },
      authorizer: { jwt: { claims: req.claims ?? office, scopes: [] } },
    },
  } as unknown as HttpEvent;
  const r = await as(route.fn, () => h[route.fn](event, ctx(route.fn)));
  // a template download answers 302 to its presigned GET
  if (r.statusCode === 302) return { location: r.headers?.location } as Record<string, unknown>;
  if ((r.statusCode ?? 500) >= 300) throw new Error(`${key} answered ${r.statusCode}: ${String(r.body)}`);
  return JSON.parse(String(r.body)) as Record<string, unknown>;
}

const sqsRecord = (body: unknown, i = 0) => ({
  messageId: `m-${i}-${randomBytes(3).toString('hex')}`,
  receiptHandle: `rh-${i}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  ...sqsFields('notify'),
});
const sqsEvent = (bodies: unknown[]): SQSEvent => ({ Records: bodies.map((b, i) => sqsRecord(b, i)) });
const s3Notification = (key: string, at: string) => ({
  Records: [
    {
      eventName: 'ObjectCreated:Post',
      eventTime: at,
      s3: { bucket: { name: BUCKET }, object: { key: key.split('/').map(encodeURIComponent).join('/') } },
    },
  ],
});
const noFailures = (r: unknown) =>
  expect((r as { batchItemFailures: unknown[] }).batchItemFailures).toEqual([]);

// ── the scenarios: every code path of every function that reaches AWS ─────────────────────
let submissionId = '';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** One sample request per HTTP route (the test below checks every route has one). */
const SAMPLES: Record<string, () => Req> = {
  'GET /v1/health': () => ({}),
  'GET /v1/openapi.json': () => ({}),
  'GET /v1/me': () => ({ claims: unitA }),
  'GET /v1/units': () => ({}),
  'GET /v1/units/{unitId}': () => ({ params: { unitId: A } }),
  // a new unit: its slots of the year are opened (and their audit lines appended in bulk)
  'PUT /v1/units/{unitId}': () => ({
    params: { unitId: 'town-new' },
    body: {
      name: '南湖镇',
      kind: 'town',
      tags: [],
      contacts: [
        { role: 'liaison', name: '联络员', email: `b@${tag}.example.gov.cn`, phone: '+8613500000002' },
      ],
    },
  }),
  'PUT /v1/units/{unitId}/contacts': () => ({
    claims: unitA,
    params: { unitId: A },
    body: [{ role: 'liaison', name: '联络员', email: `a@${tag}.example.gov.cn`, phone: '+8613500000001' }],
  }),
  'GET /v1/units/{unitId}/slots': () => ({ claims: unitA, params: { unitId: A }, query: { year: '2026' } }),
  'GET /v1/obligations': () => ({}),
  'PUT /v1/obligations/{obligationId}': () => ({
    params: { obligationId: 'annual-plan' },
    body: { kind: 'deadline', name: '年度依法行政工作计划', due: '04-20' },
  }),
  'GET /v1/settings': () => ({}),
  'PUT /v1/settings': () => ({
    body: {
      officeContacts: [{ name: '法制办', email: `office@${tag}.example.gov.cn` }],
      smsSignature: '【区法制办】',
      senderEmail: SENDER,
      sesRatePerSecond: 1000,
    },
  }),
  'GET /v1/calendar/{year}': () => ({ params: { year: '2026' } }),
  'PUT /v1/calendar/{year}': () => ({
    params: { year: '2031' },
    body: { holidays: ['2031-01-01'], workdays: [] },
  }),
  'GET /v1/status': () => ({ query: { obligationId: 'annual-summary', period: '2026' } }),
  'GET /v1/overdue': () => ({}),
  'POST /v1/slots/{obligationId}/{period}/{unitId}/extension': () => ({
    params: { obligationId: 'annual-summary', period: '2026', unitId: B },
    body: { until: '2026-12-18', reason: '机构调整' },
  }),
  'POST /v1/slots/{obligationId}/{period}/{unitId}/waiver': () => ({
    params: { obligationId: 'half-year-report', period: '2026', unitId: B },
    body: { reason: '合并报送' },
  }),
  'GET /v1/assessment': () => ({ query: { year: '2026' } }),
  'GET /v1/audit': () => ({ query: { unitId: A, year: '2026' } }),
  'POST /v1/uploads': () => ({
    claims: unitA,
    body: {
      obligationId: 'annual-plan',
      period: '2026',
      fileName: '年度工作计划.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
    },
  }),
  'GET /v1/submissions/{submissionId}': () => ({ params: { submissionId } }),
  'POST /v1/submissions/{submissionId}/review': () => ({
    params: { submissionId },
    body: { decision: 'return', comment: '请补充附件' },
  }),
  'POST /v1/chase': () => ({ body: { obligationId: 'annual-summary', period: '2026' } }),
  'GET /v1/users': () => ({}),
  'POST /v1/users': () => ({
    body: { username: 'liaison-a', email: `liaison@${tag}.example.gov.cn`, role: 'unit', unitId: A },
  }),
  'POST /v1/users/{username}/disable': () => ({ params: { username: 'liaison-a' } }),
  'POST /v1/users/{username}/enable': () => ({ params: { username: 'liaison-a' } }),
  // a declared normative document: its filing slot and the anniversary report's, with their notices
  'POST /v1/units/{unitId}/events': () => ({
    claims: unitA,
    params: { unitId: A },
    body: {
      obligationId: 'normative-filing',
      occurredOn: '2026-04-10',
      title: '关于加强城镇管理的通知',
      ref: '城政发〔2026〕3号',
    },
  }),
  'GET /v1/units/{unitId}/events': () => ({ claims: unitA, params: { unitId: A }, query: { year: '2026' } }),
  'POST /v1/slots/{obligationId}/{period}/{unitId}/acknowledge': () => ({
    claims: unitA,
    params: { obligationId: 'annual-summary', period: '2026', unitId: A },
  }),
  // run in templateScenario(): the office's presigned POST, the file, then a unit's download
  'POST /v1/obligations/{obligationId}/templates': () => ({
    params: { obligationId: 'annual-plan' },
    body: { fileName: '计划模板.pdf', contentType: 'application/pdf', size: PDF.length },
  }),
  'GET /v1/obligations/{obligationId}/templates/{name}': () => ({
    claims: unitA,
    params: { obligationId: 'annual-plan', name: '计划模板.pdf' },
  }),
};
const TEMPLATE_ROUTES = [
  'POST /v1/obligations/{obligationId}/templates',
  'GET /v1/obligations/{obligationId}/templates/{name}',
];

const sentBodies = (from = 0) =>
  sqsServer.sent
    .slice(from)
    .filter((m) => m.queueUrl === queueUrl)
    .map((m) => JSON.parse(m.body) as OutgoingMessage);

/** The opener runs the slot-opening jobs queued since the last call (as its SQS event source would). */
let jobsRun = 0;
async function runOpeningJobs() {
  const jobs = sqsServer.sent.slice(jobsRun).filter((m) => m.queueUrl === openUrl);
  jobsRun = sqsServer.sent.length;
  for (const job of jobs) noFailures(await as('opener', () => h.opener(sqsEvent([job.body]), ctx('opener'))));
}

/** POST /v1/uploads as the unit, then the browser's POST of the file with the presigned form. */
async function uploadAs(req: Req): Promise<string> {
  const up = await http('POST /v1/uploads', req);
  submissionId ||= String(up.submissionId);
  const form = new FormData();
  for (const [k, v] of Object.entries(up.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'report.pdf');
  const posted = await fetch(String(up.url), { method: 'POST', body: form });
  expect(posted.status, 'the presigned POST').toBeLessThan(300);
  return String(up.key);
}

/** The office attaches a template (presigned POST, then the file), a unit downloads it (302). */
async function templateScenario() {
  const ticket = await http(TEMPLATE_ROUTES[0]!, SAMPLES[TEMPLATE_ROUTES[0]!]!());
  const form = new FormData();
  for (const [k, v] of Object.entries(ticket.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'template.pdf');
  const posted = await fetch(String(ticket.url), { method: 'POST', body: form });
  expect(posted.status, 'the template’s presigned POST').toBeLessThan(300);
  const download = await http(TEMPLATE_ROUTES[1]!, SAMPLES[TEMPLATE_ROUTES[1]!]!());
  expect(String(download.location)).toContain(encodeURIComponent(String(ticket.key)).replace(/%2F/g, '/'));
}

async function runScenarios() {
  // sweep: opening the year's slots, reminders before a deadline, escalations and the digest after.
  clock.set(new Date('2026-01-05T09:00:00+08:00'));
  for (const at of ['2026-01-05T09:00:00+08:00', '2026-04-16T09:00:00+08:00', '2026-04-28T09:00:00+08:00']) {
    await as('sweep', () => h.sweep({ at }));
    await runOpeningJobs();
  }

  // uploads → the browser POSTs the file → receipt (received, a replay, an unknown key, a gone key).
  clock.set(new Date('2026-04-17T10:00:00+08:00'));
  const key = await uploadAs(SAMPLES['POST /v1/uploads']!());
  const at = new Date('2026-04-17T10:01:00+08:00').toISOString();
  noFailures(await as('receipt', () => h.receipt(sqsEvent([s3Notification(key, at)]), ctx('receipt'))));
  noFailures(await as('receipt', () => h.receipt(sqsEvent([s3Notification(key, at)]), ctx('receipt'))));
  // a replay after the obligation's record went away: the notice reads unit, obligation and slot itself
  const plan = await store.getObligation('annual-plan');
  await ddb.send(
    new DeleteItemCommand({
      TableName: TABLE,
      Key: { PK: { S: keys.obligation('annual-plan').PK }, SK: { S: keys.obligation('annual-plan').SK } },
    }),
  );
  noFailures(await as('receipt', () => h.receipt(sqsEvent([s3Notification(key, at)]), ctx('receipt'))));
  if (plan) await store.write([{ type: 'putObligation', obligation: plan }]);
  // an event without a usable time, for an object created years later: its creation year's calendar is read too
  const other = await uploadAs({
    ...SAMPLES['POST /v1/uploads']!(),
    body: { ...(SAMPLES['POST /v1/uploads']!().body as object), obligationId: 'annual-summary' },
  });
  lastModified = new Date('2030-03-02T02:00:00Z');
  noFailures(
    await as('receipt', () => h.receipt(sqsEvent([s3Notification(other, 'not a time')]), ctx('receipt'))),
  );
  lastModified = undefined;
  const stray = `submissions/annual-plan/2026/${A}/01KQ3ZV8J1T1G9W3X5M2N4P6R8`;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: stray, Body: PDF })); // not recorded: no function runs
  noFailures(await as('receipt', () => h.receipt(sqsEvent([s3Notification(stray, at)]), ctx('receipt'))));
  noFailures(await as('receipt', () => h.receipt(sqsEvent([s3Notification(stray, at)]), ctx('receipt'))));

  // every HTTP route once (uploads' download link and review, api, chase)
  clock.set(new Date('2026-04-20T10:00:00+08:00'));
  for (const key of Object.keys(SAMPLES))
    if (key !== 'POST /v1/uploads' && !TEMPLATE_ROUTES.includes(key)) await http(key, SAMPLES[key]!());
  await runOpeningJobs(); // the new unit's and the changed obligation's slots
  await http('POST /v1/chase', { body: { obligationId: 'annual-summary', period: '2026', unitId: A } });
  // a one-off request (临时报送): its slots open by the opener, each with a request notice (报送通知)
  await http('PUT /v1/obligations/{obligationId}', {
    params: { obligationId: 'self-inspection' },
    body: {
      kind: 'once',
      name: '执法自查报告',
      dueDate: '2026-05-20',
      appliesTo: 'all',
      instructions: '请按模板填写。',
    },
  });
  const notices = sentBodies().length;
  await runOpeningJobs();
  expect(sentBodies(notices).some((m) => m.obligationId === 'self-inspection')).toBe(true);
  await templateScenario();

  // an account whose group cannot be set is removed again (AdminDeleteUser)
  cognito.failNext('AdminAddUserToGroup', 'InternalErrorException');
  await expect(
    http('POST /v1/users', {
      body: { username: 'half-made', email: `h@${tag}.example.gov.cn`, role: 'office' },
    }),
  ).rejects.toThrow(/answered 5/);
  // a deactivated unit's users are disabled with it
  await http('PUT /v1/units/{unitId}', {
    params: { unitId: 'town-3' },
    body: { name: '单位2', kind: 'town', tags: [], active: false, contacts: [] },
  });

  // the reconciliation (run by the sweep): a stored object whose S3 event was lost is recorded as
  // the receipt would; a stored object that no submission expects is quarantined
  await uploadAs(SAMPLES['POST /v1/uploads']!()); // the file is stored; no receipt runs
  const strayLost = `submissions/annual-plan/2026/${A}/01KQ3ZV8J1T1G9W3X5M2N4P6R9`;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: strayLost, Body: PDF }));
  listedAt = new Date('2027-01-04T08:00:00+08:00');
  // the next year's first sweep queues its opening; the opener opens the slots (audit lines in bulk)
  const swept = (await as('sweep', () => h.sweep({ at: '2027-01-04T09:00:00+08:00' }))) as {
    reconciled: { pending: number; received: number; rejected: number; quarantined: number };
  };
  expect(swept.reconciled).toMatchObject({ pending: 2, quarantined: 1 });
  expect(swept.reconciled.received + swept.reconciled.rejected).toBe(1);
  await runOpeningJobs();
  // a race: the object's S3 event is recorded (and its obligation's record goes away) between the
  // reconciliation's read of the submission and its recording: the notice reads unit, obligation
  // and slot itself
  const raced = await uploadAs(SAMPLES['POST /v1/uploads']!());
  const obligationKey = keys.obligation('annual-plan');
  afterGetSubmissions = async () => {
    noFailures(await h.receipt(sqsEvent([s3Notification(raced, at)]), ctx('receipt')));
    await ddb.send(
      new DeleteItemCommand({
        TableName: TABLE,
        Key: { PK: { S: obligationKey.PK }, SK: { S: obligationKey.SK } },
      }),
    );
  };
  const again = (await as('sweep', () => h.sweep({ at: '2027-01-05T09:00:00+08:00' }))) as typeof swept;
  expect(again.reconciled).toMatchObject({ pending: 1, duplicate: 1 });
  listedAt = undefined;
  if (plan) await store.write([{ type: 'putObligation', obligation: plan }]);

  // bounces: a hard bounce of a unit's liaison address marks it on the unit
  const bounce = JSON.parse(
    readFileSync(join(projectRoot, 'events/sqs-ses-bounce.json'), 'utf8'),
  ) as SQSEvent;
  const ses = JSON.parse(bounce.Records[0]!.body);
  ses.detail.bounce.bouncedRecipients[0].emailAddress = `a@${tag}.example.gov.cn`;
  ses.detail.mail.tags.unitId = [A];
  noFailures(await as('bounces', () => h.bounces(sqsEvent([ses]), ctx('bounces'))));

  // sender: an email and an SMS; three emails in one batch; SES throttling (re-queued with a delay);
  // an SMS in quiet hours (held: visibility changed); one already being sent (in flight: back-off);
  // an invalid number.
  const queued = sentBodies();
  const email = queued.find((m) => m.channel === 'email');
  const sms = queued.find((m) => m.channel === 'sms');
  if (!email || !sms) throw new Error('the scenarios queued no email or no SMS');
  clock.set(new Date('2026-04-20T10:00:00+08:00'));
  noFailures(await as('sender', () => h.sender(sqsEvent([email, sms]), ctx('sender'))));
  // a batch of several emails: the first alone (the channel's probe), the others claimed together
  noFailures(
    await as('sender', () =>
      h.sender(sqsEvent(['a', 'b', 'c'].map((k) => ({ ...email, id: `${email.id}:${k}` }))), ctx('sender')),
    ),
  );
  sesFault = 'throttle';
  noFailures(
    await as('sender', () => h.sender(sqsEvent([{ ...email, id: `${email.id}:t` }]), ctx('sender'))),
  );
  // an unverified sender identity: email is paused (a marker), the message deferred
  sesFault = 'unverified';
  await as('sender', () => h.sender(sqsEvent([{ ...email, id: `${email.id}:u` }]), ctx('sender')));
  clock.set(new Date('2026-04-20T23:00:00+08:00'));
  await as('sender', () => h.sender(sqsEvent([{ ...sms, id: `${sms.id}:q` }]), ctx('sender')));
  clock.set(new Date('2026-04-21T10:00:00+08:00'));
  await store.claimNotification({
    id: `${email.id}:f`,
    channel: 'email',
    to: email.to,
    status: 'sending',
    at: clock.now().toISOString(),
  });
  await as('sender', () => h.sender(sqsEvent([{ ...email, id: `${email.id}:f` }]), ctx('sender')));
  noFailures(
    await as('sender', () =>
      h.sender(sqsEvent([{ ...sms, id: `${sms.id}:x`, to: '+861000012345' }]), ctx('sender')),
    ),
  );
}

// ── what each function's role must allow beside its SDK calls (the Lambda platform's own use) ──
function platformNeeds(fn: LambdaName): Need[] {
  const props = template.findResources('AWS::Lambda::Function')[logicalId(stack.functions[fn])]?.Properties;
  const logGroup = `<${props?.LoggingConfig.LogGroup.Ref}.Arn>`;
  const out: Need[] = ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
    action,
    resources: [logGroup],
    why: 'Lambda writes the function’s logs',
  }));
  // An SQS event source: the poller uses the function's role (Lambda needs Receive, Delete and
  // GetQueueAttributes; CDK's SqsEventSource also grants ChangeMessageVisibility and GetQueueUrl).
  for (const esm of Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))) {
    if (esm.Properties.FunctionName.Ref !== logicalId(stack.functions[fn])) continue;
    const queue = resolve(esm.Properties.EventSourceArn, REGION);
    for (const a of [
      'ReceiveMessage',
      'DeleteMessage',
      'GetQueueAttributes',
      'ChangeMessageVisibility',
      'GetQueueUrl',
    ])
      out.push({ action: `sqs:${a}`, resources: [queue], why: 'the SQS event source polls with the role' });
  }
  // An on-failure destination of asynchronous invocations: Lambda sends there with the role.
  const invokeConfigs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
  for (const c of invokeConfigs) {
    if (c.Properties.FunctionName.Ref !== logicalId(stack.functions[fn])) continue;
    const dest = c.Properties.DestinationConfig?.OnFailure?.Destination;
    if (dest)
      // CDK's SqsDestination grants sendMessages: SendMessage, GetQueueAttributes, GetQueueUrl.
      for (const a of ['SendMessage', 'GetQueueAttributes', 'GetQueueUrl'])
        out.push({
          action: `sqs:${a}`,
          resources: [resolve(dest, REGION)],
          why: 'the on-failure destination',
        });
  }
  return out;
}

// ── the coverage guard: port methods each function's bundle can call ───────────────────────
const portMethods = (() => {
  const src = readFileSync(join(projectRoot, 'shared/app/ports.ts'), 'utf8');
  const of = (iface: string) => {
    const body = src.match(new RegExp(`export interface ${iface} \\{([\\s\\S]*?)\\n\\}`))?.[1] ?? '';
    return [...body.matchAll(/^ {2}(\w+)\??\(/gm)].map((m) => m[1] as string);
  };
  return {
    store: of('Store'),
    objects: [...of('ObjectReader'), ...of('ObjectStore')],
    queue: of('MessageQueue'),
    users: of('UserDirectory'),
  };
})();

/** Code that never runs on Lambda: slots opened in the caller when no SlotOpener is wired (the
 *  api and the sweep always have one there, wire/opener.ts), so it is not part of what they use. */
const INLINE_ONLY = /\/open-inline(\.ts)?$/;

/** `store.getUnit` etc. for every port method called (not via `this.`) in the code a handler
 *  loads statically (dynamic imports are left out), except the api's `other-routes.ts`: the routes
 *  the other functions serve, which the api bundles for its OpenAPI document only (their schemas
 *  and summaries; the api's router never runs them — the SCENARIOS of those functions do). */
async function reachablePortCalls(fn: LambdaName): Promise<string[]> {
  const r = await build({
    entryPoints: [join(projectRoot, functionSpecs[fn].entry)],
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    splitting: true,
    outdir: '/tmp/baosong-iam-scan',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'inline-only',
        setup(b) {
          b.onResolve({ filter: INLINE_ONLY }, (args) => ({ path: args.path, external: true }));
        },
      },
      {
        name: 'documentation-only-routes',
        setup(b) {
          b.onResolve({ filter: /\/other-routes$/ }, (args) =>
            args.importer.endsWith(join('functions', 'api', 'handler.ts'))
              ? { path: args.path, external: true }
              : undefined,
          );
        },
      },
    ],
  });
  const outputs = r.metafile.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o]?.entryPoint);
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imp of outputs[path]?.imports ?? [])
      if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  if (entry) visit(entry);
  const code = r.outputFiles
    .filter((f) => [...seen].some((p) => f.path.endsWith(p.replace(/^.*baosong-iam-scan/, ''))))
    .map((f) => f.text)
    .join('\n');
  const found: string[] = [];
  for (const [port, methods] of Object.entries(portMethods))
    for (const m of methods)
      if (m !== 'send' && new RegExp(`(?<!this)\\.${m}(\\?\\.)?\\(`).test(code)) found.push(`${port}.${m}`);
  return found;
}

// ── the test ───────────────────────────────────────────────────────────────────────────────
const names = Object.keys(functionSpecs) as LambdaName[];
let names_: Names;

beforeAll(async () => {
  ({ template, stack } = synthTemplate({ smsOriginationIdentity: SMS_ARN }));
  sqsServer = await startSqsServer();
  queueUrl = sqsServer.queueUrl(`notify-${tag}`);
  openUrl = sqsServer.queueUrl(`open-slots-${tag}`);
  const sqs = new SQSClient({ ...common, endpoint: sqsServer.endpoint });
  recordCommands(sqs, recorder);
  cognito = await startCognitoStandIn();
  const idp = new CognitoIdentityProviderClient({ ...common, endpoint: cognito.endpoint, maxAttempts: 1 });
  recordCommands(idp, recorder);
  const objects = recording('objects', new S3ObjectStore(s3, BUCKET));
  deps = {
    store: recording('store', store),
    clock,
    objects,
    reader: objects,
    queue: recording('queue', new SqsQueue(sqs, queueUrl)),
    mailer: recording('mailer', new SesMailer(ses, CONFIG_SET)),
    sms: recording('sms', new PinpointSmsSender(smsClient, SMS_ARN)),
    users: recording('users', new CognitoUserDirectory(idp, POOL_ID)),
    opener: recording('opener', new SqsSlotOpener(sqs, openUrl)),
  };
  const arn = (c: { node: { defaultChild?: unknown } }) => `<${logicalId(c)}.Arn>`;
  names_ = {
    tables: { [TABLE]: arn(stack.table) },
    buckets: { [BUCKET]: arn(stack.bucket) },
    queues: { [queueUrl]: arn(stack.notifyQueue), [openUrl]: arn(stack.openSlotsQueue) },
    configurationSets: {
      [CONFIG_SET]: resolve(stack.resolve(stack.configurationSet!.configurationSetName), REGION),
    },
    userPools: { [POOL_ID]: arn(stack.userPool!) },
    sesArnPrefix: `arn:aws:ses:${REGION}:<AWS::AccountId>`,
    smsArnPrefix: `arn:aws:sms-voice:${REGION}:<AWS::AccountId>`,
  };

  // the world, seeded without recording
  await createTable(ddb, TABLE);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const obligation of defaultObligations) await store.write([{ type: 'putObligation', obligation }]);
  const now = new Date('2026-01-01T09:00:00+08:00');
  await putSettings(
    store,
    { role: 'office', sub: 'seed' },
    settingsSchema.parse(SAMPLES['PUT /v1/settings']!().body),
    now,
  );
  // 25 units: opening a year's slots for that many first reads which exist (store.slotsOfPeriod).
  const units = [A, B, ...Array.from({ length: 23 }, (_, i) => `town-${i + 3}`)];
  for (const [i, unitId] of units.entries()) {
    await putUnit(
      store,
      { role: 'office', sub: 'seed' },
      {
        unitId,
        name: `单位${i}`,
        kind: 'town',
        tags: [],
        active: true,
        contacts: [
          {
            role: 'liaison',
            name: `联络员${i}`,
            email: `u${i}@${tag}.example.gov.cn`,
            phone: `+86135000000${String(i).padStart(2, '0')}`,
          },
        ],
      },
      now,
    );
  }
  setDeps(deps);
  h = await handlers();
  await runScenarios();
}, 600_000);
afterAll(async () => {
  setDeps(undefined);
  await sqsServer?.close();
  await cognito?.close();
});

const callsOf = (fn: LambdaName): Call[] => recorder.calls.filter((c) => c.fn === fn);
const describeNeed = (fn: string, n: Need) =>
  `${fn}: ${n.action} on ${n.resources.join(' or ')} (for ${n.why})`;

describe('IAM matches what each function sends', () => {
  it('every HTTP route has a sample request, every function a recording', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(routes.map(routeKey).sort());
    for (const fn of names) expect(callsOf(fn).length, `${fn} sent no SDK command`).toBeGreaterThan(0);
  });

  it('the recording saw what s3rver alone would hide: download links pinned to a version', () => {
    const pinned = recorder.calls.filter((c) => c.command === 'GetObject' && c.input.VersionId);
    expect(new Set(pinned.map((c) => c.fn))).toEqual(new Set(['uploads']));
  });

  it.each(names)(
    '%s: its scenario made every port method its bundled code can call send its SDK commands',
    async (fn) => {
      // The users port is wired only where the stack gives the pool (administersUsers), and only
      // the Cognito adapter's methods exist there (observe is the china profile's table adapter).
      const reachable = (await reachablePortCalls(fn)).filter(
        (m) =>
          !m.startsWith('users.') ||
          ('administersUsers' in functionSpecs[fn] &&
            typeof (CognitoUserDirectory.prototype as unknown as Record<string, unknown>)[m.slice(6)] ===
              'function'),
      );
      const sent = new Set(callsOf(fn).map((c) => c.via));
      const unexercised = reachable
        .filter((m) => !sent.has(m))
        .map(
          (m) =>
            `${fn}: its code can call ${m}, but no ${fn} scenario made it send anything — extend runScenarios()`,
        );
      expect(unexercised).toEqual([]);
    },
  );

  it.each(names)('%s: its role allows every action it uses, on the resource it uses it on', (fn) => {
    const grants = grantsOf(template, logicalId(stack.functions[fn].role as never), REGION);
    const missing = callsOf(fn)
      .flatMap((c) => requiredPermissions(c, names_))
      .filter((n) => !grants.some((g) => allows(g, n)))
      .map((n) => `missing — ${describeNeed(fn, n)}`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it.each(names)('%s: its role allows nothing it never uses', (fn) => {
    const grants = grantsOf(template, logicalId(stack.functions[fn].role as never), REGION);
    const needs = [...callsOf(fn).flatMap((c) => requiredPermissions(c, names_)), ...platformNeeds(fn)];
    const extra = grants
      .filter((g: Grant) => !needs.some((n) => allows(g, n)))
      .map((g) => `extra — ${fn}: ${g.action} on ${g.resource} (no recorded command needs it)`);
    expect(extra).toEqual([]);
  });
});
