// EventBridge Scheduler, daily 09:00 Asia/Shanghai → the reconciliation of uploads, then the
// deadline sweep. The schedule's input may name the instant (`{ "at":
// "<aws.scheduler.scheduled-time>" }`, so a late retry still sweeps the scheduled day); an
// EventBridge-style event's `time` is used the same way; else now.
//
// The reconciliation (shared/app/reconcile.ts: stored objects that never got a receipt are
// recorded) runs first, so a unit whose file was stored is not reminded of it; if it fails, the
// sweep still runs (reminders go out) and the invocation then fails, so Lambda retries both
// (each is idempotent) and, after the retries, the on-failure queue's alarm fires.
import { emfMetrics } from '../../shared/adapters/wire/metrics';
import { slotOpener } from '../../shared/adapters/wire/opener';
import { notifyQueue } from '../../shared/adapters/wire/queue';
import { bucketReader } from '../../shared/adapters/wire/s3-reader';
import * as z from 'zod';
import { deps, need, useAdapters } from '../../shared/adapters/container';
import { METRIC, noMetrics } from '../../shared/app/metrics';
import { type ReconcileSummary, reconcileUploads } from '../../shared/app/reconcile';
import { sweep } from '../../shared/app/sweep';
import { logger } from '../../shared/adapters/logger';

useAdapters({ metrics: emfMetrics, queue: notifyQueue, reader: bucketReader, opener: slotOpener });

const instant = z.iso.datetime({ offset: true });
export const sweepEventSchema = z
  .looseObject({ at: instant.optional(), time: instant.optional() })
  .nullish()
  .transform((e) => e?.at ?? e?.time);

export const handler = async (event: unknown) => {
  const parsed = sweepEventSchema.safeParse(event);
  if (!parsed.success)
    throw new Error(`invalid sweep event: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  const at = parsed.data ? new Date(parsed.data) : deps().clock.now();
  const metrics = deps().metrics ?? noMetrics;
  const started = Date.now();
  const d = deps();
  try {
    let reconciled: ReconcileSummary | undefined;
    let reconcileError: string | undefined;
    // On Lambda the bucket's reader is always wired (bucketReader, ./wire/s3-reader); a local runtime started
    // without the uploads pipeline has no bucket, and nothing to reconcile.
    const objects = d.reader ?? d.objects;
    try {
      if (objects) {
        reconciled = await reconcileUploads(
          {
            store: need('store'),
            clock: need('clock'),
            objects,
            queue: need('queue'),
            webBaseUrl: d.webBaseUrl,
            log: d.log,
          },
          at,
        );
        if (reconciled.failed) reconcileError = `${reconciled.failed} object(s) not recorded`;
      }
    } catch (err) {
      reconcileError = err instanceof Error ? err.message : String(err);
    }
    const summary = await sweep(
      { store: need('store'), queue: need('queue'), webBaseUrl: d.webBaseUrl, metrics, opener: d.opener },
      at,
    );
    const ms = Date.now() - started;
    metrics.add(METRIC.sweepDuration, ms);
    logger.info('sweep done', { ...summary, reconciled, ms });
    if (reconcileError) {
      logger.error('reconciliation failed; the invocation fails so Lambda retries it', {
        error: reconcileError,
      });
      throw new Error(`reconciliation of uploads failed: ${reconcileError}`);
    }
    return { ...summary, reconciled };
  } finally {
    metrics.publish();
  }
};
