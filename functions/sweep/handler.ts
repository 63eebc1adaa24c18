// EventBridge Scheduler, daily 09:00 Asia/Shanghai → the deadline sweep. The schedule's input
// may name the instant (`{ "at": "<aws.scheduler.scheduled-time>" }`, so a late retry still
// sweeps the scheduled day); an EventBridge-style event's `time` is used the same way; else now.
import '../../shared/adapters/wire/metrics';
import '../../shared/adapters/wire/queue';
import * as z from 'zod';
import { deps, need } from '../../shared/adapters/container';
import { METRIC, noMetrics } from '../../shared/app/metrics';
import { sweep } from '../../shared/app/sweep';
import { logger } from '../../shared/adapters/logger';

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
    const summary = await sweep(
      { store: need('store'), queue: need('queue'), webBaseUrl: d.webBaseUrl, metrics },
      at,
    );
    const ms = Date.now() - started;
    metrics.add(METRIC.sweepDuration, ms);
    logger.info('sweep done', { ...summary, ms });
    return summary;
  } finally {
    metrics.publish();
  }
};
