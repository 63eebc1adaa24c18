// Delivery on the real stand-ins (DynamoDB Local, the SES stand-in, the SMS stand-in) through the
// very sweep use case, the in-process notify queue and the very sender handler: exactly once
// under reruns, crashes, duplicates and throttling; SMS quiet hours; invalid numbers; chase-up.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient, SESServiceException } from '@aws-sdk/client-ses';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler as sender } from '../../functions/sender/handler';
import { type NotifyQueue, startNotifyQueue } from '../../infra/local/notify-pipeline';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../shared/adapters/sms-sender';
import { putSettings, putUnit } from '../../shared/app/admin';
import { chase } from '../../shared/app/chase';
import type { MessageQueue, OutgoingMessage, Store } from '../../shared/app/ports';
import { sweep } from '../../shared/app/sweep';
import { defaultObligations } from '../../shared/domain/defaults';
import { AppError } from '../../shared/domain/errors';
import type { Principal } from '../../shared/domain/model';
import { seeded } from '../support/prng';
import { setLogLevel } from '../../shared/adapters/logger';
import { sqsFields } from '../support/sqs';

const endpoints = inject('endpoints');
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const ses = new SESClient({ ...common, endpoint: endpoints.ses, maxAttempts: 1 });
const smsClient = new PinpointSMSVoiceV2Client({ ...common, endpoint: endpoints.sms, maxAttempts: 1 });
const office: Principal = { role: 'office', sub: 'tester' };
const context = { functionName: 'sender', awsRequestId: 'test' } as Context;

// The SES fault injector: a middleware on the real client that answers a share of the calls
// with SES's own throttling error (as the deserializer would build it) instead of sending.
// Which calls are throttled comes from a seeded PRNG: the same faults on every run.
let throttleRate = 0;
let throttled = 0;
let random = seeded(11);
ses.middlewareStack.add(
  (next) => async (args) => {
    if (throttleRate > 0 && random() < throttleRate) {
      throttled++;
      throw new SESServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Maximum sending rate exceeded.',
      });
    }
    return next(args);
  },
  { step: 'initialize', name: 'injectThrottling' },
);

type World = { store: DynamoStore; clock: SettableClock; queue: NotifyQueue; tag: string };
let world: World | undefined;

/** A fresh table with the five obligations, fast settings and `n` units whose addresses carry a unique tag. */
async function setup(n: number, opts: { phone?: (i: number) => string } = {}): Promise<World> {
  const tag = randomBytes(4).toString('hex');
  const table = `notify-${tag}`;
  await createTable(ddb, table);
  const store = new DynamoStore(ddb, table);
  const clock = new SettableClock();
  clock.set(new Date('2026-06-01T09:00:00+08:00'));
  const queue = startNotifyQueue(async (e) => (await sender(e, context)) as SQSBatchResponse, clock);
  setDeps({ store, clock, queue, mailer: new SesMailer(ses), sms: new PinpointSmsSender(smsClient) });
  for (const obligation of defaultObligations) await store.write([{ type: 'putObligation', obligation }]);
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
  const digits = String(Number.parseInt(tag, 16) % 10_000).padStart(4, '0');
  for (let i = 0; i < n; i++) {
    const phone = opts.phone?.(i) ?? `+86135${digits}${String(i).padStart(3, '0')}`;
    await putUnit(
      store,
      office,
      {
        unitId: `u${i}`,
        name: `单位${i}`,
        kind: 'town',
        tags: [],
        active: true,
        contacts: [{ role: 'liaison', name: `联络员${i}`, email: `u${i}@${tag}.example.gov.cn`, phone }],
      },
      clock.now(),
    );
  }
  world = { store, clock, queue, tag };
  return world;
}

afterEach(async () => {
  throttleRate = 0;
  await world?.queue.close();
  world = undefined;
});

beforeAll(() => setLogLevel('SILENT'));

/** What the stand-ins received for this world's addresses. */
async function outbox(w: World, phones: string[] = []) {
  const store = (await (await fetch(`${endpoints.ses}/store`)).json()) as {
    emails: Array<{ destination: { to: string[] }; subject: string }>;
  };
  const sms = (await (await fetch(`${endpoints.sms}/__messages`)).json()) as {
    messages: Array<{ to: string; text: string }>;
  };
  return {
    emails: store.emails.filter((e) => e.destination.to.some((t) => t.endsWith(`@${w.tag}.example.gov.cn`))),
    sms: sms.messages.filter((m) => phones.includes(m.to)),
  };
}

const countBy = (xs: string[]) =>
  xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
const phonesOf = async (w: World, n: number) =>
  Promise.all(
    Array.from({ length: n }, async (_, i) => (await w.store.getUnit(`u${i}`))!.contacts[0]!.phone!),
  );

// 2026-07-03 (Friday) is the half-year report's offset-1 day: one email and one SMS per unit.
const JULY3 = new Date('2026-07-03T09:00:00+08:00');

describe('the sweep sends each notification exactly once', () => {
  it('when the same sweep runs twice', async () => {
    const w = await setup(3);
    w.clock.set(JULY3);
    const first = await sweep(w, JULY3);
    await w.queue.drain();
    const second = await sweep(w, JULY3);
    await w.queue.drain();
    expect(first.reminders).toBe(3);
    expect(second.reminders).toBe(0);
    const box = await outbox(w, await phonesOf(w, 3));
    expect(box.emails).toHaveLength(3);
    expect(box.sms).toHaveLength(3);
    expect([...countBy(box.emails.map((e) => e.destination.to[0]!)).values()]).toEqual([1, 1, 1]);
    const slot = await w.store.getSlot('half-year-report', '2026', 'u0');
    expect(slot?.remindersSent).toBe(1);
    expect(slot?.sent).toContain('reminder:1:2026-07-06');
  });

  it('when a sweep crashed after half its notifications and runs again', async () => {
    const w = await setup(6);
    w.clock.set(JULY3);
    let passed = 0;
    const crashing: MessageQueue = {
      async enqueue(msgs: OutgoingMessage[]) {
        const room = Math.max(0, 6 - passed);
        passed += Math.min(room, msgs.length);
        await w.queue.enqueue(msgs.slice(0, room));
        if (msgs.length > room) throw new Error('the sweep crashed while queueing');
      },
    };
    await expect(sweep({ store: w.store, queue: crashing }, JULY3)).rejects.toThrow('crashed');
    await w.queue.drain();
    const half = await outbox(w, await phonesOf(w, 6));
    expect(half.emails.length + half.sms.length).toBe(6);
    // Nothing was recorded on the slots: the crash came before the writes.
    expect((await w.store.getSlot('half-year-report', '2026', 'u0'))?.remindersSent).toBe(0);

    const rerun = await sweep(w, JULY3);
    await w.queue.drain();
    expect(rerun.reminders).toBe(6);
    const box = await outbox(w, await phonesOf(w, 6));
    expect(box.emails).toHaveLength(6);
    expect(box.sms).toHaveLength(6);
    expect(new Set(box.emails.map((e) => e.destination.to[0])).size).toBe(6);
    expect(new Set(box.sms.map((m) => m.to)).size).toBe(6);
    for (let i = 0; i < 6; i++) {
      expect((await w.store.getSlot('half-year-report', '2026', `u${i}`))?.remindersSent).toBe(1);
    }
  });
});

describe('the sweep reads what its day needs', () => {
  it('each unit once: the office digest reuses the units read for the notices (issue 12 item 3a)', async () => {
    const w = await setup(3);
    w.clock.set(JULY3);
    await sweep(w, JULY3);
    await w.queue.drain();
    // 2026-07-07: the half-year report is overdue — escalations for the units, and the digest lists them.
    const asked: string[] = [];
    const counting = new Proxy(w.store, {
      get(target, prop, recv) {
        if (prop === 'getUnits')
          return (ids: string[]) => {
            asked.push(...ids);
            return target.getUnits(ids);
          };
        const v = Reflect.get(target, prop, recv);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Store;
    const at = new Date('2026-07-07T09:00:00+08:00');
    w.clock.set(at);
    const summary = await sweep({ store: counting, queue: w.queue }, at);
    await w.queue.drain();
    expect(summary.digests).toBe(1);
    expect(summary.escalations).toBeGreaterThan(0);
    expect(asked.sort()).toEqual(['u0', 'u1', 'u2']);
  });
});

describe('the sender', () => {
  it('sends a message delivered twice by SQS (in one batch and again later) once', async () => {
    const w = await setup(0);
    w.clock.set(JULY3);
    const msg: OutgoingMessage = {
      id: `receipt:${w.tag}:email:dup@${w.tag}.example.gov.cn`, // ids may embed an address
      channel: 'email',
      to: `dup@${w.tag}.example.gov.cn`,
      subject: '重复投递',
      text: '同一条消息投递两次',
      unitId: 'u0',
      kind: 'test',
    };
    const record = (messageId: string) => ({
      messageId,
      receiptHandle: messageId,
      body: JSON.stringify(msg),
      ...sqsFields('notify'),
    });
    const event = (ids: string[]) => ({ Records: ids.map(record) }) as SQSEvent;
    expect((await sender(event(['a', 'b']), context)).batchItemFailures).toEqual([]);
    expect((await sender(event(['c']), context)).batchItemFailures).toEqual([]);
    expect((await outbox(w)).emails).toHaveLength(1);
    expect((await w.store.getNotification(msg.id))?.status).toBe('sent');
    const trail = (await w.store.auditOf('u0', 2026)).items;
    expect(trail.map((e) => e.action)).toEqual(['notice-sent']);
    expect(JSON.stringify(trail)).not.toContain('@');
  });

  it('delivers every notification once with SES throttling 30 % of the calls', async () => {
    const w = await setup(20);
    w.clock.set(JULY3);
    throttleRate = 0.3;
    throttled = 0;
    random = seeded(30);
    const s = await sweep(w, JULY3);
    await w.queue.drain();
    expect(s.reminders).toBe(20);
    expect(throttled).toBeGreaterThan(0);
    const box = await outbox(w, await phonesOf(w, 20));
    expect(box.emails).toHaveLength(20);
    expect(new Set(box.emails.map((e) => e.destination.to[0])).size).toBe(20);
    expect(box.sms).toHaveLength(20);
    expect(w.queue.deadLetters).toEqual([]);
    for (let i = 0; i < 20; i++) {
      const rec = await w.store.getNotification(
        `half-year-report#2026#u${i}:reminder:1:2026-07-06:email:liaison`,
      );
      expect(rec?.status).toBe('sent');
    }
  });

  it('holds an SMS queued at 21:00 until 08:00, and sends the email at once', async () => {
    const w = await setup(1);
    const evening = new Date('2026-07-03T21:00:00+08:00');
    w.clock.set(evening);
    expect(
      await chase(w, office, { obligationId: 'half-year-report', period: '2026', unitId: 'u0' }, evening),
    ).toEqual({
      queued: 1,
    });
    await w.queue.drain();
    const phones = await phonesOf(w, 1);
    expect((await outbox(w, phones)).emails).toHaveLength(1);
    expect((await outbox(w, phones)).sms).toHaveLength(0);
    expect(w.queue.held).toHaveLength(1);
    expect(new Date(w.queue.held[0]!.until).toISOString()).toBe('2026-07-04T00:00:00.000Z'); // 08:00 +08:00

    w.clock.set(new Date('2026-07-04T07:59:00+08:00'));
    await w.queue.drain();
    expect((await outbox(w, phones)).sms).toHaveLength(0);

    w.clock.set(new Date('2026-07-04T08:00:00+08:00'));
    await w.queue.drain();
    const box = await outbox(w, phones);
    expect(box.sms).toHaveLength(1);
    expect(box.sms[0]!.text.startsWith('【区法制办】')).toBe(true);
    expect(box.emails).toHaveLength(1);
    expect(w.queue.held).toHaveLength(0);
  });

  it('records an invalid number as failed (audited without the number) and still sends the email', async () => {
    const w = await setup(1, { phone: () => '+861000012345' });
    w.clock.set(JULY3);
    await sweep(w, JULY3);
    await w.queue.drain();
    expect((await outbox(w)).emails).toHaveLength(1);
    const base = 'half-year-report#2026#u0:reminder:1:2026-07-06';
    const sms = await w.store.getNotification(`${base}:sms:liaison`);
    expect(sms?.status).toBe('failed');
    expect(sms?.error).toMatch(/ValidationException/);
    expect((await w.store.getNotification(`${base}:email:liaison`))?.status).toBe('sent');
    expect(w.queue.deadLetters).toEqual([]);
    const trail = (await w.store.auditOf('u0', 2026)).items;
    const failed = trail.find((e) => e.action === 'notice-failed');
    expect(failed?.detail).toMatchObject({ channel: 'sms', kind: 'reminder', recipient: 'liaison' });
    // The notices' audit never names the number (the unit's own edits carry its contacts, office-only).
    expect(JSON.stringify(trail.filter((e) => e.action.startsWith('notice-')))).not.toContain('12345');
    expect(trail.some((e) => e.action === 'notice-sent' && e.detail?.channel === 'email')).toBe(true);
  });
});

describe('chase-up', () => {
  it('chases every owing slot of a period at most once a day, and counts it', async () => {
    const w = await setup(3);
    const at = new Date('2026-07-08T10:00:00+08:00');
    w.clock.set(at);
    // u2 has submitted: not chased.
    const s2 = (await w.store.getSlot('half-year-report', '2026', 'u2'))!;
    await w.store.write([
      {
        type: 'putSlot',
        slot: { ...s2, state: 'submitted', nextActionDate: null, version: s2.version + 1 },
        ifVersion: s2.version,
      },
    ]);
    const input = { obligationId: 'half-year-report', period: '2026' };
    expect(await chase(w, office, input, at)).toEqual({ queued: 2 });
    expect(await chase(w, office, input, at)).toEqual({ queued: 0 });
    await w.queue.drain();
    const box = await outbox(w, await phonesOf(w, 3));
    expect(box.emails.map((e) => e.subject)).toEqual([
      expect.stringContaining('【催报】'),
      expect.stringContaining('【催报】'),
    ]);
    expect(box.sms).toHaveLength(2);
    expect((await w.store.getSlot('half-year-report', '2026', 'u0'))?.chaseCount).toBe(1);
    expect((await w.store.getSlot('half-year-report', '2026', 'u2'))?.chaseCount).toBe(0);
    // The next day: chased again.
    const next = new Date('2026-07-09T10:00:00+08:00');
    expect(await chase(w, office, { ...input, unitId: 'u0' }, next)).toEqual({ queued: 1 });
    expect((await w.store.getSlot('half-year-report', '2026', 'u0'))?.chaseCount).toBe(2);
    const trail = (await w.store.auditOf('u0', 2026)).items.filter((e) => e.action === 'chase');
    expect(trail.map((e) => e.actor)).toEqual(['office:tester', 'office:tester']);
  });

  it('answers 404 for an unknown obligation, unit or slot', async () => {
    const w = await setup(1);
    const at = w.clock.now();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e instanceof AppError ? e.code : String(e)),
      );
    expect(await code(chase(w, office, { obligationId: 'nope', period: '2026' }, at))).toBe('not_found');
    expect(
      await code(chase(w, office, { obligationId: 'half-year-report', period: '2026', unitId: 'ghost' }, at)),
    ).toBe('not_found');
    expect(
      await code(chase(w, office, { obligationId: 'half-year-report', period: '2031', unitId: 'u0' }, at)),
    ).toBe('not_found');
    expect(await code(chase(w, office, { obligationId: 'half-year-report', period: '2026-07' }, at))).toBe(
      'invalid_input',
    );
  });
});
