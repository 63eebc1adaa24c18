// Uploads (SPEC §4.1): a presigned POST for a unit's own slot, and reading a submission back.
import { ulid } from 'ulid';
import * as z from 'zod';
import { shanghaiYear } from '../domain/dates';
import { assertPeriodOf, yearOfPeriod } from '../domain/due';
import { AppError, conflict, forbidden, notFound, TooManyRequests } from '../domain/errors';
import {
  obligationIdSchema,
  periodSchema,
  type Principal,
  type Submission,
  unitIdSchema,
} from '../domain/model';
import { acceptFile, fileFields } from '../domain/files';
import { declaredType, downloadName, mimeOf, typeOfMime } from '../domain/sniff';
import { isOpenForUpload } from '../domain/slotState';
import { actorOf, audit } from './audit';
import { loadCalendar } from './calendar';
import { submissionView } from './views';

import {
  DOWNLOAD_EXPIRY_SECONDS,
  submissionKey,
  presignFile,
  UPLOAD_FORM_WINDOW_SECONDS,
  UPLOAD_FORMS_PER_WINDOW,
  type UploadDeps,
} from './submissions';

export const uploadRequestSchema = z.strictObject({
  obligationId: obligationIdSchema,
  period: periodSchema,
  /** Optional: a unit may name itself; naming another unit is refused (403). */
  unitId: unitIdSchema.optional(),
  ...fileFields,
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
  assertPeriodOf(ob, body.period); // invalid_input when the period has the wrong shape for the obligation
  const slot = await d.store.getSlot(body.obligationId, body.period, unitId);
  if (!slot) throw notFound(`slot ${body.obligationId} ${body.period} of ${unitId}`);
  const cal = await loadCalendar(d.store, [yearOfPeriod(body.period), shanghaiYear(now)]);
  if (!isOpenForUpload(slot, now, cal, ob)) {
    if (slot.state === 'accepted' || slot.state === 'waived')
      throw conflict(`the slot is ${slot.state}: no more uploads`);
    throw new AppError('closed', 'the period is closed to uploads: its cut-off has passed');
  }
  const { fileName, contentType } = acceptFile(ob, body);

  const submission: Submission = {
    submissionId: ulid(now.getTime()),
    unitId,
    obligationId: ob.obligationId,
    period: body.period,
    state: 'awaiting-upload',
    key: '',
    fileName,
    contentType,
    size: body.size,
    sha256: null,
    receivedAt: null,
    onTime: null,
    lateDays: null,
    createdAt: now.toISOString(),
  };
  submission.key = submissionKey(submission);
  // Presign first (no I/O on S3): a failure leaves no dangling submission behind.
  const post = await presignFile(d.objects, submission.key, { fileName, contentType }, ob.maxBytes);
  await takeUploadForm(d, unitId, now);
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
      detail: { fileName, contentType, size: body.size },
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

/**
 * Counts one form against the unit's 15-minute window, after every other check (a refused request
 * uses none); over the cap, 429 with the seconds to the window's end and nothing written. The
 * counter goes first: if the submission's write then fails, the window is one form short, never over.
 */
async function takeUploadForm(d: UploadDeps, unitId: string, now: Date) {
  const nowSeconds = now.getTime() / 1000;
  const window = Math.floor(nowSeconds / UPLOAD_FORM_WINDOW_SECONDS);
  const windowEnd = (window + 1) * UPLOAD_FORM_WINDOW_SECONDS;
  const ok = await d.store.takeFromLimit(
    `uploads#${unitId}#${window}`,
    UPLOAD_FORMS_PER_WINDOW,
    windowEnd + 24 * 3600,
  );
  if (!ok)
    throw new TooManyRequests(
      `at most ${UPLOAD_FORMS_PER_WINDOW} upload forms per unit per ${UPLOAD_FORM_WINDOW_SECONDS / 60} minutes; try again later`,
      windowEnd - nowSeconds,
    );
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
  // A received file's extension is its checked type (the receipt matched the leading bytes to it);
  // records from before extensions were enforced had their type checked against the stored MIME.
  const type = declaredType(sub.fileName) ?? typeOfMime(sub.contentType);
  if (!DOWNLOADABLE.has(sub.state) || !type) return view;
  return {
    ...view,
    downloadUrl: await d.objects.presignGet(
      sub.key,
      downloadName(sub.fileName, type),
      DOWNLOAD_EXPIRY_SECONDS,
      sub.versionId,
      mimeOf(type),
    ),
  };
}
