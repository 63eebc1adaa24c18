// Review (SPEC §4.4): the office accepts the latest received version or returns it for revision.
import * as z from 'zod';
import { shanghaiDate, yearOf } from '../domain/dates';
import { conflict, forbidden, invalid, notFound } from '../domain/errors';
import { slotLink } from '../domain/links';
import { returnedMessage } from '../domain/messages';
import { isoDate, type Principal, type Slot, type Submission } from '../domain/model';
import { multilineText } from '../domain/text';
import { applySlotEvent, resubmitDate } from '../domain/slotState';
import { actorOf, audit } from './audit';
import { loadCalendar } from './calendar';
import { retryOnConflict } from './retry';
import { submissionView } from './views';

import { toLiaisons, type UploadDeps } from './submissions';
import { yearOfPeriod } from '../domain/due';

export const reviewSchema = z.strictObject({
  decision: z.enum(['accept', 'return']),
  comment: multilineText(2000).optional(),
  resubmitBy: isoDate.optional(),
});
export type ReviewRequest = z.infer<typeof reviewSchema>;

export async function review(
  d: Pick<UploadDeps, 'store' | 'clock' | 'queue' | 'webBaseUrl' | 'log'>,
  principal: Principal | null,
  id: string,
  body: ReviewRequest,
) {
  if (principal?.role !== 'office') throw forbidden('office staff only');
  if (body.decision === 'accept' && body.resubmitBy)
    throw invalid('resubmitBy', 'only for decision "return"');
  return retryOnConflict(
    async () => {
      const now = d.clock.now();
      const today = shanghaiDate(now);
      const sub = await d.store.getSubmission(id);
      if (!sub) throw notFound(`submission ${id}`);
      if (sub.state !== 'received')
        throw conflict(`the submission is ${sub.state}; only a received one can be reviewed`);
      const [slot, ob] = await Promise.all([
        d.store.getSlot(sub.obligationId, sub.period, sub.unitId),
        d.store.getObligation(sub.obligationId),
      ]);
      if (!slot || !ob) throw notFound(`slot of submission ${id}`);
      if (slot.latestSubmissionId !== id)
        throw conflict('a newer version of this report exists; review that one');
      const cal = await loadCalendar(d.store, [yearOfPeriod(sub.period), yearOf(today)]);
      const resubmitBy = body.decision === 'return' ? resubmitDate(cal, today, body.resubmitBy) : undefined;
      const next = applySlotEvent(
        cal,
        ob,
        slot,
        resubmitBy ? { type: 'returned', resubmitBy } : { type: 'accepted' },
        today,
      );
      const decision = {
        decision: body.decision,
        ...(body.comment ? { comment: body.comment } : {}),
        ...(resubmitBy ? { resubmitBy } : {}),
        by: actorOf(principal),
        at: now.toISOString(),
      };
      const done: Submission = {
        ...sub,
        state: body.decision === 'accept' ? 'accepted' : 'returned',
        review: decision,
      };
      await d.store.write([
        { type: 'putSubmission', submission: done, ifState: 'received' },
        { type: 'putSlot', slot: next, ifVersion: slot.version },
        audit({
          unitId: sub.unitId,
          at: now,
          actor: actorOf(principal),
          action: body.decision === 'accept' ? 'submission-accepted' : 'submission-returned',
          obligationId: sub.obligationId,
          period: sub.period,
          submissionId: id,
          detail: { ...decision, slot: { from: slot.state, to: next.state, version: next.version } },
        }),
      ]);
      if (resubmitBy) await notifyReturned(d, done, next, resubmitBy, today);
      return submissionView(done);
    },
    () => conflict('the submission or its slot changed meanwhile; try again'),
  );
}

/**
 * The 退回修改 notice to the liaisons. The review is already committed: a failure to enqueue is
 * logged, not thrown (a retry would only meet a 409); the sweep's reminders for the returned slot,
 * counted from resubmitBy, still reach the unit.
 */
async function notifyReturned(
  d: Pick<UploadDeps, 'store' | 'queue' | 'webBaseUrl' | 'log'>,
  sub: Submission,
  slot: Slot,
  resubmitBy: string,
  today: string,
) {
  try {
    if (!d.queue) throw new Error('dependency queue is not configured');
    const [unit, ob] = await Promise.all([
      d.store.getUnit(sub.unitId),
      d.store.getObligation(sub.obligationId),
    ]);
    if (!unit || !ob) return;
    const m = returnedMessage({
      unitName: unit.name,
      obligationName: ob.name,
      period: sub.period,
      effectiveDeadline: slot.effectiveDeadline,
      resubmitBy,
      ...(sub.review?.comment ? { comment: sub.review.comment } : {}),
      today,
      link: slotLink(d.webBaseUrl, sub.obligationId, sub.period),
    });
    const msgs = toLiaisons(unit, sub, 'returned', m);
    if (msgs.length) await d.queue.enqueue(msgs);
  } catch (err) {
    d.log?.error('returned notice not queued', {
      submissionId: sub.submissionId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
