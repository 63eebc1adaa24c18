// The API as the pages see it: every type here is derived from the code and zod schemas the API
// itself validates and answers with (type-only imports: nothing of the server is bundled). A change
// to the API that breaks the pages fails `tsc`.
import type * as z from 'zod';
import type { getSettings } from '../../shared/app/admin';
import type { ChaseInput } from '../../shared/app/chase';
import type { assessment, auditTrail, board, extend, overdue, waive } from '../../shared/app/office';
import type { reviewSchema } from '../../shared/app/review';
import type { getSubmission, requestUpload, uploadRequestSchema } from '../../shared/app/uploads';
import type { slotView } from '../../shared/app/views';
import type {
  CalendarYear,
  calendarBodySchema,
  contactSchema,
  contactsBodySchema,
  Obligation,
  obligationBodySchema,
  settingsSchema,
  SlotState,
  SubmissionState,
  Unit,
  unitBodySchema,
} from '../../shared/domain/model';
import type { WebConfig } from '../../shared/http/web-config';

export type { CalendarYear, Obligation, SlotState, SubmissionState, Unit, WebConfig };
export type Page<T> = { items: T[]; nextCursor?: string };
export type Me = { role: 'office' | 'unit'; unitId?: string };

export type SlotView = ReturnType<typeof slotView> & { resubmitBy?: string };
export type SubmissionView = SlotView['submissions'][number];
export type SubmissionDetail = Awaited<ReturnType<typeof getSubmission>> & { downloadUrl?: string };
export type UploadRequest = z.input<typeof uploadRequestSchema>;
export type UploadTicket = Awaited<ReturnType<typeof requestUpload>>;
export type ReviewRequest = z.input<typeof reviewSchema>;
export type ExtensionRequest = Parameters<typeof extend>[3];
export type WaiverRequest = Parameters<typeof waive>[3];
export type ChaseRequest = ChaseInput;
export type Board = Awaited<ReturnType<typeof board>>;
export type BoardRow = Board['items'][number];
export type OverdueRow = Awaited<ReturnType<typeof overdue>>['items'][number];
export type Assessment = Awaited<ReturnType<typeof assessment>>;
export type AssessmentRow = Assessment['items'][number];
export type AuditPage = Awaited<ReturnType<typeof auditTrail>>;
export type AuditRow = AuditPage['items'][number];
export type Settings = Awaited<ReturnType<typeof getSettings>>;
export type SettingsBody = z.input<typeof settingsSchema>;
export type UnitBody = z.input<typeof unitBodySchema>;
export type Contact = z.input<typeof contactSchema>;
/** `PUT /v1/units/{unitId}/contacts` takes the list itself. */
export type ContactsBody = z.input<typeof contactsBodySchema>;
export type ObligationBody = z.input<typeof obligationBodySchema>;
export type CalendarBody = z.input<typeof calendarBodySchema>;
/** Fields other obligation kinds may carry (instructions, templates) — shown when present. */
export type ObligationExtras = { instructions?: string; templates?: Array<{ name: string } | string> };
export type ApiErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; message: string }> } };
