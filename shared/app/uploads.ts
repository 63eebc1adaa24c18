// Submissions (SPEC §4.1, §4.2, §4.4 review): a presigned POST for a unit's slot, the receipt of
// the uploaded object (S3 event → content checks → one conditional transaction → receipt email),
// reading a submission, and the office's review.
//
// Exactly-once without a lock: the submission's `awaiting-upload → received|rejected` transition
// is conditional, in the same transaction as the slot update (conditional on its version) and the
// audit event. A replayed or out-of-order S3 event finds the submission done and changes nothing.
// The receipt email is enqueued after the transaction with a deterministic id; a replay of an
// event whose submission is already received/rejected enqueues it again — that covers a crash
// between the write and the enqueue, and is safe because the sender claims each id once
// (Store.claimNotification) and never sends an id twice.
import { ulid } from 'ulid';
import * as z from 'zod';
import { addWorkdays } from '../domain/calendar';
import { shanghaiDate } from '../domain/dates';
import { isOnTime, lateDaysOf, nominalDue } from '../domain/due';
import { AppError, conflict, forbidden, invalid, notFound } from '../domain/errors';
import {
  type Message,
  receiptMessage,
  receiptNumber,
  rejectionMessage,
  returnedMessage,
} from '../domain/messages';
import {
  isoDate,
  type Obligation,
  obligationIdSchema,
  periodSchema,
  type Principal,
  type Slot,
  type Submission,
  type Unit,
  unitIdSchema,
} from '../domain/model';
import { dueRefOf } from '../domain/plan';
import { checkContent, cleanFileName, declaredType } from '../domain/sniff';
import { applySlotEvent, isOpenForUpload } from '../domain/slotState';
import { actorOf, audit, OFFICE_TRAIL } from './audit';
import { loadCalendar } from './calendar';
import {
  type Clock,
  ConditionFailed,
  type MessageQueue,
  type ObjectStore,
  type OutgoingMessage,
  type Store,
  type WriteOp,
} from './ports';
import { submissionView } from './views';
import { logger } from '../http/logger';

export type UploadDeps = { store: Store; clock: Clock; objects: ObjectStore; queue?: MessageQueue };

/** Uploads land under this prefix (the bucket notification is filtered on it). */
export const SUBMISSIONS_PREFIX = 'submissions/';
/** Objects whose key matches no submission are moved here (and expire by lifecycle). */
export const QUARANTINE_PREFIX = 'quarantine/';
/** A presigned POST lives at most this long (15 min). */
export const UPLOAD_EXPIRY_SECONDS = 900;
/** A presigned download link lives this long. */
export const DOWNLOAD_EXPIRY_SECONDS = 300;
/** Leading bytes read to check a file's type. */
export const SNIFF_BYTES = 16;
/** How often a receipt retries when the slot changed under it (a sweep, a review). */
const SLOT_RETRIES = 5;

const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The object key of a submission: ids only, never anything the user typed. */
export const submissionKey = (s: Pick<Submission, 'obligationId' | 'period' | 'unitId' | 'submissionId'>) =>
  `${SUBMISSIONS_PREFIX}${s.obligationId}/${s.period}/${s.unitId}/${s.submissionId}`;

export type ParsedKey = { obligationId: string; period: string; unitId: string; submissionId: string };

/** The ids in a submission key, or null when the key does not have that exact shape. */
export function parseSubmissionKey(key: string): ParsedKey | null {
  if (!key.startsWith(SUBMISSIONS_PREFIX)) return null;
  const parts = key.slice(SUBMISSIONS_PREFIX.length).split('/');
  if (parts.length !== 4) return null;
  const [obligationId, period, unitId, submissionId] = parts as [string, string, string, string];
  if (!obligationIdSchema.safeParse(obligationId).success) return null;
  if (!periodSchema.safeParse(period).success) return null;
  if (!unitIdSchema.safeParse(unitId).success) return null;
  if (!ULID_RE.test(submissionId)) return null;
  return { obligationId, period, unitId, submissionId };
}

// ---- POST /v1/uploads -------------------------------------------------------------------------

export const uploadRequestSchema = z.strictObject({
  obligationId: obligationIdSchema,
  period: periodSchema,
  /** Optional: a unit may name itself; naming another unit is refused (403). */
  unitId: unitIdSchema.optional(),
  /** Kept (cleaned) as metadata and shown in receipts; never part of the object key. */
  fileName: z.string().max(1024, 'fileName is too long'),
  contentType: z
    .string()
    .max(255)
    .regex(/^[A-Za-z0-9][\w.+-]*\/[\w.+-]+$/, 'contentType must be a MIME type such as application/pdf'),
  size: z.number().int('size must be an integer').min(1, 'size must be at least 1 byte'),
});
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

export async function requestUpload(d: UploadDeps, principal: Principal | null, body: UploadRequest) {
  if (principal?.role !== 'unit') throw forbidden('reporting units only');
  if (body.unitId && body.unitId !== principal.unitId)
    throw forbidden('a unit may only upload to its own slots');
  const unitId = principal.unitId;
  const now = d.clock.now();

  const ob = await d.store.getObligation(body.obligationId);
  if (!ob) throw notFound(`obligation ${body.obligationId}`);
  nominalDue(ob, body.period); // invalid_input when the period has the wrong shape for the obligation
  const slot = await d.store.getSlot(body.obligationId, body.period, unitId);
  if (!slot) throw notFound(`slot ${body.obligationId} ${body.period} of ${unitId}`);
  const cal = await loadCalendar(d.store, [
    Number(body.period.slice(0, 4)),
    Number(shanghaiDate(now).slice(0, 4)),
  ]);
  if (!isOpenForUpload(slot, now, cal, ob)) {
    if (slot.state === 'accepted' || slot.state === 'waived')
      throw conflict(`the slot is ${slot.state}: no more uploads`);
    throw new AppError('closed', 'the period is closed to uploads: its cut-off has passed');
  }
  if (body.size > ob.maxBytes) {
    throw new AppError('too_large', `the file is larger than ${ob.maxBytes} bytes`, [
      { field: 'size', message: `at most ${ob.maxBytes} bytes` },
    ]);
  }
  const fileName = cleanFileName(body.fileName);
  const type = declaredType(fileName, body.contentType);
  if (!type || !ob.allowedTypes.includes(type)) {
    throw new AppError('unsupported_type', `allowed types: ${ob.allowedTypes.join(', ')}`, [
      { field: 'contentType', message: `allowed: ${ob.allowedTypes.join(', ')}` },
    ]);
  }

  const submission: Submission = {
    submissionId: ulid(now.getTime()),
    unitId,
    obligationId: ob.obligationId,
    period: body.period,
    state: 'awaiting-upload',
    key: '',
    fileName,
    contentType: body.contentType,
    size: body.size,
    sha256: null,
    receivedAt: null,
    onTime: null,
    lateDays: null,
    createdAt: now.toISOString(),
  };
  submission.key = submissionKey(submission);
  // Presign first (no I/O on S3): a failure leaves no dangling submission behind.
  const post = await d.objects.presignPost({
    key: submission.key,
    contentType: body.contentType,
    maxBytes: ob.maxBytes,
    expiresSeconds: UPLOAD_EXPIRY_SECONDS,
    metadata: { filename: encodeURIComponent(fileName) },
  });
  await d.store.write([
    { type: 'putSubmission', submission },
    audit({
      unitId,
      at: now,
      actor: actorOf(principal),
      action: 'upload-requested',
      obligationId: ob.obligationId,
      period: body.period,
      submissionId: submission.submissionId,
      detail: { fileName, contentType: body.contentType, size: body.size },
    }),
  ]);
  return {
    submissionId: submission.submissionId,
    key: submission.key,
    url: post.url,
    fields: post.fields,
    expiresAt: post.expiresAt,
    maxBytes: ob.maxBytes,
  };
}

// ---- S3 object created → receipt ----------------------------------------------------------------

/** What the receipt needs of one S3 object-created record (key already URL-decoded). */
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
async function enqueueNotice(d: UploadDeps, sub: Submission, known?: { ob: Obligation; slot: Slot }) {
  if (!d.queue) throw new Error('dependency queue is not configured');
  const [unit, ob, slot] = await Promise.all([
    d.store.getUnit(sub.unitId),
    known?.ob ?? d.store.getObligation(sub.obligationId),
    known?.slot ?? d.store.getSlot(sub.obligationId, sub.period, sub.unitId),
  ]);
  if (!unit || !ob) return;
  const msgs = noticeFor(unit, ob, sub, slot);
  if (msgs.length) await d.queue.enqueue(msgs);
}

/** One email per liaison address, with the id `<kind>:<submissionId>:email:<address>`. */
function toLiaisons(unit: Unit, sub: Submission, kind: string, m: Message): OutgoingMessage[] {
  const seen = new Set<string>();
  return unit.contacts.flatMap((c) => {
    if (c.role !== 'liaison' || !c.email || seen.has(c.email)) return [];
    seen.add(c.email);
    return [
      {
        id: `${kind}:${sub.submissionId}:email:${c.email}`,
        channel: 'email' as const,
        to: c.email,
        subject: m.subject,
        text: m.text,
        unitId: sub.unitId,
        obligationId: sub.obligationId,
        period: sub.period,
        kind,
      },
    ];
  });
}

/** The receipt for a received submission, the rejection notice for a rejected one. */
export function noticeFor(unit: Unit, ob: Obligation, sub: Submission, slot: Slot | null): OutgoingMessage[] {
  const receivedAt = new Date(sub.receivedAt ?? sub.createdAt);
  const ref = {
    unitName: unit.name,
    obligationName: ob.name,
    period: sub.period,
    ...(slot ? { effectiveDeadline: slot.effectiveDeadline } : {}),
    fileName: sub.fileName,
    receivedAt,
  };
  if (sub.state === 'rejected') {
    const m = rejectionMessage({
      ...ref,
      reason: sub.rejectReason ?? '',
      allowedTypes: ob.allowedTypes,
      maxBytes: ob.maxBytes,
    });
    return toLiaisons(unit, sub, 'rejection', m);
  }
  const m = receiptMessage({
    ...ref,
    size: sub.size,
    sha256: sub.sha256,
    onTime: sub.onTime,
    lateDays: sub.lateDays,
    receiptNumber: receiptNumber(sub.submissionId, receivedAt),
  });
  return toLiaisons(unit, sub, 'receipt', m);
}

// ---- GET /v1/submissions/{id} -------------------------------------------------------------------

const DOWNLOADABLE = new Set<Submission['state']>(['received', 'accepted', 'returned']);

export async function getSubmission(
  d: Pick<UploadDeps, 'store' | 'objects'>,
  principal: Principal | null,
  id: string,
) {
  const sub = await d.store.getSubmission(id);
  if (!sub) throw notFound(`submission ${id}`);
  if (principal?.role !== 'office' && !(principal?.role === 'unit' && principal.unitId === sub.unitId)) {
    throw forbidden("another unit's submission");
  }
  const view = submissionView(sub);
  if (!DOWNLOADABLE.has(sub.state)) return view;
  return {
    ...view,
    downloadUrl: await d.objects.presignGet(
      sub.key,
      sub.fileName || sub.submissionId,
      DOWNLOAD_EXPIRY_SECONDS,
      sub.versionId,
    ),
  };
}

// ---- POST /v1/submissions/{id}/review -----------------------------------------------------------

export const reviewSchema = z.strictObject({
  decision: z.enum(['accept', 'return']),
  comment: z.string().trim().max(2000).optional(),
  resubmitBy: isoDate.optional(),
});
export type ReviewRequest = z.infer<typeof reviewSchema>;

/** Working days a returned submission's unit gets to resubmit, when the office names no date. */
export const DEFAULT_RESUBMIT_WORKDAYS = 5;

export async function review(
  d: Pick<UploadDeps, 'store' | 'clock' | 'queue'>,
  principal: Principal | null,
  id: string,
  body: ReviewRequest,
) {
  if (principal?.role !== 'office') throw forbidden('office staff only');
  if (body.decision === 'accept' && body.resubmitBy)
    throw invalid('resubmitBy', 'only for decision "return"');
  for (let attempt = 0; ; attempt++) {
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
    const cal = await loadCalendar(d.store, [Number(sub.period.slice(0, 4)), Number(today.slice(0, 4))]);
    let resubmitBy: string | undefined;
    if (body.decision === 'return') {
      resubmitBy = body.resubmitBy ?? addWorkdays(cal, today, DEFAULT_RESUBMIT_WORKDAYS);
      if (resubmitBy < today) throw invalid('resubmitBy', `must not be before today (${today})`);
    }
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
    try {
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
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      if (attempt >= 2) throw conflict('the submission or its slot changed meanwhile; try again');
      continue; // someone changed the submission or the slot meanwhile: read again, decide again
    }
    if (resubmitBy) await notifyReturned(d, done, next, resubmitBy, today);
    return submissionView(done);
  }
}

/**
 * The 退回修改 notice to the liaisons. The review is already committed: a failure to enqueue is
 * logged, not thrown (a retry would only meet a 409); the sweep's reminders for the returned slot,
 * counted from resubmitBy, still reach the unit.
 */
async function notifyReturned(
  d: Pick<UploadDeps, 'store' | 'queue'>,
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
    });
    const msgs = toLiaisons(unit, sub, 'returned', m);
    if (msgs.length) await d.queue.enqueue(msgs);
  } catch (err) {
    logger.error('returned notice not queued', {
      submissionId: sub.submissionId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
