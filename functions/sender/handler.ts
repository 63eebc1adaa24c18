// SQS (notify queue) → deliver each message once (shared/app/deliver.ts). Partial batch failures:
// - throttled → a fresh copy is queued with DelaySeconds (exponential back-off, ≤ 15 min) and this
//   one is done: throttling is retried for as long as it lasts and never counts toward the DLQ's
//   maxReceiveCount (the same id makes the copy harmless: the claim is in state 'retry');
// - another attempt of the same id in flight → item failure after ChangeMessageVisibility with
//   back-off; anything unexpected → item failure (SQS retries, then the DLQ, which alarms);
// - an SMS in quiet hours (HeldUntil) → item failure, visible again at 08:00 Asia/Shanghai
//   (ChangeMessageVisibility, ≤ 12 h; a hold is one receive);
// - a permanent failure is recorded by deliver() and is a success here: it never blocks the batch.
// Pace: at most settings.sesRatePerSecond / concurrency() sends per second per instance
// (the event source runs at most SENDER_CONCURRENCY batches at once).
import '../../shared/adapters/wire/queue';
import '../../shared/adapters/wire/senders';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { deps, need } from '../../shared/adapters/container';
import { getSettings } from '../../shared/app/admin';
import { deliver, HeldUntil, InFlight } from '../../shared/app/deliver';
import { ThrottledError } from '../../shared/app/ports';
import { Pacer } from '../../shared/app/pacer';
import { logger } from '../../shared/http/logger';

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
});

/** Back-off before the n-th retry: 10 s · 2^(n−1), at most 15 min (SQS's longest delay), with jitter. */
export const backoffSeconds = (n: number) =>
  Math.min(900, 10 * 2 ** Math.max(0, n - 1) * (0.75 + Math.random() / 2));

export const handler = async (event: SQSEvent, context: Context) => {
  const d = deps();
  const settings = await getSettings(d.store);
  pacer.setRate(settings.sesRatePerSecond / concurrency());
  const one = async (record: SQSRecord) => {
    const msg = messageSchema.parse(JSON.parse(record.body));
    const now = d.clock.now();
    try {
      const outcome = await deliver(d, msg, now, {
        settings,
        pace: (ch) => (ch === 'email' ? pacer.take() : Promise.resolve()),
      });
      logger.info('notification', { kind: msg.kind, channel: msg.channel, outcome });
    } catch (err) {
      const queue = need('queue');
      if (err instanceof ThrottledError) {
        const throttled = (msg.throttled ?? 0) + 1;
        await queue.enqueue([{ ...msg, throttled }], { delaySeconds: backoffSeconds(throttled) });
        logger.info('notification throttled; queued again', {
          kind: msg.kind,
          channel: msg.channel,
          throttled,
        });
        return;
      }
      if (err instanceof HeldUntil) {
        await queue.postpone?.(record, (err.until.getTime() - now.getTime()) / 1000, 'held');
      } else if (err instanceof InFlight) {
        const receives = Number(record.attributes.ApproximateReceiveCount ?? 1);
        await queue.postpone?.(record, backoffSeconds(receives), 'retry');
      }
      logger.warn('notification not delivered now; SQS will retry', {
        kind: msg.kind,
        channel: msg.channel,
        error: err instanceof Error ? err.name : 'unknown',
      });
      throw err;
    }
  };
  return processPartialResponse(event, one, new BatchProcessor(EventType.SQS), {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
};
