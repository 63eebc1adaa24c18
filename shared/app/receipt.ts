// Receipt (SPEC §4.2): the uploaded object (S3 event → content checks → one conditional
// transaction → receipt email).
//
// Exactly-once without a lock: the submission's `awaiting-upload → received|rejected` transition
// is conditional, in the same transaction as the slot update (conditional on its version) and the
// audit event. A replayed or out-of-order S3 event finds the submission done and changes nothing.
// The receipt email is enqueued after the transaction with a deterministic id; a replay of an
// event whose submission is already received/rejected enqueues it again — that covers a crash
// between the write and the enqueue, and is safe because the sender claims each id once
// (Store.claimNotification) and never sends an id twice.
import { shanghaiDate } from '../domain/dates';
import { isOnTime, lateDaysOf } from '../domain/due';
import { AppError } from '../domain/errors';
import type { Slot, Submission } from '../domain/model';
import { dueRefOf } from '../domain/plan';
import { checkContent, declaredType } from '../domain/sniff';
import { applySlotEvent } from '../domain/slotState';
import { audit, OFFICE_TRAIL } from './audit';
import { loadCalendar } from './calendar';
import { ConditionFailed, type WriteOp } from './ports';

import {
  enqueueNotice,
  parseSubmissionKey,
  QUARANTINE_PREFIX,
  SLOT_RETRIES,
  SNIFF_BYTES,
  type ParsedKey,
  type UploadDeps,
} from './submissions';

export type ObjectCreated = { key: string; eventTime: string; size?: number; sequencer?: string };

export type RecordOutcome = 'received' | 'rejected' | 'duplicate' | 'quarantined' | 'ignored';

/** S3 notification keys are URL-encoded form-style (space → '+'). */
export const decodeS3Key = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

async function quarantine(
  d: UploadDeps,
  key: string,
  why: string,
  parsed: ParsedKey | null,
): Promise<RecordOutcome> {
  const to = `${QUARANTINE_PREFIX}${key}`;
  await d.objects.move(key, to);
  await d.store.write([
    audit({
      unitId: parsed?.unitId ?? OFFICE_TRAIL,
      at: d.clock.now(),
      actor: 'system',
      action: 'object-quarantined',
      ...(parsed ? { obligationId: parsed.obligationId, period: parsed.period } : {}),
      detail: { key, movedTo: to, reason: why },
    }),
  ]);
  return 'quarantined';
}

/**
 * Records one uploaded object. Idempotent: replays and out-of-order deliveries of the same
 * event find the submission no longer `awaiting-upload` and only re-enqueue its (deduplicated)
 * notice. The receipt time is the event's `eventTime` (the object's creation time); the local
 * runtime rewrites it to the `/dev/clock` time when that clock is set.
 */
export async function recordUpload(d: UploadDeps, ev: ObjectCreated): Promise<RecordOutcome> {
  const key = ev.key;
  if (key.startsWith(QUARANTINE_PREFIX)) return 'ignored'; // our own move
  const parsed = parseSubmissionKey(key);
  const sub = parsed ? await d.store.getSubmission(parsed.submissionId) : null;
  if (!parsed || !sub || sub.key !== key) {
    const head = await d.objects.head(key, 0);
    if (!head) return 'ignored'; // already quarantined by an earlier delivery
    return quarantine(d, key, !parsed ? 'unknown key shape' : 'no submission expects this key', parsed);
  }
  if (sub.state !== 'awaiting-upload') {
    if (sub.state === 'received' || sub.state === 'rejected') await enqueueNotice(d, sub);
    return 'duplicate';
  }

  const head = await d.objects.head(key, SNIFF_BYTES);
  if (!head) throw new Error(`object ${key} is not there (yet); retry`);
  const parsedTime = new Date(ev.eventTime);
  const receivedAt = Number.isNaN(parsedTime.getTime()) ? head.lastModified : parsedTime;
  const ob = await d.store.getObligation(sub.obligationId);
  if (!ob) throw new Error(`obligation ${sub.obligationId} of submission ${sub.submissionId} is gone`);

  let reason: string | null = null;
  if (head.size > ob.maxBytes) reason = `文件大小 ${head.size} 字节，超过上限 ${ob.maxBytes} 字节`;
  else {
    const declared = declaredType(sub.fileName, sub.contentType);
    const check = checkContent(head.leading, declared, ob.allowedTypes);
    if (!check.ok) reason = check.reason;
  }
  const sha256 = reason && head.size > ob.maxBytes ? null : await d.objects.sha256(key, head.versionId);

  for (let attempt = 0; ; attempt++) {
    const slot = await d.store.getSlot(sub.obligationId, sub.period, sub.unitId);
    if (!slot) throw new Error(`slot of submission ${sub.submissionId} is gone`);
    const cal = await loadCalendar(d.store, [
      Number(sub.period.slice(0, 4)),
      Number(shanghaiDate(receivedAt).slice(0, 4)),
    ]);
    let next: Slot | null = null;
    let why = reason;
    if (!why) {
      try {
        next = applySlotEvent(cal, ob, slot, {
          type: 'received',
          at: receivedAt,
          submissionId: sub.submissionId,
        });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        why =
          err.code === 'closed'
            ? '上传时间已超过本期截止（逾期补报期已过）'
            : `该报送事项当前状态为 ${slot.state}，不再接收新版本`;
      }
    }
    const due = dueRefOf(slot);
    const done: Submission = {
      ...sub,
      state: why ? 'rejected' : 'received',
      size: head.size,
      sha256,
      ...(head.versionId ? { versionId: head.versionId } : {}),
      receivedAt: receivedAt.toISOString(),
      onTime: why ? null : isOnTime(due, receivedAt),
      lateDays: why ? null : lateDaysOf(cal, due, receivedAt),
      ...(why ? { rejectReason: why } : {}),
    };
    const ops: WriteOp[] = [{ type: 'putSubmission', submission: done, ifState: 'awaiting-upload' }];
    if (next) ops.push({ type: 'putSlot', slot: next, ifVersion: slot.version });
    ops.push(
      audit({
        unitId: sub.unitId,
        at: receivedAt,
        actor: 'system',
        action: why ? 'submission-rejected' : 'submission-received',
        obligationId: sub.obligationId,
        period: sub.period,
        submissionId: sub.submissionId,
        detail: {
          size: head.size,
          sha256,
          ...(why
            ? { reason: why }
            : {
                onTime: done.onTime,
                lateDays: done.lateDays,
                slot: { from: slot.state, to: next?.state, version: next?.version },
              }),
        },
      }),
    );
    try {
      await d.store.write(ops);
      await enqueueNotice(d, done, { ob, slot: next ?? slot });
      return done.state === 'received' ? 'received' : 'rejected';
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      const now = await d.store.getSubmission(sub.submissionId);
      if (now && now.state !== 'awaiting-upload') {
        if (now.state === 'received' || now.state === 'rejected') await enqueueNotice(d, now);
        return 'duplicate'; // another delivery of the same event won the race
      }
      if (attempt + 1 >= SLOT_RETRIES) throw err; // the slot keeps changing: let the queue retry
    }
  }
}

/** The receipt (or rejection) email to each liaison with an address; ids are deterministic. */
