// The API as the pages see it: every type comes from shared/http/api-types.ts, which derives them
// from the zod schemas the handlers validate with and from what each route's handler returns
// (type-only imports: nothing of the server is bundled). An API change that breaks the pages fails `tsc`.
import type {
  ApiError,
  ApiResponse,
  Assessment,
  AssessmentRow,
  AuditTrail,
  CalendarBody,
  CalendarYear,
  ChaseBody,
  ContactInput,
  ContactsBody,
  DeclaredEvent,
  EventBody,
  EventList,
  ExtensionBody,
  Me,
  Obligation,
  ObligationBody,
  OverdueList,
  ReviewBody,
  Settings,
  SettingsBody,
  SlotItem,
  SlotState,
  StatusBoard,
  StatusRow,
  SubmissionState,
  SubmissionView as SubmissionAnswer,
  Unit,
  UnitBody,
  UploadRequestBody,
  UploadTicket,
  WaiverBody,
} from '../../shared/http/api-types';
import type { WebConfig } from '../../shared/http/web-config';

export type {
  Assessment,
  AssessmentRow,
  CalendarBody,
  CalendarYear,
  ContactsBody,
  DeclaredEvent,
  EventBody,
  Me,
  Obligation,
  ObligationBody,
  Settings,
  SettingsBody,
  SlotState,
  SubmissionState,
  Unit,
  UnitBody,
  UploadTicket,
  WebConfig,
};
export type Page<T> = { items: T[]; nextCursor?: string };
export type ApiErrorBody = ApiError;

export type SlotView = SlotItem & { resubmitBy?: string };
export type SubmissionView = SlotView['submissions'][number];
export type SubmissionDetail = SubmissionAnswer & { downloadUrl?: string };
export type UploadRequest = UploadRequestBody;
export type ReviewRequest = ReviewBody;
export type ExtensionRequest = ExtensionBody;
export type WaiverRequest = WaiverBody;
export type ChaseRequest = ChaseBody;
export type ChaseResult = ApiResponse<'POST /v1/chase'>;
export type Board = StatusBoard;
export type BoardRow = StatusRow;
export type OverdueRow = OverdueList['items'][number];
export type AuditPage = AuditTrail;
export type DutyEventView = EventList['items'][number];
export type Contact = ContactInput;
/** Fields other obligation kinds may carry (instructions, templates) — shown when present. */
export type ObligationExtras = { instructions?: string; templates?: Array<{ name: string } | string> };
