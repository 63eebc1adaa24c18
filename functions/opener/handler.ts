// SQS (the slot-opening jobs' queue) → open one obligation's slots for a shard of ≤ 200 units
// (shared/app/slot-opening.ts). Idempotent: a slot that exists is left as it is, so a redelivered
// job opens nothing twice. Partial batch failures: a job that throws is retried by SQS, then the
// DLQ alarms; a body that is not a job is dropped (retrying will not change it) and logged.
// The request notices (报送通知) owed today by the slots a job opens go to the notify queue.
import { notifyQueue } from '../../shared/adapters/wire/queue';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { deps, useAdapters } from '../../shared/adapters/container';
import { openSlotsJobSchema, runOpeningJob } from '../../shared/app/slot-opening';
import { logger } from '../../shared/adapters/logger';

useAdapters({ queue: notifyQueue });

export const handler = async (event: SQSEvent, context: Context) => {
  const d = deps();
  const one = async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const job = openSlotsJobSchema.safeParse(body);
    if (!job.success) {
      logger.warn('slot-opening job ignored: not a job', {
        fields: job.error.issues.map((i) => i.path.join('.') || '(body)'),
      });
      return;
    }
    const opened = await runOpeningJob(
      { store: d.store, queue: d.queue, webBaseUrl: d.webBaseUrl },
      job.data,
      d.clock.now(),
    );
    logger.info('slots opened', {
      year: job.data.year,
      obligationId: job.data.obligationId,
      units: job.data.unitIds.length,
      opened,
    });
  };
  return processPartialResponse(event, one, new BatchProcessor(EventType.SQS), {
    context,
    throwOnFullBatchFailure: false,
  });
};
