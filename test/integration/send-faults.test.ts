// The sender under injected provider faults, on the real stand-ins (DynamoDB Local, the SES and
// SMS stand-ins), through the very sender handler, with the EMF metrics adapter printing to stdout:
// - a misconfigured sender (SES "Email address is not verified", a wrong SMS origination
//   identity) is one SendConfigError and a paused channel — the provider is asked once, not once
//   per message; the messages wait on the queue (deferred, never toward the DLQ) and go once fixed;
// - opted-out numbers and the SMS spend limit are permanent failures: recorded, never retried;
// - an address marked bouncing is skipped, with the reason recorded;
// - every outcome is counted per channel in EMF lines.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  PinpointSMSVoiceV2Client,
  PinpointSMSVoiceV2ServiceException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient, SESServiceException } from '@aws-sdk/client-ses';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { handler as sender } from '../../functions/sender/handler';
import { MAX_DEFERRALS, PAUSE_SECONDS, pauseMarker } from '../../shared/app/send-batch';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { EmfMetrics } from '../../shared/adapters/emf-metrics';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../shared/adapters/sms-sender';
import { putSettings, putUnit } from '../../shared/app/admin';
import { recordBounce } from '../../shared/app/bounces';
import type { MessageQueue, OutgoingMessage } from '../../shared/app/ports';
import type { Principal } from '../../shared/domain/model';
import { setLogLevel } from '../../shared/adapters/logger';
import { sqsFields } from '../support/sqs';

const endpoints = inject('endpoints');
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const ses = new SESClient({ ...common, endpoint: endpoints.ses, maxAttempts: 1 });
const smsClient = new PinpointSMSVoiceV2Client({ ...common, endpoint: endpoints.sms, maxAttempts: 1 });
const office: Principal = { role: 'office', sub: 'tester' };
const context = { functionName: 'sender', awsRequestId: 'test' } as Context;
const NOW = new Date('2026-06-01T10:00:00+08:00');

// Fault injectors: middlewares on the real clients that answer with the provider's own error
// (as its deserializer would build it) instead of sending, and count the calls that reach them.
let sesFault: (() => Error) | undefined;
let smsFault: (() => Error) | undefined;
const calls = { ses: 0, sms: 0 };
ses.middlewareStack.add(
  (next) => async (args) => {
    calls.ses++;
    if (sesFault) throw sesFault();
    return next(args);
  },
  { step: 'initialize', name: 'injectFault' },
);
smsClient.middlewareStack.add(
  (next) => async (args) => {
    calls.sms++;
    if (smsFault) throw smsFault();
    return next(args);
  },
  { step: 'initialize', name: 'injectFault' },
);
const notVerified = () =>
  new SESServiceException({
    name: 'MessageRejected',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message:
      'Email address is not verified. The following identities failed the check in region AP-SOUTHEAST-1: noreply@example.gov.cn',
  });
const smsError = (name: string, Reason: string) =>
  Object.assign(
    new PinpointSMSVoiceV2ServiceException({
      name,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: name,
    }),
    { Reason },
  );

/** A queue that records what the sender puts back (and with which delay). */
class RecordingQueue implements MessageQueue {
  readonly sent: Array<{ msg: OutgoingMessage; delaySeconds?: number }> = [];
  async enqueue(messages: OutgoingMessage[], opts?: { delaySeconds?: number }) {
    for (const msg of messages) this.sent.push({ msg, delaySeconds: opts?.delaySeconds });
  }
}

/**
 * EMF lines printed during `fn`. Powertools writes them to stdout, through its own Console on
 * Lambda and through the global console under POWERTOOLS_DEV (as vitest.config sets): both are caught.
 */
async function emfOf(fn: () => Promise<unknown>) {
  const lines: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    await fn();
  } finally {
    out.mockRestore();
    log.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } });
}
/** Sum of a metric over EMF lines, for one channel (or none). */
const total = (lines: Array<Record<string, unknown>>, name: string, channel?: string) =>
  lines
    .filter((l) => (channel ? l.channel === channel : true) && typeof l[name] === 'number')
    .reduce((n, l) => n + (l[name] as number), 0);

type World = { store: DynamoStore; clock: SettableClock; queue: RecordingQueue; tag: string };

async function setup(): Promise<World> {
  const tag = randomBytes(4).toString('hex');
  const table = `faults-${tag}`;
  await createTable(ddb, table);
  const store = new DynamoStore(ddb, table);
  const clock = new SettableClock();
  clock.set(NOW);
  const queue = new RecordingQueue();
  setDeps({
    store,
    clock,
    queue,
    mailer: new SesMailer(ses),
    sms: new PinpointSmsSender(smsClient, 'sid-wrong'),
    metrics: new EmfMetrics(),
  });
  await putSettings(
    store,
    office,
    {
      officeContacts: [{ name: '法制办', email: `office@${tag}.example.gov.cn` }],
      smsSignature: '【区法制办】',
      senderEmail: 'noreply@example.gov.cn',
      sesRatePerSecond: 1000,
      latePenaltyPerDay: 10,
      lateFloor: 40,
    },
    clock.now(),
  );
  await putUnit(
    store,
    office,
    {
      unitId: 'u0',
      name: '单位0',
      kind: 'town',
      tags: [],
      active: true,
      contacts: [
        { role: 'liaison', name: '联络员', email: `liaison@${tag}.example.gov.cn`, phone: '+8613500000001' },
        { role: 'leader', name: '负责人', email: `leader@${tag}.example.gov.cn` },
      ],
    },
    clock.now(),
  );
  return { store, clock, queue, tag };
}

const message = (w: World, i: number, channel: 'email' | 'sms' = 'email'): OutgoingMessage => ({
  id: `test:${w.tag}:${channel}:${i}`,
  channel,
  to: channel === 'email' ? `liaison@${w.tag}.example.gov.cn` : '+8613500000001',
  subject: '提醒',
  text: `第${i}条`,
  unitId: 'u0',
  kind: 'reminder',
  recipient: 'liaison',
});
const event = (msgs: OutgoingMessage[]) =>
  ({
    Records: msgs.map((m, i) => ({
      messageId: `m${i}`,
      receiptHandle: `m${i}`,
      body: JSON.stringify(m),
      ...sqsFields('notify'),
    })),
  }) as SQSEvent;

// vitest.config sets POWERTOOLS_DEV, which disables metrics unless this says otherwise.
const wasDisabled = process.env.POWERTOOLS_METRICS_DISABLED;
beforeAll(() => {
  setLogLevel('SILENT');
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});
afterAll(() => {
  if (wasDisabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
  else process.env.POWERTOOLS_METRICS_DISABLED = wasDisabled;
});
beforeEach(() => {
  calls.ses = 0;
  calls.sms = 0;
});
afterEach(() => {
  sesFault = undefined;
  smsFault = undefined;
  setDeps(undefined);
});

describe('a misconfigured sender is one alarm, not a failure per message', () => {
  it('unverified SES identity: SES asked once, the channel paused, every message kept, then sent once fixed', async () => {
    const w = await setup();
    sesFault = notVerified;
    const batch = Array.from({ length: 10 }, (_, i) => message(w, i));
    let failures: unknown;
    const emf = await emfOf(async () => {
      failures = (await sender(event(batch), context)).batchItemFailures;
    });
    expect(failures).toEqual([]); // nothing counts toward the DLQ
    expect(calls.ses).toBe(1); // one probe, then the channel is paused
    expect(total(emf, 'SendConfigError', 'email')).toBe(1);
    expect(total(emf, 'NotificationsDeferred', 'email')).toBe(10);
    expect(total(emf, 'NotificationsFailed')).toBe(0);
    // One EMF line per dimension set, in the namespace and with the dimensions the alarms use.
    const line = emf.find((l) => l.SendConfigError === 1);
    expect(line).toMatchObject({ service: 'baosong', channel: 'email' });
    expect(line?._aws.CloudWatchMetrics).toEqual([
      expect.objectContaining({
        Namespace: 'baosong',
        Dimensions: [expect.arrayContaining(['service', 'channel'])],
        Metrics: expect.arrayContaining([{ Name: 'SendConfigError', Unit: 'Count' }]),
      }),
    ]);
    // All ten wait on the queue until the pause ends (at most SQS's 15 minutes).
    expect(w.queue.sent.map((s) => s.msg.id).sort()).toEqual(batch.map((m) => m.id).sort());
    for (const s of w.queue.sent) {
      expect(s.msg.deferred).toBe(1);
      expect(s.delaySeconds).toBe(PAUSE_SECONDS);
    }
    const until = await w.store.getMarker(pauseMarker('email'));
    expect(Date.parse(until ?? '')).toBe(NOW.getTime() + PAUSE_SECONDS * 1000);
    // The probed message released its claim; none is recorded failed.
    expect((await w.store.getNotification(batch[0]!.id))?.status).toBe('retry');
    for (const m of batch.slice(1)) expect(await w.store.getNotification(m.id)).toBeNull();

    // Another instance, still within the pause: not one call to SES.
    const again = w.queue.sent.splice(0).map((s) => s.msg);
    w.clock.set(new Date(NOW.getTime() + 60_000));
    await sender(event(again), context);
    expect(calls.ses).toBe(1);
    expect(w.queue.sent.every((s) => s.msg.deferred === 2)).toBe(true);

    // Fixed (the identity verified), the pause over: each goes exactly once.
    sesFault = undefined;
    w.clock.set(new Date(NOW.getTime() + (PAUSE_SECONDS + 1) * 1000));
    const later = w.queue.sent.splice(0).map((s) => s.msg);
    const emf2 = await emfOf(() => sender(event(later), context));
    expect(total(emf2, 'NotificationsSent', 'email')).toBe(10);
    expect(calls.ses).toBe(11);
    for (const m of batch) expect((await w.store.getNotification(m.id))?.status).toBe('sent');
    expect(w.queue.sent).toEqual([]);
  });

  it('a wrong SMS origination identity pauses SMS only; email goes on', async () => {
    const w = await setup();
    smsFault = () => smsError('ValidationException', 'INVALID_IDENTITY_FOR_DESTINATION_COUNTRY');
    const batch = [message(w, 0, 'sms'), message(w, 1, 'sms'), message(w, 2, 'email'), message(w, 3, 'sms')];
    const emf = await emfOf(() => sender(event(batch), context));
    expect(calls.sms).toBe(1);
    expect(total(emf, 'SendConfigError', 'sms')).toBe(1);
    expect(total(emf, 'SendConfigError', 'email')).toBe(0);
    expect(total(emf, 'NotificationsSent', 'email')).toBe(1);
    expect(w.queue.sent.map((s) => s.msg.id).sort()).toEqual(
      [batch[0]!.id, batch[1]!.id, batch[3]!.id].sort(),
    );
    expect(await w.store.getMarker(pauseMarker('email'))).toBeNull();
  });

  it('a message deferred for three days is given up: recorded failed and audited, not queued again', async () => {
    const w = await setup();
    await w.store.setMarker(pauseMarker('email'), new Date(NOW.getTime() + 600_000).toISOString());
    const old = { ...message(w, 0), deferred: MAX_DEFERRALS };
    const emf = await emfOf(() => sender(event([old]), context));
    expect(calls.ses).toBe(0);
    expect(w.queue.sent).toEqual([]);
    const rec = await w.store.getNotification(old.id);
    expect(rec).toMatchObject({ status: 'failed', error: expect.stringMatching(/misconfigured/) });
    expect(total(emf, 'NotificationsFailed', 'email')).toBe(1);
    const trail = (await w.store.auditOf('u0', 2026)).items.map((e) => e.action);
    expect(trail).toContain('notice-failed');
  });
});

describe('permanent SMS failures are recorded, never retried or dead-lettered', () => {
  it.each([
    ['opted out', 'ConflictException', 'DESTINATION_PHONE_NUMBER_OPTED_OUT'],
    ['spend limit', 'ServiceQuotaExceededException', 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT'],
  ])('%s', async (_, name, reason) => {
    const w = await setup();
    smsFault = () => smsError(name, reason);
    const msg = message(w, 0, 'sms');
    let failures: unknown;
    const emf = await emfOf(async () => {
      failures = (await sender(event([msg]), context)).batchItemFailures;
    });
    expect(failures).toEqual([]);
    expect(w.queue.sent).toEqual([]);
    expect(await w.store.getNotification(msg.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining(reason),
    });
    expect(total(emf, 'NotificationsFailed', 'sms')).toBe(1);
    expect(total(emf, 'SendConfigError')).toBe(0);
    expect(await w.store.getMarker(pauseMarker('sms'))).toBeNull();
    // A redelivery of the same message sends nothing.
    await sender(event([msg]), context);
    expect(calls.sms).toBe(1);
  });
});

describe('bouncing addresses', () => {
  it('an email to an address marked bouncing is skipped, the reason recorded; other contacts still get theirs', async () => {
    const w = await setup();
    await recordBounce(w.store, {
      unitId: 'u0',
      addresses: [`LIAISON@${w.tag}.example.gov.cn`],
      type: 'bounce',
      at: NOW,
    });
    const toLiaison = message(w, 0);
    const toLeader = { ...message(w, 1), to: `leader@${w.tag}.example.gov.cn`, recipient: 'leader' };
    const emf = await emfOf(() => sender(event([toLiaison, toLeader]), context));
    expect(calls.ses).toBe(1);
    expect(await w.store.getNotification(toLiaison.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^suppressed: address bounces/),
    });
    expect((await w.store.getNotification(toLeader.id))?.status).toBe('sent');
    expect(total(emf, 'NotificationsSuppressed', 'email')).toBe(1);
    expect(total(emf, 'NotificationsSent', 'email')).toBe(1);
    const trail = (await w.store.auditOf('u0', 2026)).items;
    const suppressed = trail.find((e) => e.action === 'notice-suppressed');
    expect(suppressed?.detail).toMatchObject({ recipient: 'liaison', channel: 'email' });
    // No address in what the sender audits (the office's own unit edits carry contacts, office-only).
    expect(JSON.stringify(trail.filter((e) => !e.action.startsWith('unit-')))).not.toContain('@');
  });
});
