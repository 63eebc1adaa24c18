// What the submission use cases share: their dependencies, object keys, limits, and the
// notices (receipt, rejection, 退回修改) they queue for a unit's liaisons.
import { slotLink } from '../domain/links';
import { type Message, receiptMessage, receiptNumber, rejectionMessage } from '../domain/messages';
import {
  type Obligation,
  obligationIdSchema,
  periodSchema,
  type Slot,
  type Submission,
  type Unit,
  unitIdSchema,
} from '../domain/model';
import type { Clock, Log, MessageQueue, ObjectStore, OutgoingMessage, Store } from './ports';
import { contactsOf, fanOut } from './notices';

export type UploadDeps = {
  store: Store;
  clock: Clock;
  objects: ObjectStore;
  queue?: MessageQueue;
  /** Where the web pages are; the notices link to the slot's page. */
  webBaseUrl?: string;
  log?: Log;
};

/** Uploads land under this prefix (the bucket notification is filtered on it). */
export const SUBMISSIONS_PREFIX = 'submissions/';
/** Objects whose key matches no submission are moved here (and expire by lifecycle). */
export const QUARANTINE_PREFIX = 'quarantine/';
/** A presigned POST lives at most this long (15 min). */
export const UPLOAD_EXPIRY_SECONDS = 900;

/** The upload form for an announced file (an upload or a template): capped at the obligation's
 *  maxBytes, valid UPLOAD_EXPIRY_SECONDS, the cleaned file name kept as the object's metadata. */
export const presignFile = (
  objects: ObjectStore,
  key: string,
  file: { fileName: string; contentType: string },
  maxBytes: number,
) =>
  objects.presignPost({
    key,
    contentType: file.contentType,
    maxBytes,
    expiresSeconds: UPLOAD_EXPIRY_SECONDS,
    metadata: { filename: encodeURIComponent(file.fileName) },
  });
/**
 * At most this many upload forms per unit per 15-minute window (429 `too_many_requests` beyond):
 * a unit hands in a handful of files at a time, and every form leaves a record until it expires.
 * Forms last as long as a window, so at most twice this many are open at once.
 */
export const UPLOAD_FORMS_PER_WINDOW = 30;
export const UPLOAD_FORM_WINDOW_SECONDS = UPLOAD_EXPIRY_SECONDS;
/**
 * An unused form's `awaiting-upload` record is kept this long after the form expired (then TTL):
 * a late S3 event, or the daily reconciliation (./reconcile.ts), still finds it.
 */
export const FORM_RECORD_GRACE_SECONDS = 3 * 24 * 3600;
/** A presigned download link lives this long. */
export const DOWNLOAD_EXPIRY_SECONDS = 300;

export const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

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

/** Queues a submission's notice; `known` (already read) saves the reads of its unit, obligation and slot. */
export async function enqueueNotice(
  d: Pick<UploadDeps, 'store' | 'queue' | 'webBaseUrl'>,
  sub: Submission,
  known?: { ob: Obligation; slot: Slot | null; unit?: Unit | null },
) {
  if (!d.queue) throw new Error('dependency queue is not configured');
  const [unit, ob, slot] = known
    ? [known.unit === undefined ? await d.store.getUnit(sub.unitId) : known.unit, known.ob, known.slot]
    : await Promise.all([
        d.store.getUnit(sub.unitId),
        d.store.getObligation(sub.obligationId),
        d.store.getSlot(sub.obligationId, sub.period, sub.unitId),
      ]);
  if (!unit || !ob) return;
  const msgs = noticeFor(unit, ob, sub, slot, d.webBaseUrl);
  if (msgs.length) await d.queue.enqueue(msgs);
}

/** One email per liaison address (the same address once), ids `<kind>:<submissionId>:email:<role>` (fanOut). */
export function toLiaisons(unit: Unit, sub: Submission, kind: string, m: Message): OutgoingMessage[] {
  const seen = new Set<string>();
  const liaisons = contactsOf(unit, 'liaison').filter((r) => {
    if (!r.email || seen.has(r.email)) return false;
    seen.add(r.email);
    return true;
  });
  const meta = { unitId: sub.unitId, obligationId: sub.obligationId, period: sub.period, kind };
  return fanOut(`${kind}:${sub.submissionId}`, liaisons, m, false, meta);
}

/** The receipt for a received submission, the rejection notice for a rejected one. */
export function noticeFor(
  unit: Unit,
  ob: Obligation,
  sub: Submission,
  slot: Slot | null,
  webBaseUrl?: string,
): OutgoingMessage[] {
  const receivedAt = new Date(sub.receivedAt ?? sub.createdAt);
  const ref = {
    unitName: unit.name,
    obligationName: ob.name,
    period: sub.period,
    ...(slot ? { effectiveDeadline: slot.effectiveDeadline } : {}),
    fileName: sub.fileName,
    receivedAt,
    link: slotLink(webBaseUrl, sub.obligationId, sub.period),
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
