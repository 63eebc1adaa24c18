// Reconciliation (issue 11): uploaded objects whose S3 event never produced a receipt — the event
// was lost (a crash of the local runtime) or ended in the uploads queue's dead-letter queue on AWS
// — are recorded now, by the very receipt use case (recordUpload), so nothing is done twice.
//
// Run daily from the sweep's invocation, before the sweep plans its reminders (a unit whose file
// was stored is not reminded of it). Cost: one paged listing of submissions/ (1,000 keys a page),
// then one BatchGetItem per 100 objects created within the lookback, then the receipt's own
// reads and writes for the few still `awaiting-upload`.
//
// - Lookback: an object created more than a form's life plus FORM_RECORD_GRACE_SECONDS ago has
//   had its `awaiting-upload` record expire (TTL) if it was never received; every object is seen
//   by the three daily runs before that, so older objects are left alone.
// - An object whose submission is received or rejected: its receipt (or rejection notice) is
//   queued again only if it looks lost with the queue that held it (the local runtime's queue
//   lives in memory; on AWS it is a durable SQS queue and this finds nothing to do): no sender ever
//   claimed its id, or its claim was released for a retry ('retry'), or a send died mid-way
//   ('sending' older than STALE_MS, which the sender then records failed 'interrupted', never
//   sending it twice). The sender's claim makes a copy of a message still queued harmless.
//   Returned or accepted submissions are left alone.
// - An object still `awaiting-upload` → recordUpload with the object's creation time as the
//   event time (the receipt time the S3 event would have carried).
// - An object with no submission record → recordUpload too, which quarantines it exactly as the
//   receipt does for an event whose key matches no submission.
// - A concurrent S3 event for the same object is harmless: the conditional transition lets one
//   writer win; the other finds the submission done and re-queues the same notice id, which the
//   sender sends once.
// - One object that fails (throws) does not stop the others: the failures are counted and the
//   caller reports them (the sweep's invocation then fails, and its retry runs this again).
import type { Obligation, Submission } from '../domain/model';
import {
  FORM_RECORD_GRACE_SECONDS,
  noticeFor,
  parseSubmissionKey,
  SUBMISSIONS_PREFIX,
  UPLOAD_EXPIRY_SECONDS,
} from './submissions';
import { type ReceiptDeps, type RecordOutcome, recordUpload } from './receipt';
import { STALE_MS } from './deliver';
import type { ListedObject, NotificationRecord } from './ports';

/** A notice whose message may have been lost: never claimed, released for a retry, or a dead send. */
const isLost = (rec: NotificationRecord | null, now: Date) =>
  !rec ||
  rec.status === 'retry' ||
  rec.status === 'queued' ||
  (rec.status === 'sending' && now.getTime() - Date.parse(rec.at) >= STALE_MS);

/** How far back the reconciliation looks: a form's life plus the grace its record is kept. */
export const RECONCILE_LOOKBACK_MS = (UPLOAD_EXPIRY_SECONDS + FORM_RECORD_GRACE_SECONDS) * 1000;
const BATCH = 100;

export type ReconcileSummary = {
  /** Objects under submissions/ created within the lookback. */
  examined: number;
  /** Of those, objects with no receipt (still awaiting upload, or no submission record). */
  pending: number;
  received: number;
  rejected: number;
  quarantined: number;
  /** Recorded meanwhile by another delivery (the S3 event won the race). */
  duplicate: number;
  /** Objects whose recording threw (retried by the next run). */
  failed: number;
  /** Notices of received/rejected submissions queued again because no sender ever claimed them. */
  requeued: number;
};

export async function reconcileUploads(d: ReceiptDeps, at: Date): Promise<ReconcileSummary> {
  const since = at.getTime() - RECONCILE_LOOKBACK_MS;
  const summary: ReconcileSummary = {
    examined: 0,
    pending: 0,
    received: 0,
    rejected: 0,
    quarantined: 0,
    duplicate: 0,
    failed: 0,
    requeued: 0,
  };
  const obligations = new Map<string, Obligation | null>();
  const obligation = async (id: string) => {
    if (!obligations.has(id)) obligations.set(id, await d.store.getObligation(id));
    return obligations.get(id) ?? null;
  };
  /** Queues the notices of done submissions that no sender has claimed. */
  const requeue = async (done: Submission[]) => {
    if (!done.length || !d.queue) return;
    const units = await d.store.getUnits(done.map((s) => s.unitId));
    for (const sub of done) {
      const unit = units.get(sub.unitId);
      const ob = await obligation(sub.obligationId);
      if (!unit || !ob) continue;
      const slot = await d.store.getSlot(sub.obligationId, sub.period, sub.unitId);
      const lost = [];
      for (const m of noticeFor(unit, ob, sub, slot, d.webBaseUrl))
        if (isLost(await d.store.getNotification(m.id), d.clock.now())) lost.push(m);
      if (lost.length) {
        await d.queue.enqueue(lost);
        summary.requeued += lost.length;
      }
    }
  };
  let batch: ListedObject[] = [];
  const flush = async () => {
    const objects = batch;
    batch = [];
    const ids = objects.map((o) => parseSubmissionKey(o.key)?.submissionId).filter((id) => id !== undefined);
    const subs = ids.length ? await d.store.getSubmissions(ids) : new Map<string, Submission>();
    const done: Submission[] = [];
    for (const o of objects) {
      const id = parseSubmissionKey(o.key)?.submissionId;
      const sub = id ? subs.get(id) : undefined;
      if (sub && sub.key === o.key && sub.state !== 'awaiting-upload') {
        if (sub.state === 'received' || sub.state === 'rejected') done.push(sub);
        continue;
      }
      summary.pending++;
      let outcome: RecordOutcome;
      try {
        outcome = await recordUpload(d, { key: o.key, eventTime: o.lastModified.toISOString() });
      } catch (err) {
        summary.failed++;
        d.log?.error('reconciliation: object not recorded', {
          key: o.key,
          error: err instanceof Error ? err.message : String(err),
        });
        continue;
      }
      if (outcome !== 'ignored') summary[outcome]++;
    }
    try {
      await requeue(done);
    } catch (err) {
      summary.failed++;
      d.log?.error('reconciliation: notices not checked', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };
  for await (const o of d.objects.listObjects(SUBMISSIONS_PREFIX)) {
    if (o.lastModified.getTime() < since) continue;
    summary.examined++;
    batch.push(o);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return summary;
}
