// SQS (notify queue) → deliver each message once (shared/app/deliver.ts). Partial batch failures:
// - throttled → a fresh copy is queued with DelaySeconds (exponential back-off, ≤ 15 min) and this
//   one is done: throttling is retried for as long as it lasts and never counts toward the DLQ's
//   maxReceiveCount (the same id makes the copy harmless: the claim is in state 'retry');
// - another attempt of the same id in flight → item failure after ChangeMessageVisibility with
//   back-off; anything unexpected → item failure (SQS retries, then the DLQ, which alarms);
// - an SMS in quiet hours (HeldUntil) → item failure, visible again at 08:00 Asia/Shanghai
//   (ChangeMessageVisibility, ≤ 12 h; a hold is one receive);
// - a permanent failure is recorded by deliver() and is a success here: it never blocks the batch;
// - a misconfigured channel (SendConfigError: unverified SES identity, wrong SMS origination
//   identity) pauses that channel for PAUSE_SECONDS (a marker every sender instance reads): the
//   message and every later one of the channel go back on the queue untried, with a delay, not
//   counted toward the DLQ; one SendConfigError metric per probe raises one alarm. After the
//   pause the next message probes again. A message deferred MAX_DEFERRALS times is given up
//   (recorded failed, audited), so nothing circulates forever;
// - an email to an address that bounces or complained (marked on its unit by the bounce handler)
//   is skipped and recorded with the reason (deliver()'s `suppressed`).
// Pace: at most settings.sesRatePerSecond / concurrency() sends in any one second per instance
// (the event source runs at most SENDER_CONCURRENCY batches at once; shared/app/pacer.ts).
// A batch's records are delivered concurrently (each has its own claim; the pacer spaces the
// sends), except that the first message of each channel in a batch goes alone: a misconfigured
// channel is probed by one message, and the others see the pause before they claim anything.
import '../../shared/adapters/wire/metrics';
import '../../shared/adapters/wire/queue';
import '../../shared/adapters/wire/senders';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { deps, need } from '../../shared/adapters/container';
import { getSettings } from '../../shared/app/admin';
import { bouncingReason } from '../../shared/app/bounces';
import { deliver, giveUp, HeldUntil, InFlight } from '../../shared/app/deliver';
import { type Channel, METRIC, noMetrics } from '../../shared/app/metrics';
import { SendConfigError, ThrottledError } from '../../shared/app/ports';
import { Pacer } from '../../shared/app/pacer';
import { logger } from '../../shared/adapters/logger';
import { SMS_TEMPLATE_IDS } from '../../shared/domain/sms-templates';

/** Batches the event source runs at once (the stack's maxConcurrency); the local runtime runs 1. */
const concurrency = () => Number(process.env.SENDER_CONCURRENCY ?? 2);
const pacer = new Pacer(7);

export const messageSchema = z.object({
  id: z.string().min(1).max(1000),
  channel: z.enum(['email', 'sms']),
  to: z.string().min(1),
  subject: z.string().optional(),
  text: z.string().min(1),
  unitId: z.string().min(1),
  obligationId: z.string().optional(),
  period: z.string().optional(),
  kind: z.string().min(1),
  recipient: z.string().optional(),
  throttled: z.number().int().min(0).optional(),
  template: z
    .object({ template: z.enum(SMS_TEMPLATE_IDS), params: z.record(z.string(), z.string().max(500)) })
    .optional(),
  deferred: z.number().int().min(0).optional(),
});

/** How long a misconfigured channel is paused before the next message probes it again. */
export const PAUSE_SECONDS = 900;
/** Deferrals (× PAUSE_SECONDS) before a message is given up: three days. */
export const MAX_DEFERRALS = 288;
export const pauseMarker = (channel: Channel) => `send-paused#${channel}`;

/** Back-off before the n-th retry: 10 s · 2^(n−1), at most 15 min (SQS's longest delay), with jitter. */
export const backoffSeconds = (n: number) =>
  Math.min(900, 10 * 2 ** Math.max(0, n - 1) * (0.75 + Math.random() / 2));

export const handler = async (event: SQSEvent, context: Context) => {
  const d = deps();
  const metrics = d.metrics ?? noMetrics;
  const messages = event.Records.map((r) => {
    const parsed = messageSchema.safeParse(JSON.parse(r.body));
    return parsed.success ? parsed.data : null;
  });
  const unitIds = [...new Set(messages.flatMap((m) => (m?.channel === 'email' ? [m.unitId] : [])))];
  const [settings, pausedEmail, pausedSms, units] = await Promise.all([
    getSettings(d.store),
    d.store.getMarker(pauseMarker('email')),
    d.store.getMarker(pauseMarker('sms')),
    unitIds.length ? d.store.getUnits(unitIds) : new Map(),
  ]);
  /** Until when each channel is paused (epoch ms; 0 = not paused). */
  const paused: Record<Channel, number> = {
    email: pausedEmail ? Date.parse(pausedEmail) : 0,
    sms: pausedSms ? Date.parse(pausedSms) : 0,
  };
  pacer.setRate(settings.sesRatePerSecond / concurrency());
  const queue = () => need('queue');

  /** Puts the message back untried until the channel's pause ends (or gives it up). */
  const defer = async (msg: z.infer<typeof messageSchema>, now: Date) => {
    const deferred = (msg.deferred ?? 0) + 1;
    if (deferred > MAX_DEFERRALS) {
      await giveUp(d, msg, now, 'sending stayed misconfigured; given up');
      metrics.add(METRIC.notificationsFailed, 1, { channel: msg.channel });
      return;
    }
    const seconds = Math.min(900, Math.max(1, Math.ceil((paused[msg.channel] - now.getTime()) / 1000)));
    await queue().enqueue([{ ...msg, deferred }], { delaySeconds: seconds });
    metrics.add(METRIC.notificationsDeferred, 1, { channel: msg.channel });
  };

  /** Per channel: settles when the batch's first message of that channel has been tried. */
  const probes: Partial<Record<Channel, Promise<unknown>>> = {};
  const one = async (record: SQSRecord) => {
    const msg = messageSchema.parse(JSON.parse(record.body));
    const probe = probes[msg.channel];
    if (probe) await probe.catch(() => undefined);
    else {
      const attempt = attemptOne(record, msg);
      probes[msg.channel] = attempt;
      return attempt;
    }
    return attemptOne(record, msg);
  };
  const attemptOne = async (record: SQSRecord, msg: z.infer<typeof messageSchema>) => {
    const now = d.clock.now();
    if (paused[msg.channel] > now.getTime()) return defer(msg, now);
    try {
      const outcome = await deliver(d, msg, now, {
        settings,
        pace: (ch) => (ch === 'email' ? pacer.take() : Promise.resolve()),
        suppressed: (m) => (m.channel === 'email' ? bouncingReason(units.get(m.unitId), m.to) : undefined),
      });
      if (outcome === 'sent') metrics.add(METRIC.notificationsSent, 1, { channel: msg.channel });
      if (outcome === 'failed') metrics.add(METRIC.notificationsFailed, 1, { channel: msg.channel });
      if (outcome === 'suppressed') metrics.add(METRIC.notificationsSuppressed, 1, { channel: msg.channel });
      logger.info('notification', { kind: msg.kind, channel: msg.channel, outcome });
    } catch (err) {
      if (err instanceof SendConfigError) {
        // One clear signal, then quiet: pause the channel for every sender instance.
        paused[msg.channel] = now.getTime() + PAUSE_SECONDS * 1000;
        await d.store.setMarker(pauseMarker(msg.channel), new Date(paused[msg.channel]).toISOString());
        metrics.add(METRIC.sendConfigError, 1, { channel: msg.channel });
        logger.error('sending is misconfigured; channel paused', {
          channel: msg.channel,
          error: err.message,
          pausedSeconds: PAUSE_SECONDS,
        });
        return defer(msg, now);
      }
      if (err instanceof ThrottledError) {
        const throttled = (msg.throttled ?? 0) + 1;
        await queue().enqueue([{ ...msg, throttled }], { delaySeconds: backoffSeconds(throttled) });
        metrics.add(METRIC.notificationsThrottled, 1, { channel: msg.channel });
        logger.info('notification throttled; queued again', {
          kind: msg.kind,
          channel: msg.channel,
          throttled,
        });
        return;
      }
      if (err instanceof HeldUntil) {
        await queue().postpone?.(record, (err.until.getTime() - now.getTime()) / 1000, 'held');
      } else if (err instanceof InFlight) {
        const receives = Number(record.attributes.ApproximateReceiveCount ?? 1);
        await queue().postpone?.(record, backoffSeconds(receives), 'retry');
      }
      logger.warn('notification not delivered now; SQS will retry', {
        kind: msg.kind,
        channel: msg.channel,
        error: err instanceof Error ? err.name : 'unknown',
      });
      throw err;
    }
  };
  try {
    return await processPartialResponse(event, one, new BatchProcessor(EventType.SQS), {
      context,
      processInParallel: true,
      throwOnFullBatchFailure: false,
    });
  } finally {
    metrics.publish();
  }
};
