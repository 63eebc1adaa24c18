// What one delivery writes (issue 12 item 5, pacing): the claim, then ONE write — the record's
// final status and its audit line in a single TransactWriteItems — on DynamoDB Local and the SES
// stand-in, for a sent message and for a permanently failed one; a record no longer 'sending'
// keeps its status and the audit line is still written. Several delivered together (deliverMany,
// a sender batch): two writes for them all — their claims, then their records — and, should an
// id have been claimed before or a record have changed meanwhile, each as deliver() does it alone.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { deliver, deliverMany, InFlight } from '../../shared/app/deliver';
import { type Mailer, type OutgoingMessage, PermanentDeliveryError } from '../../shared/app/ports';
import { defaultSettings } from '../../shared/domain/defaults';

const endpoints = inject('endpoints');
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const tag = randomBytes(4).toString('hex');
const TABLE = `deliver-${tag}`;
const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const store = new DynamoStore(ddb, TABLE);
const mailer = new SesMailer(new SESClient({ ...common, endpoint: endpoints.ses, maxAttempts: 1 }));
const now = new Date('2026-07-03T09:00:00+08:00');
const message = (n: string): OutgoingMessage => ({
  id: `reminder#${tag}#${n}`,
  channel: 'email',
  to: `w-${tag}-${n}@example.gov.cn`,
  subject: '【报送提醒】',
  text: '请报送',
  unitId: `u-${tag}`,
  kind: 'reminder',
  recipient: 'liaison',
});

/** The DynamoDB commands sent while `fn` runs, by name. */
async function commandsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const name = `count-${randomBytes(3).toString('hex')}`;
  ddb.middlewareStack.add(
    ((next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
      sent.push(ctx.commandName ?? '?');
      return next(args);
    }) as never,
    { step: 'initialize', name },
  );
  try {
    await fn();
  } finally {
    ddb.middlewareStack.remove(name);
  }
  return sent;
}

const trail = async () => (await store.auditOf(`u-${tag}`, 2026, { limit: 100 })).items;

beforeAll(async () => {
  await createTable(ddb, TABLE);
});

describe('a delivery writes the claim and then one write', () => {
  it('sent: PutItem (claim), then one TransactWriteItems (status sent + notice-sent)', async () => {
    const msg = message('sent');
    const sent = await commandsDuring(() =>
      deliver({ store, mailer }, msg, now, { settings: defaultSettings }),
    );
    expect(sent).toEqual(['PutItemCommand', 'TransactWriteItemsCommand']);
    expect((await store.getNotification(msg.id))?.status).toBe('sent');
    expect((await trail()).filter((e) => e.action === 'notice-sent')).toHaveLength(1);
  });

  it('permanently failed: the claim, then status failed + notice-failed in one write', async () => {
    const msg = message('failed');
    const refusing: Mailer = {
      send: async () => {
        throw new PermanentDeliveryError('address rejected');
      },
    };
    const sent = await commandsDuring(() =>
      deliver({ store, mailer: refusing }, msg, now, { settings: defaultSettings }),
    );
    expect(sent).toEqual(['PutItemCommand', 'TransactWriteItemsCommand']);
    expect(await store.getNotification(msg.id)).toMatchObject({
      status: 'failed',
      error: 'address rejected',
    });
    expect((await trail()).filter((e) => e.action === 'notice-failed')).toHaveLength(1);
  });

  it('a record no longer sending keeps its status; the audit line is written alone', async () => {
    const msg = message('taken');
    // Another attempt judged this one stale and recorded the outcome while the email went out.
    const judging: Mailer = {
      send: async (m) => {
        await mailer.send(m);
        await store.updateNotification(msg.id, 'failed', 'interrupted', 'sending', now.toISOString());
      },
    };
    expect(await deliver({ store, mailer: judging }, msg, now, { settings: defaultSettings })).toBe('sent');
    expect((await store.getNotification(msg.id))?.status).toBe('failed');
    const lines = (await trail()).filter(
      (e) => (e.detail as { notificationId?: string })?.notificationId === msg.id,
    );
    expect(lines.map((e) => e.action)).toEqual(['notice-sent']);
  });
});

describe('several delivered together: two writes for them all, and each exactly once', () => {
  const sendsTo = (box: string[]) => ({
    send: async (m: Parameters<Mailer['send']>[0]) => {
      box.push(m.to);
      await mailer.send(m);
    },
  });

  it('all new: one TransactWriteItems of claims, the sends, one TransactWriteItems of records', async () => {
    const msgs = ['m1', 'm2', 'm3', 'm4'].map(message);
    const box: string[] = [];
    let results: Awaited<ReturnType<typeof deliverMany>> = [];
    const sent = await commandsDuring(async () => {
      results = await deliverMany({ store, mailer: sendsTo(box) }, msgs, now, { settings: defaultSettings });
    });
    expect(sent).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
    expect(results).toEqual(msgs.map(() => ({ status: 'fulfilled', value: 'sent' })));
    expect(box.sort()).toEqual(msgs.map((m) => m.to).sort());
    for (const m of msgs) expect((await store.getNotification(m.id))?.status).toBe('sent');
    const lines = (await trail()).filter((e) => e.action === 'notice-sent');
    for (const m of msgs)
      expect(
        lines.filter((e) => (e.detail as { notificationId?: string }).notificationId === m.id),
      ).toHaveLength(1);
  });

  it('one id claimed before (sent, or in flight): nothing sent twice, the others each claimed and sent once', async () => {
    const done = message('done');
    const busy = message('busy');
    const fresh = [message('f1'), message('f2')];
    expect(await deliver({ store, mailer }, done, now, { settings: defaultSettings })).toBe('sent');
    await store.claimNotification({
      id: busy.id,
      channel: 'email',
      to: busy.to,
      status: 'sending',
      at: now.toISOString(),
    });
    const box: string[] = [];
    const results = await deliverMany({ store, mailer: sendsTo(box) }, [done, ...fresh, busy], now, {
      settings: defaultSettings,
    });
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'duplicate' });
    expect(results.slice(1, 3)).toEqual(fresh.map(() => ({ status: 'fulfilled', value: 'sent' })));
    expect(results[3]).toMatchObject({ status: 'rejected', reason: expect.any(InFlight) });
    expect(box.sort()).toEqual(fresh.map((m) => m.to).sort());
    expect((await store.getNotification(busy.id))?.status).toBe('sending');
  });

  it('a record taken meanwhile keeps its status; the others are recorded sent; every audit line written once', async () => {
    const msgs = [message('t1'), message('t2'), message('t3')];
    const taken = msgs[1]!;
    const judging: Mailer = {
      send: async (m) => {
        await mailer.send(m);
        if (m.to === taken.to)
          await store.updateNotification(taken.id, 'failed', 'interrupted', 'sending', now.toISOString());
      },
    };
    const results = await deliverMany({ store, mailer: judging }, msgs, now, { settings: defaultSettings });
    expect(results).toEqual(msgs.map(() => ({ status: 'fulfilled', value: 'sent' })));
    expect((await store.getNotification(taken.id))?.status).toBe('failed');
    for (const m of [msgs[0]!, msgs[2]!]) expect((await store.getNotification(m.id))?.status).toBe('sent');
    const lines = (await trail()).filter((e) => e.action === 'notice-sent');
    for (const m of msgs)
      expect(
        lines.filter((e) => (e.detail as { notificationId?: string }).notificationId === m.id),
      ).toHaveLength(1);
  });
});
