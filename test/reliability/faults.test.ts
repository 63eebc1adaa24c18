// Faults, on the real stand-ins (DynamoDB Local, s3rver, the SES stand-in and an SMS stand-in of
// this file's own), through the very handlers and the local runtime's queue (SQS's rules):
// - the SMS endpoint down for a minute (of the queue's clock: SQS hides a failed message for the
//   notify queue's visibility timeout, 6 × the sender's 60 s, so the clock moves that much before
//   a redelivery; no real minute is waited);
// - two receipt handlers racing on the same slot (the same event twice at once; two objects of
//   one slot at once), over seeded rounds.
// After each: every submission recorded once, every notification sent once, nothing stuck
// outside a dead-letter queue. Seeded (FAULT_SEED); no sleeps.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler as receipt } from '../../functions/receipt/handler';
import { handler as sender } from '../../functions/sender/handler';
import { startNotifyQueue } from '../../infra/local/notify-pipeline';
import { type SmsServer, startSmsServer } from '../../infra/local/sms-server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/standins';
import { SettableClock } from '../../shared/adapters/clock';
import { setDeps } from '../../shared/adapters/container';
import { setLogLevel } from '../../shared/adapters/logger';
import { makeS3Client, S3ObjectStore } from '../../shared/adapters/s3';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../shared/adapters/sms-sender';
import { loadCalendar } from '../../shared/app/calendar';
import { openSlots } from '../../shared/app/open-slots';
import type { MessageQueue, OutgoingMessage } from '../../shared/app/ports';
import { sweep } from '../../shared/app/sweep';
import { requestUpload, uploadRequestSchema } from '../../shared/app/uploads';
import { defaultObligations } from '../../shared/domain/defaults';
import type { Principal } from '../../shared/domain/model';
import { seeded } from '../support/prng';
import { seedWorld } from './support/world';
import { sqsFields } from '../support/sqs';

const SEED = Number(process.env.FAULT_SEED ?? 2026_11);
const endpoints = inject('endpoints');
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
const ses = new SESClient({ ...common, endpoint: endpoints.ses });
const office: Principal = { role: 'office', sub: 'faults' };
/** The notify queue's visibility timeout (infra/stack.ts: 6 × the sender's 60 s timeout). */
const VISIBILITY_MS = 6 * 60_000;

async function world(units: number) {
  const now = new Date('2026-06-01T09:00:00+08:00');
  const { tag, table, store } = await seedWorld(ddb, {
    prefix: 'faults',
    units,
    now,
    office,
    phonePrefix: '136',
  });
  return { tag, table, store };
}

const sesEmailsTo = async (tag: string) =>
  (
    (await (await fetch(`${endpoints.ses}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] } }>;
    }
  ).emails.filter((e) => e.destination.to.some((t) => t.endsWith(`@${tag}.example.gov.cn`)));
const countBy = (xs: string[]) =>
  xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());

beforeAll(() => setLogLevel('SILENT'));
afterAll(() => setDeps(undefined));

describe('the SMS endpoint down for a minute', () => {
  let sms: SmsServer | undefined;
  afterAll(async () => sms?.close());

  it('every SMS is re-queued and sent once after it; emails go on; nothing in the DLQ', async () => {
    const N = 20;
    const { tag, store } = await world(N);
    const clock = new SettableClock();
    // 2026-07-03 (a Friday) is the half-year report's offset-1 reminder day: an email and an SMS per unit
    const start = new Date('2026-07-03T09:00:00+08:00');
    clock.set(start);
    const outageEnds = start.getTime() + 60_000;
    let refused = 0;
    sms = await startSmsServer({
      down: () => {
        const down = clock.now().getTime() < outageEnds;
        if (down) refused++;
        return down;
      },
    });
    const smsClient = new PinpointSMSVoiceV2Client({ ...common, endpoint: sms.endpoint });
    let redeliveries = 0;
    const context = { functionName: 'sender', awsRequestId: 'faults' } as Context;
    const queue = startNotifyQueue(async (event: SQSEvent) => {
      // A message received again waited out its visibility timeout first, as on SQS.
      if (event.Records.some((r) => Number(r.attributes.ApproximateReceiveCount) > 1)) {
        redeliveries++;
        clock.set(new Date(clock.now().getTime() + VISIBILITY_MS));
      }
      return (await sender(event, context)) as SQSBatchResponse;
    }, clock);
    try {
      setDeps({ store, clock, queue, mailer: new SesMailer(ses), sms: new PinpointSmsSender(smsClient) });
      const s = await sweep({ store, queue }, start);
      expect(s.reminders).toBe(N);
      await queue.drain();

      expect(refused, 'the outage refused SMS sends').toBeGreaterThan(0);
      expect(redeliveries).toBeGreaterThan(0);
      expect(queue.deadLetters).toEqual([]);
      const phones = [...countBy(sms.messages.map((m) => m.to)).entries()];
      expect(phones).toHaveLength(N);
      expect(
        phones.every(([, n]) => n === 1),
        'each SMS once',
      ).toBe(true);
      const emails = await sesEmailsTo(tag);
      expect(emails).toHaveLength(N);
      expect(new Set(emails.map((e) => e.destination.to[0])).size).toBe(N);
      for (let i = 0; i < N; i++)
        for (const channel of ['email', 'sms'])
          expect(
            (
              await store.getNotification(
                `half-year-report#2026#u${i}:reminder:1:2026-07-06:${channel}:liaison`,
              )
            )?.status,
          ).toBe('sent');
      console.log(
        `sms outage: ${refused} SMS connections refused in the minute, ${redeliveries} redelivered batches, ` +
          `${sms.messages.length} SMS and ${emails.length} emails sent, ${queue.deadLetters.length} dead letters`,
      );
    } finally {
      await queue.close();
    }
  });
});

describe('two receipt handlers racing on the same slot', () => {
  it('the same event twice at once, and two objects of one slot at once: each recorded once, each receipt once', async () => {
    const random = seeded(SEED + 1);
    const UNITS = 6;
    const { tag, store } = await world(UNITS);
    const bucket = `faults-${tag}`;
    const s3 = makeS3Client({ ...common, endpoint: endpoints.s3 });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const objects = new S3ObjectStore(s3, bucket);
    const clock = new SettableClock();
    clock.set(new Date('2026-04-10T10:00:00+08:00'));
    const units = Array.from({ length: UNITS }, (_, i) => ({ unitId: `u${i}` }));
    const cal = await loadCalendar(store, [2026]);
    await openSlots(store, cal, {
      year: 2026,
      units: await store.listUnits(),
      obligations: defaultObligations,
      now: clock.now(),
    });
    /** Delivers each id once, as the sender's claim does; counts what is queued. */
    const delivered: OutgoingMessage[] = [];
    const queue: MessageQueue = {
      async enqueue(msgs) {
        for (const m of msgs)
          if (
            await store.claimNotification({
              id: m.id,
              channel: m.channel,
              to: m.to,
              status: 'sent',
              at: clock.now().toISOString(),
            })
          )
            delivered.push(m);
      },
    };
    setDeps({ store, clock, objects, queue });
    const context = { functionName: 'receipt', awsRequestId: 'faults' } as Context;
    const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const stored = async (unitId: string, obligationId: string) => {
      const req = uploadRequestSchema.parse({
        obligationId,
        period: '2026',
        fileName: '材料.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
      });
      const r = await requestUpload(
        { store, clock, objects, queue },
        { role: 'unit', sub: unitId, unitId },
        req,
      );
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: r.key, Body: PDF, ContentType: 'application/pdf' }),
      );
      return r;
    };
    const event = (key: string, i: number): SQSEvent => ({
      Records: [
        {
          messageId: `m-${i}-${randomBytes(3).toString('hex')}`,
          receiptHandle: 'h',
          body: JSON.stringify({
            Records: [
              {
                eventName: 'ObjectCreated:Post',
                eventTime: clock.now().toISOString(),
                s3: {
                  bucket: { name: bucket },
                  object: { key: key.split('/').map(encodeURIComponent).join('/') },
                },
              },
            ],
          }),
          ...sqsFields('uploads'),
        },
      ],
    });
    /** The receipt as SQS drives it: a failed record is received again (at most 5 times). */
    const handle = async (key: string, i: number) => {
      for (let receive = 1; receive <= 5; receive++) {
        const r = (await receipt(event(key, i), context)) as SQSBatchResponse;
        if (r.batchItemFailures.length === 0) return receive;
      }
      throw new Error(`${key} would be dead-lettered`);
    };

    const ROUNDS = 12;
    const all: Array<{ submissionId: string; unitId: string; obligationId: string }> = [];
    let retried = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const unitId = units[Math.floor(random() * UNITS)]!.unitId;
      const obligationId = random() < 0.5 ? 'law-study' : 'annual-summary';
      const a = await stored(unitId, obligationId);
      const b = await stored(unitId, obligationId); // the same slot
      const copies = 2 + Math.floor(random() * 2); // each event delivered 2 or 3 times at once
      const jobs = [a, b].flatMap((f) => Array.from({ length: copies }, (_, i) => () => handle(f.key, i)));
      for (let i = jobs.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
      }
      const receives = await Promise.all(jobs.map((job) => job()));
      retried += receives.filter((n) => n > 1).length;
      all.push({ ...a, unitId, obligationId }, { ...b, unitId, obligationId });
    }

    const bySlot = countBy(all.map((s) => `${s.obligationId}#${s.unitId}`));
    for (const s of all) {
      const sub = (await store.getSubmission(s.submissionId))!;
      expect(sub.state, s.submissionId).toBe('received');
      const trail = (await store.auditOf(s.unitId, 2026, { limit: 500 })).items;
      expect(
        trail.filter((e) => e.submissionId === s.submissionId && e.action === 'submission-received'),
      ).toHaveLength(1);
      expect(delivered.filter((m) => m.id === `receipt:${s.submissionId}:email:liaison`)).toHaveLength(1);
    }
    for (const [slotKey, n] of bySlot) {
      const [obligationId, unitId] = slotKey.split('#') as [string, string];
      const slot = (await store.getSlot(obligationId, '2026', unitId))!;
      const ofSlot = all.filter((s) => s.obligationId === obligationId && s.unitId === unitId);
      expect(
        ofSlot.map((s) => s.submissionId),
        slotKey,
      ).toContain(slot.latestSubmissionId);
      const received = trail(await store.auditOf(unitId, 2026, { limit: 500 }), obligationId);
      expect(received, slotKey).toBe(n);
    }
    expect(delivered.filter((m) => m.id.startsWith('receipt:'))).toHaveLength(all.length);
    console.log(
      `receipt races: ${ROUNDS} rounds, ${all.length} objects, ${retried} receives retried after a lost race, ` +
        `${delivered.length} receipts delivered`,
    );
  });
});

const trail = (page: { items: Array<{ action: string; obligationId?: string }> }, obligationId: string) =>
  page.items.filter((e) => e.action === 'submission-received' && e.obligationId === obligationId).length;
