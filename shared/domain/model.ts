// The concepts of SPEC §2 as zod schemas (validation at every boundary) and the
// stored shapes derived from them. Pure: no I/O, no AWS.
import * as z from 'zod';
import { isCleanText, lineText, monthDaySchema, multilineText } from './text';

export const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const isoDate = z
  .string()
  .regex(DATE_RE, 'expected a date YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const dt = new Date(Date.UTC(y, m - 1, d));
    return dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
  }, 'not a calendar date');
export type IsoDate = string; // YYYY-MM-DD, a calendar date in Asia/Shanghai

export const unitIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'unitId must match ^[a-z0-9][a-z0-9-]{1,39}$');
export const obligationIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'obligationId must match ^[a-z0-9][a-z0-9-]{1,39}$');
export const yearSchema = z.coerce
  .number({ error: 'year must be a number' })
  .int('year must be an integer')
  .min(2000, 'year must be ≥ 2000')
  .max(2100, 'year must be ≤ 2100');
/** An event's id: the date it occurred and 8 random characters (`2026-09-25-k3m9x2ab`). */
export const EVENT_ID_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])-[0-9a-z]{8}$/;
export const periodSchema = z
  .string()
  .regex(
    /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])-[0-9a-z]{8})?$/,
    'period must be YYYY, YYYY-MM, YYYY-Qn or an event id',
  );

export const phoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'phone must be E.164, e.g. +8613800000000');
export const emailSchema = z.email('invalid email address');

/** SPEC §5 text check (kept under this name for callers of the first version; see ./text). */
export { isCleanText as isWellFormedText } from './text';

export const contactSchema = z.strictObject({
  role: z.enum(['liaison', 'leader']),
  name: lineText(50),
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
});
export type Contact = z.infer<typeof contactSchema>;
/** `PUT /v1/units/{unitId}/contacts`: the whole list, which replaces the unit's contacts. */
export const contactsBodySchema = z.array(contactSchema).max(10);

export const unitKinds = ['town', 'department', 'other'] as const;
export const tagSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'tag must be lowercase letters, digits, -');
export const unitBodySchema = z.strictObject({
  name: lineText(100),
  kind: z.enum(unitKinds),
  tags: z.array(tagSchema).max(20).default([]),
  active: z.boolean().default(true),
  contacts: contactsBodySchema.default([]),
});
export const unitSchema = unitBodySchema.extend({ unitId: unitIdSchema });
/** A contact address SES reported as bouncing (hard bounce) or complaining; set by the system only. */
export type BouncingAddress = { email: string; type: 'bounce' | 'complaint'; at: string };
export type Unit = z.infer<typeof unitSchema> & { bouncing?: BouncingAddress[] };

const mmdd = monthDaySchema;

export const appliesToSchema = z.union([
  z.literal('all'),
  z.strictObject({
    kinds: z.array(z.enum(unitKinds)).optional(),
    tags: z.array(tagSchema).optional(),
    unitIds: z.array(unitIdSchema).optional(),
  }),
]);
export type AppliesTo = z.infer<typeof appliesToSchema>;

export const fileTypes = ['pdf', 'docx', 'doc', 'ofd', 'wps', 'xlsx'] as const;
export type FileType = (typeof fileTypes)[number];

export const escalationStepSchema = z.strictObject({
  level: z.union([z.literal(1), z.literal(2)]),
  afterWorkingDays: z.number().int().min(1).max(60),
  to: z.enum(['leader', 'office']),
});

const obligationCommon = {
  name: lineText(100),
  appliesTo: appliesToSchema.default('all'),
  reminderDays: z.array(z.number().int().min(0).max(60)).max(10).default([7, 3, 1, 0]),
  escalation: z
    .array(escalationStepSchema)
    .max(2)
    .default([
      { level: 1, afterWorkingDays: 1, to: 'leader' },
      { level: 2, afterWorkingDays: 3, to: 'office' },
    ]),
  gracePeriodDays: z.number().int().min(0).max(365).default(30),
  holidayRule: z.enum(['next-workday', 'none']).default('next-workday'),
  maxBytes: z
    .number()
    .int()
    .min(1)
    .max(5 * 1024 * 1024 * 1024)
    .default(50 * 1024 * 1024),
  allowedTypes: z
    .array(z.enum(fileTypes))
    .min(1)
    .default([...fileTypes]),
  active: z.boolean().default(true),
  /** Shown to the units and quoted in the request notice (报送通知). */
  instructions: multilineText(2000).optional(),
};

export const dayCounts = ['calendar', 'working'] as const;

export const obligationBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('deadline'), due: mmdd, ...obligationCommon }),
  z.strictObject({
    kind: z.literal('monthly'),
    dueDay: z.number().int().min(1).max(28),
    ...obligationCommon,
  }),
  z.strictObject({
    kind: z.literal('quarterly'),
    dueDay: z.number().int().min(1).max(28),
    ...obligationCommon,
  }),
  z.strictObject({ kind: z.literal('once'), dueDate: isoDate, ...obligationCommon }),
  z.strictObject({
    kind: z.literal('event'),
    withinDays: z.number().int().min(1).max(3650),
    dayCount: z.enum(dayCounts).default('calendar'),
    followUps: z
      .array(z.strictObject({ obligationId: obligationIdSchema, afterDays: z.number().int().min(1).max(3650) }))
      .max(5)
      .default([]),
    ...obligationCommon,
  }),
  z.strictObject({
    kind: z.literal('quota'),
    due: mmdd,
    minCount: z.number().int().min(1).max(100),
    ...obligationCommon,
  }),
]);
export type ObligationBody = z.infer<typeof obligationBodySchema>;
export type ObligationKind = ObligationBody['kind'];
/** A file the office attaches to an obligation (附件模板); stored under templates/<obligationId>/<name>. */
export type Template = { name: string; key: string; contentType: string; size: number; uploadedAt: string };
/** `templates` is kept by the service (POST …/templates), never taken from a PUT body. */
export type Obligation = ObligationBody & { obligationId: string; templates?: Template[] };

/** An event a unit declares for an `event` obligation (SPEC §2); its id is the period of its slots. */
export type DutyEvent = {
  eventId: string;
  unitId: string;
  obligationId: string;
  occurredOn: IsoDate;
  title: string;
  ref?: string;
  createdAt: string;
  createdBy: string;
  /** The slots it opened: its own obligation's and each follow-up's (period = eventId). */
  slots: { obligationId: string; deadline: IsoDate }[];
};

export const settingsSchema = z.strictObject({
  officeContacts: z
    .array(
      z.strictObject({
        name: lineText(50),
        email: emailSchema.optional(),
        phone: phoneSchema.optional(),
      }),
    )
    .max(20),
  smsSignature: z
    .string()
    .regex(/^【[^【】]{1,12}】$/, 'smsSignature must look like 【…】')
    .refine((s) => isCleanText(s), 'smsSignature must be well-formed text without control characters'),
  senderEmail: emailSchema,
  sesRatePerSecond: z.number().min(0.1).max(1000).default(14),
  latePenaltyPerDay: z.number().min(0).max(100).default(10),
  lateFloor: z.number().min(0).max(100).default(40),
});
export type Settings = z.infer<typeof settingsSchema>;

export const calendarBodySchema = z.strictObject({
  holidays: z.array(isoDate).max(100),
  workdays: z.array(isoDate).max(50),
});
export type CalendarYear = {
  year: number;
  source: 'package' | 'office' | 'provisional';
  holidays: IsoDate[];
  workdays: IsoDate[];
};

export const slotStates = [
  'open',
  'overdue',
  'submitted',
  'returned',
  'accepted',
  'waived',
  'closed',
] as const;
export type SlotState = (typeof slotStates)[number];

/** One unit's duty for one obligation and period (SPEC §2). */
export type Slot = {
  obligationId: string;
  period: string;
  unitId: string;
  unitName: string;
  kind: ObligationBody['kind'];
  state: SlotState;
  deadline: IsoDate; // nominal due date
  effectiveDeadline: IsoDate; // after the holiday rule, or the extension
  extendedUntil: IsoDate | null;
  resubmitBy: IsoDate | null;
  onTime: boolean | null;
  lateDays: number | null;
  escalationLevel: 0 | 1 | 2;
  remindersSent: number;
  chaseCount: number;
  count?: number;
  minCount?: number;
  /** The event that opened an `event` slot (its period is the event's id). */
  event?: { title: string; ref?: string; occurredOn: IsoDate };
  /** When the unit signed for the request (签收), ISO instant; null until then. */
  acknowledgedAt?: string | null;
  submittedAt: string | null; // ISO instant of the first received version
  latestSubmissionId: string | null;
  /** Keys of notices already sent (e.g. `reminder:3:2026-04-14`), for planning. */
  sent: string[];
  nextActionDate: IsoDate | null;
  version: number;
};

/** A slot's identity as one string (obligation#period#unit): the base of its notices' ids. */
export const slotRef = (s: Pick<Slot, 'obligationId' | 'period' | 'unitId'>) =>
  `${s.obligationId}#${s.period}#${s.unitId}`;

export const submissionStates = ['awaiting-upload', 'received', 'rejected', 'accepted', 'returned'] as const;
export type SubmissionState = (typeof submissionStates)[number];

export type Submission = {
  submissionId: string;
  unitId: string;
  obligationId: string;
  period: string;
  state: SubmissionState;
  key: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string | null;
  /** The S3 object version the receipt hashed (downloads pin it). */
  versionId?: string;
  receivedAt: string | null;
  onTime: boolean | null;
  lateDays: number | null;
  rejectReason?: string;
  review?: { decision: 'accept' | 'return'; comment?: string; resubmitBy?: IsoDate; by: string; at: string };
  createdAt: string;
};

export type AuditEvent = {
  unitId: string;
  at: string; // ISO instant
  actor: string; // 'system', 'office:<sub>', 'unit:<unitId>'
  action: string;
  obligationId?: string;
  period?: string;
  submissionId?: string;
  detail?: Record<string, unknown>;
};

/** `username`: the token's username claim when it has one (Cognito's `cognito:username`, OIDC's `preferred_username`). */
export type Principal =
  | { role: 'office'; sub: string; username?: string }
  | { role: 'unit'; sub: string; unitId: string; username?: string };
