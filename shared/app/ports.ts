// The ports the use cases are written against. Adapters (shared/adapters/) implement them
// with the AWS SDK; nothing in shared/app imports @aws-sdk.
import type {
  AuditEvent,
  DutyEvent,
  IsoDate,
  Obligation,
  Settings,
  Slot,
  Submission,
  Unit,
} from '../domain/model';
import type { NewUser, UserAccount } from '../domain/users';
import type { SmsTemplate } from '../domain/sms-templates';

/**
 * A unit's kept year score card: for each of its slots of the year (by obligation and period),
 * what the slot's score depends on (`scoreCode` of shared/domain/score.ts). The store keeps it in
 * the same all-or-nothing write as every slot change (see Store.write), so it never drifts.
 */
export type ScoreCard = {
  unitId: string;
  /** The unit's name on the slot written last (the assessment prefers the unit's current name). */
  unitName: string;
  entries: Array<{ obligationId: string; period: string; code: string }>;
};

export type Page<T> = { items: T[]; nextCursor?: string };
/** What the board reads of a slot. */
export type BoardSlot = Pick<
  Slot,
  | 'unitId'
  | 'unitName'
  | 'state'
  | 'deadline'
  | 'effectiveDeadline'
  | 'onTime'
  | 'lateDays'
  | 'submittedAt'
  | 'extendedUntil'
  | 'escalationLevel'
  | 'remindersSent'
  | 'chaseCount'
  | 'latestSubmissionId'
  | 'acknowledgedAt'
>;
export type UnitName = Pick<Unit, 'unitId' | 'name'>;
export type PageRequest = { limit?: number; cursor?: string };

/** One change in an all-or-nothing write. Conditions make replays and races harmless. */
export type WriteOp =
  | { type: 'putUnit'; unit: Unit }
  | { type: 'putObligation'; obligation: Obligation }
  | { type: 'putSettings'; settings: Settings }
  | { type: 'putCalendar'; year: number; holidays: IsoDate[]; workdays: IsoDate[] }
  /** ifVersion: the slot's version must still be this (0 = slot must not exist yet). */
  | { type: 'putSlot'; slot: Slot; ifVersion: number }
  /** ifState: the stored submission must be in this state (undefined = must not exist yet). */
  | { type: 'putSubmission'; submission: Submission; ifState?: Submission['state'] }
  /** A declared event (must not exist yet). */
  | { type: 'putEvent'; event: DutyEvent }
  /**
   * A notification's status, as Store.updateNotification sets it (with `ifStatus`: only if it is
   * still in that status, else ConditionFailed) — so a status and its audit line are one write.
   */
  | {
      type: 'notificationStatus';
      id: string;
      status: NotificationRecord['status'];
      error?: string;
      ifStatus?: NotificationRecord['status'];
      at?: string;
    }
  | { type: 'audit'; event: AuditEvent };

/**
 * A notification's delivery record (the exactly-once guard). Claimed as 'sending' before the
 * send; 'sent' or 'failed' (permanent) are final; 'retry' means a retryable failure released
 * the claim, and a redelivery may take it again (retry → sending, conditionally).
 * 'queued' is kept for records written before these states existed.
 */
export type NotificationRecord = {
  id: string;
  channel: 'email' | 'sms';
  to: string;
  status: 'queued' | 'sending' | 'retry' | 'sent' | 'failed';
  error?: string;
  at: string;
  kind?: string;
  attempts?: number;
};

export type ReceiptContext = {
  submission: Submission | null;
  slot: Slot | null;
  obligation: Obligation | null;
  unit: Unit | null;
  calendars: Map<number, { holidays: IsoDate[]; workdays: IsoDate[] }>;
};

export interface Store {
  /**
   * Applies every op or none; throws ConditionFailed when a condition does not hold. Each slot
   * it puts also sets that slot's entry on its unit's year score card, in the same write.
   */
  write(ops: WriteOp[]): Promise<void>;

  /** Every unit's score card of a year (one Query; a page per ~1 MB). */
  scoreCards(year: number): Promise<ScoreCard[]>;
  /**
   * What scoring needs beside the cards, in one BatchGetItem: the settings (null when never set),
   * these obligations (absent ones left out, the rest by id) and a marker's value (null: never set).
   */
  getScoringInputs(
    obligationIds: string[],
    marker: string,
  ): Promise<{ settings: Settings | null; obligations: Obligation[]; marker: string | null }>;
  /**
   * Sets these slots' entries on their score cards (a backfill for slots written before cards
   * were kept), each unless the card already holds the entry of that slot version or a later one.
   */
  keepScores(slots: Slot[]): Promise<void>;

  /** Appends audit events in bulk (no conditions; each event gets a fresh sort key). */
  appendAudit(events: AuditEvent[]): Promise<void>;

  getUnit(unitId: string): Promise<Unit | null>;
  /** Many units by id in a few batched reads (absent ids are left out). */
  getUnits(unitIds: string[]): Promise<Map<string, Unit>>;
  listUnits(): Promise<Unit[]>;
  /** Every unit's id and name only (the boards and the assessment name units; contacts stay unread). */
  unitNames(): Promise<UnitName[]>;
  getObligation(obligationId: string): Promise<Obligation | null>;
  listObligations(): Promise<Obligation[]>;
  getSettings(): Promise<Settings | null>;
  /**
   * What a sender batch reads first, in one BatchGetItem: the settings (null when never set), the
   * values of these markers (absent ones left out) and these units (absent ones left out).
   */
  getSendInputs(
    unitIds: string[],
    markers: string[],
  ): Promise<{ settings: Settings | null; markers: Map<string, string>; units: Map<string, Unit> }>;
  /** The office-loaded arrangements of these years (years without one are left out). */
  getCalendars(years: number[]): Promise<Map<number, { holidays: IsoDate[]; workdays: IsoDate[] }>>;
  /** An obligation (null when absent) and the office-loaded calendars of these years, in one BatchGetItem. */
  getObligationAndCalendars(
    obligationId: string,
    years: number[],
  ): Promise<{
    obligation: Obligation | null;
    calendars: Map<number, { holidays: IsoDate[]; workdays: IsoDate[] }>;
  }>;

  getSlot(obligationId: string, period: string, unitId: string): Promise<Slot | null>;
  /** A period's board: every unit's slot of one obligation period, by unitId. */
  slotsOfPeriod(obligationId: string, period: string, page?: PageRequest): Promise<Page<Slot>>;
  /** A period's board, as `slotsOfPeriod` but only the attributes the board shows. */
  boardSlots(obligationId: string, period: string, page?: PageRequest): Promise<Page<BoardSlot>>;
  /** A unit's slots and submissions of one year. */
  unitYear(unitId: string, year: number): Promise<{ slots: Slot[]; submissions: Submission[] }>;
  /** Slots whose next action date is on or before `date` (the sweep's work list). */
  slotsDueBy(date: IsoDate): Promise<Slot[]>;
  /** Every open or overdue slot whose effective deadline is before `today`, oldest first. */
  overdueSlots(today: IsoDate): Promise<Slot[]>;

  getSubmission(submissionId: string): Promise<Submission | null>;
  /** Many submissions by id in a few batched reads (absent ids are left out). */
  getSubmissions(submissionIds: string[]): Promise<Map<string, Submission>>;
  /**
   * What a receipt needs, in one BatchGetItem: the submission, its slot, obligation and unit
   * (null when absent), and the office-loaded calendars of these years.
   */
  getReceiptContext(
    ids: { submissionId: string; obligationId: string; period: string; unitId: string },
    calendarYears: number[],
  ): Promise<ReceiptContext>;

  /** The events that occurred in a year: one unit's, or (no unitId) every unit's. */
  eventsOf(year: number, unitId?: string): Promise<DutyEvent[]>;

  auditOf(unitId: string, year: number, page?: PageRequest): Promise<Page<AuditEvent>>;

  /** Claims a notification id; false when it was claimed before (sent once, never twice). */
  claimNotification(rec: NotificationRecord): Promise<boolean>;
  /**
   * Claims several distinct ids, each as claimNotification would (true: claimed now; false:
   * claimed before) — in one write when none was claimed before.
   */
  claimNotifications(recs: NotificationRecord[]): Promise<boolean[]>;
  getNotification(id: string): Promise<NotificationRecord | null>;
  /**
   * Sets a notification's status (and `at`, and attempts + 1 when entering 'sending'); with
   * `ifStatus`, only if it is still in that status — false when it was not.
   */
  updateNotification(
    id: string,
    status: NotificationRecord['status'],
    error?: string,
    ifStatus?: NotificationRecord['status'],
    at?: string,
  ): Promise<boolean>;

  /**
   * Counts one use of a named limit (e.g. a unit's upload forms in one 15-minute window): adds 1
   * and answers true while the count is below `limit`; at the limit, changes nothing and answers
   * false. Atomic, so concurrent callers never pass it together. The counter is deleted (TTL) after
   * `expiresAt` (epoch seconds).
   */
  takeFromLimit(name: string, limit: number, expiresAt: number): Promise<boolean>;

  /** A named marker (e.g. `slots-opened#2026`): its value, or null when never set. */
  getMarker(name: string): Promise<string | null>;
  setMarker(name: string, value: string): Promise<void>;
}

export class ConditionFailed extends Error {
  constructor(message = 'a write condition did not hold') {
    super(message);
    this.name = 'ConditionFailed';
  }
}

export interface Clock {
  now(): Date;
}

export type PresignedPost = { url: string; fields: Record<string, string>; expiresAt: string };

/** What one streamed read of an object gives (the receipt's checks need nothing else). */
export type ObjectRead = {
  size: number;
  lastModified: Date;
  /** The object version read (versioned buckets), pinned by every later read. */
  versionId?: string;
  /** The first `leadingBytes` bytes (fewer when the object is shorter). */
  leading: Uint8Array;
  /** The last `trailingBytes` bytes; empty when the object is over `maxBytes`. */
  trailing: Uint8Array;
  /** SHA-256 (hex) of the whole body; null when the object is over `maxBytes` (not read through). */
  sha256: string | null;
};

/** One object as a bucket listing shows it. */
export type ListedObject = { key: string; lastModified: Date };

/** The reading side of the bucket: what the receipt and the reconciliation use. */
export interface ObjectReader {
  /** Every object under `prefix` (key and creation time), page by page. */
  listObjects(prefix: string): AsyncIterable<ListedObject>;
  /** Whether an object is at this key. */
  exists(key: string): Promise<boolean>;
  /** One streamed GET: size, version, first and last bytes, SHA-256; null if absent. */
  read(
    key: string,
    opts: { leadingBytes: number; trailingBytes: number; maxBytes: number },
  ): Promise<ObjectRead | null>;
  move(fromKey: string, toKey: string): Promise<void>;
}

export interface ObjectStore extends ObjectReader {
  presignPost(input: {
    key: string;
    contentType: string;
    maxBytes: number;
    expiresSeconds: number;
    metadata: Record<string, string>;
  }): Promise<PresignedPost>;
  /** A short-lived GET that downloads as `fileName`, served as `contentType` when given. */
  presignGet(
    key: string,
    fileName: string,
    expiresSeconds: number,
    versionId?: string,
    contentType?: string,
  ): Promise<string>;
}

export type OutgoingMessage = {
  /** Deterministic id: slot + kind + offset/level + date (+ channel + recipient). */
  id: string;
  channel: 'email' | 'sms';
  to: string;
  subject?: string;
  text: string;
  /** What the audit trail should file this under. */
  unitId: string;
  obligationId?: string;
  period?: string;
  kind: string;
  /** Who it is for (the audit names the role, never the address): liaison, leader, office. */
  recipient?: string;
  /** Times the sender re-queued it after throttling (a fresh message each time, never dropped). */
  throttled?: number;
  /** Times the sender put it back untried while its channel was paused (misconfigured sending). */
  deferred?: number;
  /** SMS: the registered template and its parameters (`text` is it rendered). */
  template?: SmsTemplate;
};

export interface Mailer {
  /** unitId: whose notice it is (tagged on the message, so a bounce finds its unit again). */
  send(input: { from: string; to: string; subject: string; text: string; unitId?: string }): Promise<void>;
}

export interface SmsSender {
  /** `text` for services that send free text (End User Messaging); `template` for those that send
   *  only registered templates with parameters (Alibaba Cloud SMS). */
  send(input: { to: string; text: string; template?: SmsTemplate }): Promise<void>;
}

/** A queue of outgoing messages (SQS on AWS, in-process locally). */
export interface MessageQueue {
  /** delaySeconds: SQS DelaySeconds (≤ 900). */
  enqueue(messages: OutgoingMessage[], opts?: { delaySeconds?: number }): Promise<void>;
  /**
   * Makes a received message visible again only after `seconds` (SQS ChangeMessageVisibility):
   * 'held' for SMS quiet hours (counted on the runtime clock locally), 'retry' for back-off.
   */
  postpone?(
    received: { receiptHandle: string; eventSourceARN?: string },
    seconds: number,
    reason: 'held' | 'retry',
  ): Promise<void>;
}

/** Delivery errors the sender distinguishes. */
export class ThrottledError extends Error {
  constructor(message = 'throttled') {
    super(message);
    this.name = 'ThrottledError';
  }
}
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}
/**
 * Sending itself is misconfigured (an unverified sender identity, a wrong or unregistered SMS
 * origination identity, a missing permission): every message of the channel would fail the same
 * way until someone fixes it, so the sender pauses the channel and keeps the messages.
 */
export class SendConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SendConfigError';
  }
}

/** The people who sign in (SPEC §5 users): Cognito on AWS, the local table locally. */
export interface UserDirectory {
  /**
   * Set when the accounts live in another system (the china profile's government identity
   * provider): creating, disabling and enabling are refused with this text saying where to do it.
   */
  readonly managedElsewhere?: string;
  list(): Promise<UserAccount[]>;
  get(username: string): Promise<UserAccount | null>;
  /** Creates the account and sends the invitation email; UserExists if the username is taken. */
  create(user: NewUser): Promise<UserAccount>;
  setEnabled(username: string, enabled: boolean): Promise<void>;
  /** The unit users bound to one unit. */
  ofUnit(unitId: string): Promise<UserAccount[]>;
  /** China profile: records a person seen with a verified token (the mapping the API knows). */
  observe?(p: { username: string; role: 'office' | 'unit'; unitId?: string }): Promise<void>;
}

export class UserExists extends Error {
  constructor(username: string) {
    super(`user ${username} exists`);
    this.name = 'UserExists';
  }
}

/** Where the app layer reports what it did or swallowed (a notice that could not be queued after
 *  its change committed, a delivery's outcome). On Lambda the redacting JSON logger
 *  (shared/adapters/logger.ts). */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/**
 * Opening slots in the background (SPEC §2 slots; issue 10 "scale limits"): one job per obligation
 * and shard of at most OPEN_SLOTS_SHARD units (shared/app/slot-opening.ts). On AWS an SQS queue
 * and the opener function; locally an in-process queue drained before the caller answers.
 */
export type OpenSlotsJob = { year: number; obligationId: string; unitIds: string[] };
export interface SlotOpener {
  request(jobs: OpenSlotsJob[]): Promise<void>;
}
