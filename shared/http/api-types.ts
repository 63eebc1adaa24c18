// The API's request and response types, for the web pages (`import type` only: nothing here is
// bundled into a page). Requests are the zod schemas' *input* types — what a client sends, defaults
// optional — taken from the very schemas the handlers validate with; responses are what each route's
// handler returns. Change a schema or a handler and a page that no longer fits fails the typecheck.
import type * as z from 'zod';
import type {
  extensionBodySchema,
  officeRoutes,
  statusQuerySchema,
  waiverBodySchema,
} from '../../functions/api/office-routes';
import type { apiRoutes } from '../../functions/api/api-routes';
import type { userRoutes } from '../../functions/api/user-routes';
import type { chaseBodySchema, chaseRoutes } from '../../functions/chase/chase-routes';
import type { uploadRoutes } from '../../functions/uploads/upload-routes';
import type { eventBodySchema } from '../app/events';
import type { reviewSchema } from '../app/review';
import type { templateRequestSchema } from '../app/templates';
import type { uploadRequestSchema } from '../app/uploads';
import type {
  calendarBodySchema,
  contactSchema,
  contactsBodySchema,
  obligationBodySchema,
  settingsSchema,
  unitBodySchema,
} from '../domain/model';
import type { newUserSchema } from '../domain/users';
import type { HttpResponse } from './router';

export type { SlotState, SubmissionState } from '../domain/model';
export type { ErrorCode, ErrorDetail } from '../domain/errors';

type Routes = typeof apiRoutes &
  typeof officeRoutes &
  typeof userRoutes &
  typeof uploadRoutes &
  typeof chaseRoutes;
/** `'GET /v1/status'`, `'PUT /v1/units/{unitId}/contacts'`, … */
export type RouteKey = keyof Routes;
/** The JSON body a route answers with on success (CSV and redirects aside). */
export type ApiResponse<K extends RouteKey> = Exclude<Awaited<ReturnType<Routes[K]['run']>>, HttpResponse>;
/** The SPEC's error body. */
export type ApiError = {
  error: {
    code: import('../domain/errors').ErrorCode;
    message: string;
    details?: { field: string; message: string }[];
  };
};

// ---- request bodies (what the page sends) ------------------------------------------------------
export type ContactInput = z.input<typeof contactSchema>;
export type ContactsBody = z.input<typeof contactsBodySchema>;
export type UnitBody = z.input<typeof unitBodySchema>;
export type ObligationBody = z.input<typeof obligationBodySchema>;
export type SettingsBody = z.input<typeof settingsSchema>;
export type CalendarBody = z.input<typeof calendarBodySchema>;
export type UploadRequestBody = z.input<typeof uploadRequestSchema>;
export type ReviewBody = z.input<typeof reviewSchema>;
export type ExtensionBody = z.input<typeof extensionBodySchema>;
export type WaiverBody = z.input<typeof waiverBodySchema>;
export type ChaseBody = z.input<typeof chaseBodySchema>;
export type StatusQuery = z.input<typeof statusQuerySchema>;
export type NewUserBody = z.input<typeof newUserSchema>;
export type EventBody = z.input<typeof eventBodySchema>;
export type TemplateRequestBody = z.input<typeof templateRequestSchema>;

/** Each route's request body, by route key. */
export type ApiBodies = {
  'PUT /v1/units/{unitId}': UnitBody;
  'PUT /v1/units/{unitId}/contacts': ContactsBody;
  'PUT /v1/obligations/{obligationId}': ObligationBody;
  'PUT /v1/settings': SettingsBody;
  'PUT /v1/calendar/{year}': CalendarBody;
  'POST /v1/uploads': UploadRequestBody;
  'POST /v1/submissions/{submissionId}/review': ReviewBody;
  'POST /v1/slots/{obligationId}/{period}/{unitId}/extension': ExtensionBody;
  'POST /v1/slots/{obligationId}/{period}/{unitId}/waiver': WaiverBody;
  'POST /v1/chase': ChaseBody;
  'POST /v1/users': NewUserBody;
  'POST /v1/units/{unitId}/events': EventBody;
  'POST /v1/obligations/{obligationId}/templates': TemplateRequestBody;
};

// ---- responses (what the page reads) -----------------------------------------------------------
export type Me = ApiResponse<'GET /v1/me'>;
export type UserList = ApiResponse<'GET /v1/users'>;
export type UserAccount = UserList['items'][number];
export type UnitList = ApiResponse<'GET /v1/units'>;
export type Unit = ApiResponse<'GET /v1/units/{unitId}'>;
export type SlotList = ApiResponse<'GET /v1/units/{unitId}/slots'>;
export type SlotItem = SlotList['items'][number];
export type ObligationList = ApiResponse<'GET /v1/obligations'>;
export type Obligation = ObligationList['items'][number];
export type Settings = ApiResponse<'GET /v1/settings'>;
export type CalendarYear = ApiResponse<'GET /v1/calendar/{year}'>;
export type StatusBoard = ApiResponse<'GET /v1/status'>;
export type StatusRow = StatusBoard['items'][number];
export type OverdueList = ApiResponse<'GET /v1/overdue'>;
export type Assessment = ApiResponse<'GET /v1/assessment'>;
export type AssessmentRow = Assessment['items'][number];
export type AuditTrail = ApiResponse<'GET /v1/audit'>;
export type UploadTicket = ApiResponse<'POST /v1/uploads'>;
export type SubmissionView = ApiResponse<'GET /v1/submissions/{submissionId}'>;
export type ChaseResult = ApiResponse<'POST /v1/chase'>;
export type DeclaredEvent = ApiResponse<'POST /v1/units/{unitId}/events'>;
export type EventList = ApiResponse<'GET /v1/units/{unitId}/events'>;
export type Acknowledged = ApiResponse<'POST /v1/slots/{obligationId}/{period}/{unitId}/acknowledge'>;
export type TemplateTicket = ApiResponse<'POST /v1/obligations/{obligationId}/templates'>;
