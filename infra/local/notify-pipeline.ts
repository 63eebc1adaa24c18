// The local notification pipeline: sweep → queue → sender, as EventBridge Scheduler → Lambda →
// SQS → Lambda on AWS, with the very handlers (functions/sweep, functions/sender) and the real
// SES and End User Messaging SMS SDK clients pointed at the stand-ins.
//
// - rt.deps.queue: an in-process queue with SQS's rules: batches of ≤ 10 through the sender
//   handler as SQS events; a reported item failure is received again later, and after
//   MAX_RECEIVES receives goes to a dead-letter list (the stack's maxReceiveCount 5 + DLQ).
//   postpone(…, 'held') (SMS quiet hours) holds a message until that instant on the runtime
//   clock (so with /dev/clock at 21:00 an SMS waits until the clock passes 08:00);
//   postpone(…, 'retry') and DelaySeconds are real-time waits, scaled down (× RETRY_SCALE, at
//   most MAX_RETRY_MS) so tests stay fast. Messages are processed as soon as they are queued,
//   so the receipt emails of the uploads pipeline go out on their own. The queue mechanics are
//   ./local-queue.ts (shared with the uploads pipeline); the clock-based hold is here.
// - POST /dev/sweep { at? } runs the sweep handler with a scheduler-shaped event, then drains
//   the queue and answers the SPEC's summary with the sends counted during the drain.
// - GET /dev/outbox reads the SES stand-in's /store and the SMS stand-in's /__messages.
// - A timer sweeps daily at 09:00 Asia/Shanghai (real time) while the runtime runs.
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESClient } from '@aws-sdk/client-ses';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { handler as sender } from '../../functions/sender/handler';
import { handler as sweepHandler } from '../../functions/sweep/handler';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { PinpointSmsSender } from '../../shared/adapters/sms-sender';
import type { Clock, Mailer, MessageQueue, OutgoingMessage, SmsSender } from '../../shared/app/ports';
import type { ReconcileSummary } from '../../shared/app/reconcile';
import type { SweepSummary } from '../../shared/app/sweep';
import { startOfDay, shanghaiDate, addDays } from '../../shared/domain/dates';
import { errorBody } from '../../shared/http/router';
import { type QueuedMessage, startLocalQueue } from './local-queue';
import type { LocalRuntime } from './server';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './standins';
import { redact } from '../../shared/adapters/logger';

export { BATCH_SIZE, MAX_RECEIVES } from './local-queue';
const RETRY_SCALE = 0.005; // 10 s of SQS back-off → 50 ms here
const MAX_RETRY_MS = 1000;
const HOLD_CHECK_MS = 250;

type Msg = QueuedMessage;
type Postponed = { seconds: number; reason: 'held' | 'retry' };

export type NotifyQueue = MessageQueue & {
  /** Releases held messages whose time has come (runtime clock), then waits until nothing is ready, waiting or in flight. */
  drain(): Promise<void>;
  /** Messages held for SMS quiet hours, with the instant they are released. */
  held: Array<{ msg: Msg; until: number }>;
  deadLetters: Msg[];
  close(): Promise<void>;
};

/** An in-process queue with SQS's rules that hands batches to `consume` (the sender handler). */
export function startNotifyQueue(
  consume: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>,
  clock: Clock,
): NotifyQueue {
  const held: NotifyQueue['held'] = [];
  const queue = startLocalQueue<Postponed>({
    name: 'notify',
    consume,
    retry(m, p) {
      if (p?.reason === 'held') {
        held.push({ msg: m, until: clock.now().getTime() + p.seconds * 1000 });
        return 'taken';
      }
      const ms = p ? p.seconds * 1000 * RETRY_SCALE : 50 * m.receives;
      return { delayMs: Math.min(MAX_RETRY_MS, ms) };
    },
  });
  /** Puts the held messages whose instant has passed on the runtime clock back in line. */
  const release = () => {
    const now = clock.now().getTime();
    const due: Msg[] = [];
    for (let i = held.length - 1; i >= 0; i--) {
      if (held[i]!.until <= now) due.push(held.splice(i, 1)[0]!.msg);
    }
    queue.requeue(due);
  };
  const tick = setInterval(release, HOLD_CHECK_MS);
  tick.unref();

  return {
    held,
    deadLetters: queue.deadLetters,
    async enqueue(messages: OutgoingMessage[], opts: { delaySeconds?: number } = {}) {
      if (queue.closed) throw new Error('the notify queue is closed');
      const delayMs = Math.min(MAX_RETRY_MS, (opts.delaySeconds ?? 0) * 1000 * RETRY_SCALE);
      const bodies = messages.map((m) => JSON.stringify(m));
      queue.send(bodies, { delayMs });
    },
    async postpone(received, seconds, reason) {
      queue.postpone(received.receiptHandle, { seconds, reason });
    },
    drain: () => {
      release();
      return queue.idle();
    },
    close() {
      clearInterval(tick);
      return queue.close();
    },
  };
}

/** Counts successful sends (the /dev/sweep summary's `sent`). */
class Counted<T extends Mailer | SmsSender> {
  count = 0;
  constructor(readonly inner: T) {}
  async send(input: Parameters<T['send']>[0]): Promise<void> {
    await (this.inner.send as (i: typeof input) => Promise<void>)(input);
    this.count++;
  }
}

export type NotifyPipeline = {
  queue: NotifyQueue;
  /** Runs the sweep handler as of `at` (default: the runtime clock) and delivers what it queued. */
  /** The sweep's summary, with what the local pipeline then sent (Lambda's sender counts its own). */
  sweep(
    at?: Date,
  ): Promise<SweepSummary & { reconciled?: ReconcileSummary; sent: { email: number; sms: number } }>;
  /** Delivers everything that can go now. */
  drain(): Promise<void>;
  outbox(): Promise<Outbox>;
  /** Empties both stand-ins' stores. */
  clearOutbox(): Promise<void>;
  sent: { email: number; sms: number };
};

export type Outbox = {
  emails: Array<{ to: string; subject: string; text: string; at: string }>;
  sms: Array<{ to: string; text: string; at: string }>;
};

const pipelines = new WeakMap<LocalRuntime, NotifyPipeline>();

/** The notification pipeline of a runtime started with this plugin. */
export function notifyPipeline(rt: LocalRuntime): NotifyPipeline {
  const p = pipelines.get(rt);
  if (!p) throw new Error('the notify pipeline is not installed on this runtime');
  return p;
}

/** ms from `now` until the next 09:00 Asia/Shanghai. */
export function msUntilNextSweep(now: Date, hour = 9): number {
  const today = shanghaiDate(now);
  let next = startOfDay(today).getTime() + hour * 3600_000;
  if (next <= now.getTime()) next = startOfDay(addDays(today, 1)).getTime() + hour * 3600_000;
  return next - now.getTime();
}

type SesStore = {
  emails: Array<{
    destination: { to: string[] };
    subject: string;
    body: { text?: string; html?: string };
    at: number;
  }>;
};

export async function notifyPipelinePlugin(rt: LocalRuntime): Promise<void> {
  // One batch at a time here, so the sender may use the whole SES rate of the settings.
  process.env.SENDER_CONCURRENCY ??= '1';
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  // maxAttempts 1: throttling reaches our own retry rules (the ones under test), not the SDK's.
  const mailer = new Counted(new SesMailer(new SESClient({ ...common, endpoint: rt.endpoints.ses })));
  const sms = new Counted(
    new PinpointSmsSender(new PinpointSMSVoiceV2Client({ ...common, endpoint: rt.endpoints.sms })),
  );
  const context = { functionName: 'sender', awsRequestId: 'local' } as Context;
  const queue = startNotifyQueue(
    async (event) => (await sender(event, context)) as SQSBatchResponse,
    rt.clock,
  );
  rt.deps.mailer = mailer;
  rt.deps.sms = sms;
  rt.deps.queue = queue;

  let running: Promise<unknown> = Promise.resolve();
  const pipeline: NotifyPipeline = {
    queue,
    get sent() {
      return { email: mailer.count, sms: sms.count };
    },
    drain: () => queue.drain(),
    sweep(at) {
      // One sweep at a time, as the schedule runs one invocation a day.
      const run = running.then(async () => {
        const before = { email: mailer.count, sms: sms.count };
        const summary = (await sweepHandler({ at: (at ?? rt.clock.now()).toISOString() })) as SweepSummary & {
          reconciled?: ReconcileSummary;
        };
        await queue.drain();
        return { ...summary, sent: { email: mailer.count - before.email, sms: sms.count - before.sms } };
      });
      running = run.catch(() => undefined);
      return run;
    },
    async outbox() {
      const [ses, text] = await Promise.all([
        fetch(`${rt.endpoints.ses}/store`).then((r) => r.json() as Promise<SesStore>),
        fetch(`${rt.endpoints.sms}/__messages`).then((r) => r.json() as Promise<{ messages: Outbox['sms'] }>),
      ]);
      return {
        emails: ses.emails.map((e) => ({
          to: e.destination.to.join(', '),
          subject: e.subject,
          text: e.body.text ?? e.body.html ?? '',
          at: new Date(e.at * 1000).toISOString(),
        })),
        sms: text.messages.map((m) => ({ to: m.to, text: m.text, at: m.at })),
      };
    },
    async clearOutbox() {
      await Promise.all([
        fetch(`${rt.endpoints.ses}/clear-store`, { method: 'POST' }),
        fetch(`${rt.endpoints.sms}/__clear`, { method: 'POST' }),
      ]);
    },
  };
  pipelines.set(rt, pipeline);

  rt.dev.set('POST /dev/sweep', async ({ body }) => {
    const b = z.object({ at: z.iso.datetime({ offset: true }).optional() }).safeParse(body ?? {});
    if (!b.success) {
      return {
        status: 400,
        body: errorBody('invalid_input', 'invalid body', [{ field: 'at', message: 'ISO-8601 instant' }]),
      };
    }
    return { body: await pipeline.sweep(b.data.at ? new Date(b.data.at) : undefined) };
  });
  rt.dev.set('GET /dev/outbox', async () => ({ body: await pipeline.outbox() }));

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      pipeline
        .sweep()
        .then((s) =>
          console.log(
            `daily sweep ${s.at}: ${s.reminders} reminders, ${s.escalations} escalations, ${s.digests} digest`,
          ),
        )
        .catch((err) =>
          console.error('daily sweep failed', redact(err instanceof Error ? err.message : String(err))),
        )
        .finally(schedule);
    }, msUntilNextSweep(new Date()));
    timer.unref();
  };
  // The tests turn it off (vitest.config.ts): a sweep at 09:00 Shanghai in the middle of a run would
  // change what the run counts, and no test may depend on the hour it starts at.
  if (process.env.LOCAL_DAILY_SWEEP !== 'off') schedule();
  rt.onStop.push(async () => {
    if (timer) clearTimeout(timer);
    await running;
    await queue.close();
  });
}
