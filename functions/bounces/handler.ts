// SQS (fed by an EventBridge rule on the SES configuration set's bounce and complaint events) →
// mark the contact address as bouncing on the unit its email was for (the `unitId` message tag).
// Hard bounces and complaints mark; a transient (soft) bounce is only counted. Nothing here logs
// an address. Partial batch failures: a record that throws is retried by SQS, then the DLQ alarms.
import { emfMetrics } from '../../shared/adapters/wire/metrics';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { deps, useAdapters } from '../../shared/adapters/container';
import { recordBounce } from '../../shared/app/bounces';
import { METRIC, noMetrics } from '../../shared/app/metrics';
import { logger } from '../../shared/adapters/logger';

useAdapters({ metrics: emfMetrics });

const recipients = z.array(z.looseObject({ emailAddress: z.string().min(1) })).min(1);
/** The parts of an SES event (as EventBridge delivers it) this handler reads. */
export const sesEventSchema = z.looseObject({
  'detail-type': z.string(),
  time: z.iso.datetime({ offset: true }).optional(),
  detail: z.looseObject({
    eventType: z.enum(['Bounce', 'Complaint']),
    bounce: z.looseObject({ bounceType: z.string(), bouncedRecipients: recipients }).optional(),
    complaint: z.looseObject({ complainedRecipients: recipients }).optional(),
    mail: z.looseObject({
      timestamp: z.string().optional(),
      tags: z.record(z.string(), z.array(z.string())).default({}),
    }),
  }),
});

export const handler = async (event: SQSEvent, context: Context) => {
  const d = deps();
  const metrics = d.metrics ?? noMetrics;
  const one = async (record: SQSRecord) => {
    const parsed = sesEventSchema.safeParse(JSON.parse(record.body));
    if (!parsed.success) {
      // Not an event we asked for: retrying will not change it.
      logger.warn('bounce event ignored: unexpected shape', {
        fields: parsed.error.issues.map((i) => i.path.join('.')),
      });
      return;
    }
    const { detail, time } = parsed.data;
    const unitId = detail.mail.tags.unitId?.[0];
    const hard = detail.eventType === 'Complaint' || detail.bounce?.bounceType === 'Permanent';
    const addresses = (detail.bounce?.bouncedRecipients ?? detail.complaint?.complainedRecipients ?? []).map(
      (r) => r.emailAddress,
    );
    if (!unitId || !hard) {
      logger.info('bounce event not recorded', {
        eventType: detail.eventType,
        bounceType: detail.bounce?.bounceType,
        reason: unitId ? 'transient bounce' : 'no unitId tag (an office email)',
      });
      return;
    }
    const marked = await recordBounce(d.store, {
      unitId,
      addresses,
      type: detail.eventType === 'Bounce' ? 'bounce' : 'complaint',
      at: time ? new Date(time) : d.clock.now(),
    });
    if (marked) metrics.add(METRIC.bouncesRecorded, marked);
    logger.info('bounce event recorded', { unitId, eventType: detail.eventType, marked });
  };
  try {
    return await processPartialResponse(event, one, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
  } finally {
    metrics.publish();
  }
};
