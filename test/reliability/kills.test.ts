// Faults: a function killed with SIGKILL part-way, in a child process (test/reliability/support/
// worker-child.ts) on the real stand-ins (DynamoDB Local, the SES stand-in, an SMS and an SQS
// stand-in of this file's own), after a seeded number of its writes and sends:
// - the sweep killed mid-run, then run again → no reminder sent twice, no slot missed;
// - the sender killed mid-batch, the batch received again after the visibility timeout (SQS's
//   rule) → each message sent once, or its interrupted send settled by the 15-minute rule
//   (recorded failed 'interrupted', never sent a second time); nothing left in flight.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler as sender } from '../../functions/sender/handler';
import { type SmsServer, startSmsServer } from '../../infra/local/sms-server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { setLogLevel } from '../../shared/adapters/logger';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../shared/adapters/sms-sender';
import { SqsQueue } from '../../shared/adapters/sqs-queue';
import { loadCalendar } from '../../shared/app/calendar';
import { openSlots } from '../../shared/app/open-slots';
import type { OutgoingMessage } from '../../shared/app/ports';
import { openedMarker, sweep } from '../../shared/app/sweep';
import { defaultObligations } from '../../shared/domain/defaults';
import type { Principal } from '../../shared/domain/model';
import { type SqsServer, startSqsServer } from '../infra/support/sqs-server';
import { seeded } from '../support/prng';
import { seedWorld } from './support/world';
import { sqsFields } from '../support/sqs';

const SEED = Number(process.env.FAULT_SEED ?? 2026_11);
const endpoints = inject('endpoints');
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const office: Principal = { role: 'office', sub: 'kills' };
/** 2026-07-03 (a Friday): the half-year report's offset-1 reminder day, an email and an SMS per unit. */
const JULY3 = new Date('2026-07-03T09:00:00+08:00');
const VISIBILITY_MS = 6 * 60_000; // the notify queue's visibility timeout (6 × the sender's 60 s)
const tmp = mkdtempSync(join(tmpdir(), 'baosong-kills-'));
let sqsServer: SqsServer;
let sms: SmsServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  setLogLevel('SILENT');
  sqsServer = await startSqsServer();
  sms = await startSmsServer();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  setDeps(undefined);
  await sqsServer?.close();
  await sms?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function world(units: number) {
  const now = new Date('2026-01-05T09:00:00+08:00');
  const { tag, table, store, phones } = await seedWorld(ddb, {
    prefix: 'kills',
    units,
    now,
    office,
    phonePrefix: '137',
  });
  const cal = await loadCalendar(store, [2026]);
  await openSlots(store, cal, {
    year: 2026,
    units: await store.listUnits(),
    obligations: defaultObligations,
    now,
  });
  await store.setMarker(openedMarker(2026), now.toISOString());
  return { tag, table, store, phones, queueUrl: sqsServer.queueUrl(`notify-${tag}`) };
}

/** Runs the child; with `killAfter`, SIGKILLs it right after that step. Resolves how it ended. */
function runChild(
  env: Record<string, string>,
  killAfter?: number,
): Promise<{ killed: boolean; steps: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/reliability/support/worker-child.ts'], {
    env: {
      ...process.env,
      DYNAMODB: endpoints.dynamodb,
      SES: endpoints.ses,
      SMS: sms.endpoint,
      SQS: sqsServer.endpoint,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let steps = 0;
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      steps = [...out.matchAll(/^STEP (\d+)$/gm)].length;
      if (killAfter !== undefined && steps >= killAfter && child.signalCode === null) child.kill('SIGKILL');
    });
    child.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, steps });
      else if (code === 0 && out.includes('DONE')) resolve({ killed: false, steps });
      else reject(new Error(`the child exited ${code}:\n${out}`));
    });
  });
}

const sqsEvent = (msgs: OutgoingMessage[], receive: number): SQSEvent => ({
  Records: msgs.map((m, i) => ({
    messageId: `m-${i}-${m.id}`,
    receiptHandle: `h-${i}-${receive}`,
    body: JSON.stringify(m),
    ...sqsFields('notify', receive),
  })),
});
const context = { functionName: 'sender', awsRequestId: 'kills' } as Context;

/** The sender in this process, as SQS drives it: failed records are received again after the visibility timeout. */
async function deliverAll(
  w: Awaited<ReturnType<typeof world>>,
  clock: SettableClock,
  msgs: OutgoingMessage[],
  firstReceive = 1,
) {
  const sqs = new SQSClient({ ...common, endpoint: sqsServer.endpoint });
  setDeps({
    store: w.store,
    clock,
    queue: new SqsQueue(sqs, w.queueUrl),
    mailer: new SesMailer(new SESClient({ ...common, endpoint: endpoints.ses, maxAttempts: 1 })),
    sms: new PinpointSmsSender(
      new PinpointSMSVoiceV2Client({ ...common, endpoint: sms.endpoint, maxAttempts: 1 }),
    ),
  });
  let left = msgs;
  for (let receive = firstReceive; left.length && receive <= 5; receive++) {
    if (receive > 1) clock.set(new Date(clock.now().getTime() + VISIBILITY_MS));
    const failed: OutgoingMessage[] = [];
    for (let i = 0; i < left.length; i += 10) {
      const batch = left.slice(i, i + 10);
      const r = (await sender(sqsEvent(batch, receive), context)) as SQSBatchResponse;
      for (const f of r.batchItemFailures) failed.push(batch[Number(f.itemIdentifier.split('-')[1])]!);
    }
    left = failed;
  }
  return left; // what would be dead-lettered
}

const outbox = async (tag: string, phones: string[]) => ({
  emails: (
    (await (await fetch(`${endpoints.ses}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] } }>;
    }
  ).emails
    .map((e) => e.destination.to[0]!)
    .filter((to) => to.endsWith(`@${tag}.example.gov.cn`)),
  sms: sms.messages.map((m) => m.to).filter((to) => phones.includes(to)),
});
const countBy = (xs: string[]) =>
  xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
const queuedOf = (queueUrl: string) =>
  sqsServer.sent.filter((m) => m.queueUrl === queueUrl).map((m) => JSON.parse(m.body) as OutgoingMessage);

describe('the sweep killed mid-run', () => {
  it('run again: every unit reminded once by email and SMS, every slot recorded, nothing twice', async () => {
    const N = 30;
    const random = seeded(SEED + 2);
    const w = await world(N);
    const env = { MODE: 'sweep', TABLE: w.table, QUEUE_URL: w.queueUrl, AT: JULY3.toISOString() };
    // steps: the queued batches (2N messages, 10 a batch), then one write per slot
    const killAfter = 1 + Math.floor(random() * (N + (2 * N) / 10 - 2));
    const first = await runChild(env, killAfter);
    expect(first.killed, `killed after step ${killAfter}`).toBe(true);
    const queuedAtKill = queuedOf(w.queueUrl).length;
    const second = await runChild(env);
    expect(second.killed).toBe(false);

    const queued = queuedOf(w.queueUrl);
    const clock = new SettableClock();
    clock.set(JULY3);
    expect(await deliverAll(w, clock, queued)).toEqual([]);
    const box = await outbox(w.tag, w.phones);
    expect(box.emails).toHaveLength(N);
    expect([...countBy(box.emails).values()].every((n) => n === 1)).toBe(true);
    expect(box.sms).toHaveLength(N);
    expect([...countBy(box.sms).values()].every((n) => n === 1)).toBe(true);
    for (let i = 0; i < N; i++) {
      const slot = (await w.store.getSlot('half-year-report', '2026', `u${i}`))!;
      expect(slot.remindersSent, `u${i}`).toBe(1);
      expect(slot.sent).toContain('reminder:1:2026-07-06');
      for (const ch of ['email', 'sms'])
        expect(
          (await w.store.getNotification(`half-year-report#2026#u${i}:reminder:1:2026-07-06:${ch}:liaison`))
            ?.status,
        ).toBe('sent');
    }
    console.log(
      `sweep kill: seed ${SEED}, killed after step ${killAfter} (${queuedAtKill} messages queued by then); ` +
        `the rerun queued ${queued.length - queuedAtKill}; ${box.emails.length} emails and ${box.sms.length} SMS sent, none twice`,
    );
  });
});

describe('the sender killed mid-batch', () => {
  it('received again after the visibility timeout: each message sent at most once, settled, nothing in flight', async () => {
    const N = 10;
    const random = seeded(SEED + 3);
    const w = await world(N);
    const captured: OutgoingMessage[] = [];
    await sweep(
      {
        store: w.store,
        queue: {
          enqueue: async (m) => {
            captured.push(...m);
          },
        },
      },
      JULY3,
    );
    const batch = captured.slice(0, 10); // one SQS batch
    expect(batch).toHaveLength(10);
    const file = join(tmp, `batch-${w.tag}.json`);
    writeFileSync(file, JSON.stringify(sqsEvent(batch, 1)));
    // steps per message: the claim, the send, the record (and its audit): kill part-way
    const killAfter = 2 + Math.floor(random() * 20);
    const run = await runChild(
      { MODE: 'sender', TABLE: w.table, QUEUE_URL: w.queueUrl, AT: JULY3.toISOString(), BATCH_FILE: file },
      killAfter,
    );
    expect(run.killed, `killed after step ${killAfter}`).toBe(true);
    const atKill = await Promise.all(batch.map((m) => w.store.getNotification(m.id)));
    const untouched = batch.filter((_, i) => !atKill[i]);
    const caught = batch.filter((_, i) => atKill[i]?.status === 'sending');

    const clock = new SettableClock();
    clock.set(JULY3);
    expect(await deliverAll(w, clock, batch, 2), 'nothing dead-lettered').toEqual([]);
    const box = await outbox(w.tag, w.phones);
    const sent = countBy([...box.emails, ...box.sms]);
    for (const m of batch) {
      const rec = (await w.store.getNotification(m.id))!;
      expect(rec, m.id).not.toBeNull();
      expect(sent.get(m.to) ?? 0, m.id).toBeLessThanOrEqual(1);
      if (rec.status === 'sent') expect(sent.get(m.to), m.id).toBe(1);
      else expect(`${rec.status} ${rec.error}`, m.id).toMatch(/^failed .*interrupted/);
    }
    for (const m of untouched) expect((await w.store.getNotification(m.id))!.status, m.id).toBe('sent');
    console.log(
      `sender kill: seed ${SEED}, killed after step ${killAfter}: ${N - untouched.length} of ${N} claimed by then, ` +
        `${caught.length} caught mid-send (settled: ${caught.length} failed 'interrupted' after 15 min), ` +
        `${[...sent.values()].reduce((a, b) => a + b, 0)} sent in all, none twice`,
    );
  });
});
