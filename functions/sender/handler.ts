// SQS (notify queue) → each notification delivered once. Only translates: SQS records to the app's
// `Received` and its outcome to a partial batch response; the mechanics (pacing, back-off, quiet
// hours, pausing a misconfigured channel) are in shared/app/send-batch.ts.
import { emfMetrics } from '../../shared/adapters/wire/metrics';
import { notifyQueue } from '../../shared/adapters/wire/queue';
import { mailer, smsSender } from '../../shared/adapters/wire/senders';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { senderInstances } from '../../shared/adapters/config';
import { deps, useAdapters } from '../../shared/adapters/container';
import { logger } from '../../shared/adapters/logger';
import { noMetrics } from '../../shared/app/metrics';
import { BatchSender, type Received } from '../../shared/app/send-batch';

useAdapters({ metrics: emfMetrics, queue: notifyQueue, mailer, sms: smsSender });

/** One per container: its pacer spans the batches this instance handles. */
const sender = new BatchSender();

const received = (r: SQSRecord): Received => ({
  body: r.body,
  receiveCount: Number(r.attributes.ApproximateReceiveCount ?? 1),
  handle: r,
});

export const handler = async (event: SQSEvent, context: Context) => {
  const d = { ...deps(), log: logger };
  const one = await sender.begin(
    d,
    event.Records.map((r) => r.body),
    senderInstances(),
  );
  try {
    return await processPartialResponse(
      event,
      (r: SQSRecord) => one(received(r)),
      new BatchProcessor(EventType.SQS),
      {
        context,
        processInParallel: true,
        throwOnFullBatchFailure: false,
      },
    );
  } finally {
    (d.metrics ?? noMetrics).publish();
  }
};
