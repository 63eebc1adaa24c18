// Receipt (SPEC §4.2): the uploaded object (S3 event → content checks → one conditional
// transaction → receipt email).
//
// Reads: one BatchGetItem (the submission, its slot, obligation, unit and calendars — every key
// follows from the object key) and one streamed S3 GET (size, version, first and last bytes for
// the type and structure checks, SHA-256 as the body streams past).
//
// Exactly-once without a lock: the submission's `awaiting-upload → received|rejected` transition
// is conditional, in the same transaction as the slot update (conditional on its version) and the
// audit event. A replayed or out-of-order S3 event finds the submission done and changes nothing.
// The receipt email is enqueued after the transaction with a deterministic id; a replay of an
// event whose submission is already received/rejected enqueues it again — that covers a crash
// between the write and the enqueue, and is safe because the sender claims each id once
// (Store.claimNotification) and never sends an id twice.
import { makeCalendar } from '../domain/calendar';
import { shanghaiYear } from '../domain/dates';
import { isOnTime, lateDaysOf, yearOfPeriod } from '../domain/due';
import { AppError } from '../domain/errors';
import type { Slot, Submission } from '../domain/model';
import { dueRefOf } from '../domain/plan';
import { checkContent, declaredType } from '../domain/sniff';
import { checkStructure, LEADING_BYTES, TRAILING_BYTES } from '../domain/structure';
import { applySlotEvent } from '../domain/slotState';
import { audit, OFFICE_TRAIL } from './audit';
import { calendarYearsAround } from './calendar';
import { ConditionFailed, type ObjectReader, type WriteOp } from './ports';
import { retryOnConflict } from './retry';

import {
  enqueueNotice,
  parseSubmissionKey,
  QUARANTINE_PREFIX,
  type ParsedKey,
  type UploadDeps,
} from './submissions';

/** What the receipt uses: the bucket's reading side only. */
export type ReceiptDeps = Omit<UploadDeps, 'objects'> & { objects: ObjectReader };

export type ObjectCreated = { key: string; eventTime: string; size?: number; sequencer?: string };

export type RecordOutcome = 'received' | 'rejected' | 'duplicate' | 'quarantined' | 'ignored';

/** S3 notification keys are URL-encoded form-style (space → '+'). */
export const decodeS3Key = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

async function quarantine(
  d: ReceiptDeps,
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
export async function recordUpload(d: ReceiptDeps, ev: ObjectCreated): Promise<RecordOutcome> {
  const key = ev.key;
  if (key.startsWith(QUARANTINE_PREFIX)) return 'ignored'; // our own move
  const parsed = parseSubmissionKey(key);
  const eventTime = new Date(ev.eventTime);
  const eventYears = Number.isNaN(eventTime.getTime()) ? [] : [shanghaiYear(eventTime)];
  const years = parsed ? calendarYearsAround([yearOfPeriod(parsed.period), ...eventYears]) : [];
  const ctx = parsed ? await d.store.getReceiptContext(parsed, years) : null;
  const sub = ctx?.submission ?? null;
  if (!parsed || !ctx || !sub || sub.key !== key) {
    if (!(await d.objects.exists(key))) return 'ignored'; // already quarantined by an earlier delivery
    return quarantine(d, key, !parsed ? 'unknown key shape' : 'no submission expects this key', parsed);
  }
  const { obligation: ob, unit } = ctx;
  if (sub.state !== 'awaiting-upload') {
    if (sub.state === 'received' || sub.state === 'rejected')
      await enqueueNotice(d, sub, ob ? { ob, slot: ctx.slot, unit } : undefined);
    return 'duplicate';
  }
  if (!ob) throw new Error(`obligation ${sub.obligationId} of submission ${sub.submissionId} is gone`);

  const obj = await d.objects.read(key, {
    leadingBytes: LEADING_BYTES,
    trailingBytes: TRAILING_BYTES,
    maxBytes: ob.maxBytes,
  });
  if (!obj) throw new Error(`object ${key} is not there (yet); retry`);
  const receivedAt = Number.isNaN(eventTime.getTime()) ? obj.lastModified : eventTime;
  let calendars = ctx.calendars;
  if (eventYears.length === 0) {
    // No usable event time: the calendar must also cover the object's own creation year.
    const more = calendarYearsAround([shanghaiYear(receivedAt)]);
    if (more.some((y) => !years.includes(y))) calendars = await d.store.getCalendars([...years, ...more]);
  }
  const cal = makeCalendar(calendars);

  let reason: string | null = null;
  if (obj.size > ob.maxBytes) reason = `文件大小 ${obj.size} 字节，超过上限 ${ob.maxBytes} 字节`;
  else {
    const declared = declaredType(sub.fileName);
    const check = checkContent(obj.leading, declared, ob.allowedTypes);
    if (!check.ok) reason = check.reason;
    else if (declared) {
      const built = checkStructure(declared, obj.size, obj.leading, obj.trailing);
      if (!built.ok) reason = built.reason;
    }
  }
  const sha256 = obj.sha256;

  let slot = ctx.slot;
  // After a failed write the slot read with it decides the next attempt; when the slot keeps
  // changing the last ConditionFailed reaches the queue, which delivers the event again.
  return retryOnConflict(async () => {
    if (!slot) throw new Error(`slot of submission ${sub.submissionId} is gone`);
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
      size: obj.size,
      sha256,
      ...(obj.versionId ? { versionId: obj.versionId } : {}),
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
          size: obj.size,
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
      await enqueueNotice(d, done, { ob, slot: next ?? slot, unit });
      return done.state === 'received' ? 'received' : 'rejected';
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      const now = await d.store.getReceiptContext(parsed, []);
      if (now.submission && now.submission.state !== 'awaiting-upload') {
        if (now.submission.state === 'received' || now.submission.state === 'rejected')
          await enqueueNotice(d, now.submission, { ob, slot: now.slot, unit: now.unit });
        return 'duplicate'; // another delivery of the same event won the race
      }
      slot = now.slot;
      throw err;
    }
  });
}
