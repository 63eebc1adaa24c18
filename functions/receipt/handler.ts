// SQS (fed by S3 object-created notifications) → record each uploaded object. Partial batch
// failures: a record that throws is retried by SQS alone, and lands in the DLQ after maxReceiveCount.
import { emfMetrics } from '../../shared/adapters/wire/metrics';
import { bucketReader } from '../../shared/adapters/wire/s3-reader';
import { notifyQueue } from '../../shared/adapters/wire/queue';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { deps as container, need, needReader, useAdapters } from '../../shared/adapters/container';
import { METRIC, noMetrics } from '../../shared/app/metrics';
import { decodeS3Key, recordUpload } from '../../shared/app/receipt';
import { logger } from '../../shared/adapters/logger';

useAdapters({ metrics: emfMetrics, reader: bucketReader, queue: notifyQueue });

const s3Record = z.object({
  eventName: z.string(),
  eventTime: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
/** An S3 notification, or the `s3:TestEvent` S3 sends when the notification is configured. */
export const notificationSchema = z.union([
  z.object({ Records: z.array(s3Record) }),
  z.object({ Event: z.literal('s3:TestEvent') }),
]);

const metrics = () => container().metrics ?? noMetrics;

async function recordHandler(record: SQSRecord) {
  const body = notificationSchema.parse(JSON.parse(record.body));
  if (!('Records' in body)) return;
  for (const r of body.Records) {
    if (!r.eventName.startsWith('ObjectCreated:')) continue;
    const key = decodeS3Key(r.s3.object.key);
    const deps = {
      store: need('store'),
      clock: need('clock'),
      objects: needReader(),
      queue: need('queue'),
      webBaseUrl: container().webBaseUrl,
    };
    try {
      const outcome = await recordUpload(deps, { key, eventTime: r.eventTime, size: r.s3.object.size });
      if (outcome === 'received') metrics().add(METRIC.receiptsReceived);
      if (outcome === 'rejected') metrics().add(METRIC.receiptsRejected);
      logger.info('object recorded', { key, outcome });
    } catch (err) {
      logger.error('object not recorded; SQS will retry', {
        key,
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  }
}

// A processor per invocation: it holds the batch's state, and the local runtime may run batches side by side.
export const handler = async (event: SQSEvent, context: Context) => {
  try {
    return await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      context,
      // Always answer with batchItemFailures (a full failure is retried the same way).
      throwOnFullBatchFailure: false,
    });
  } finally {
    metrics().publish();
  }
};
