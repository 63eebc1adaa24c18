// Periods, nominal and effective due dates, cut-off, applicability, timeliness (SPEC §2, §3).
import { addWorkdays, type Calendar, nextWorkdayOnOrAfter, workdaysAfter } from './calendar';
import { cutoffDate, slotCutoff } from './cutoff';
import { addDays, endOfDay, isLeapYear, pad2, periodStart, shanghaiDate, yearOf } from './dates';
import { invalid } from './errors';
import { EVENT_ID_RE, type IsoDate, isoDate, type Obligation, type Slot, type Unit } from './model';
import { nextActionDate } from './plan';

export { cutoffDate, periodStart, slotCutoff };

const YEAR_RE = /^\d{4}$/;
const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
const QUARTER_RE = /^\d{4}-Q[1-4]$/;

/**
 * The periods of an obligation in a year: 'YYYY' (deadline, quota; once when its dueDate is in
 * that year), 'YYYY-01'..'YYYY-12' (monthly), 'YYYY-Q1'..'YYYY-Q4' (quarterly). Events have no
 * periods of their own: each declared event is one (its id).
 */
export function periodsOfYear(ob: Pick<Obligation, 'kind'> & Partial<Obligation>, year: number): string[] {
  if (ob.kind === 'monthly') return Array.from({ length: 12 }, (_, i) => `${year}-${pad2(i + 1)}`);
  if (ob.kind === 'quarterly') return [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
  if (ob.kind === 'event') return [];
  if (ob.kind === 'once') return ob.dueDate && yearOf(ob.dueDate) === year ? [String(year)] : [];
  return [String(year)];
}

export function yearOfPeriod(period: string): number {
  return Number(period.slice(0, 4));
}

/** Whether `period` has the shape the obligation's kind uses. */
export function isPeriodOf(ob: Pick<Obligation, 'kind'>, period: string): boolean {
  switch (ob.kind) {
    case 'monthly':
      return MONTH_RE.test(period);
    case 'quarterly':
      return QUARTER_RE.test(period);
    case 'event':
      return EVENT_ID_RE.test(period) && isoDate.safeParse(period.slice(0, 10)).success;
    default:
      return YEAR_RE.test(period);
  }
}

const PERIOD_SHAPES: Record<Obligation['kind'], string> = {
  deadline: 'period must be YYYY',
  quota: 'period must be YYYY',
  once: 'period must be YYYY (the year of its due date)',
  monthly: 'period must be YYYY-MM for a monthly report',
  quarterly: 'period must be YYYY-Qn for a quarterly report',
  event: 'period must be an event id (YYYY-MM-DD-xxxxxxxx)',
};

/** invalid_input on `period` unless it has the obligation's shape. */
export function assertPeriodOf(ob: Pick<Obligation, 'kind'>, period: string): void {
  if (!isPeriodOf(ob, period)) throw invalid('period', PERIOD_SHAPES[ob.kind]);
}

/** An `event` obligation's nominal due date: withinDays after the event, in calendar or working days. */
export function eventDue(cal: Calendar, ob: Obligation & { kind: 'event' }, occurredOn: IsoDate): IsoDate {
  return ob.dayCount === 'working' ? addWorkdays(cal, occurredOn, ob.withinDays) : addDays(occurredOn, ob.withinDays);
}

/**
 * The due date before any holiday rule or extension. Throws invalid_input for a period of the
 * wrong shape. An event slot's due date depends on the calendar (working-day counts) and, for a
 * follow-up, on the obligation that chained it: it is fixed when the slot opens (newSlot's
 * `nominal`) and read from the slot afterwards.
 */
export function nominalDue(ob: Obligation, period: string, cal?: Calendar): IsoDate {
  assertPeriodOf(ob, period);
  const year = yearOfPeriod(period);
  switch (ob.kind) {
    case 'monthly':
    case 'quarterly': {
      const month = ob.kind === 'monthly' ? Number(period.slice(5, 7)) : Number(period[6]) * 3;
      const [y, m] = month === 12 ? [year + 1, 1] : [year, month + 1];
      return `${y}-${pad2(m)}-${pad2(ob.dueDay)}`;
    }
    case 'once':
      return ob.dueDate;
    case 'event':
      if (!cal) throw new Error('nominalDue of an event obligation needs the calendar');
      return eventDue(cal, ob, period.slice(0, 10));
    default: {
      const due = ob.due === '02-29' && !isLeapYear(year) ? '02-28' : ob.due;
      return `${year}-${due}`;
    }
  }
}

/** A nominal due date moved by the obligation's holiday rule. */
export function withHolidayRule(cal: Calendar, ob: Pick<Obligation, 'holidayRule'>, nominal: IsoDate): IsoDate {
  return ob.holidayRule === 'next-workday' ? nextWorkdayOnOrAfter(cal, nominal) : nominal;
}

/** The due date that counts: the extension if any, else the nominal one moved by the holiday rule. */
export function effectiveDue(
  cal: Calendar,
  ob: Obligation,
  period: string,
  extendedUntil?: IsoDate | null,
): IsoDate {
  if (extendedUntil) return extendedUntil;
  return withHolidayRule(cal, ob, nominalDue(ob, period, cal));
}

/** Whether the obligation applies to the unit: 'all', or the unit matches any of kinds/tags/unitIds. */
export function appliesTo(
  ob: Pick<Obligation, 'appliesTo' | 'active'>,
  unit: Pick<Unit, 'unitId' | 'kind' | 'tags' | 'active'>,
): boolean {
  if (!ob.active || !unit.active) return false;
  const a = ob.appliesTo;
  if (a === 'all') return true;
  return Boolean(
    a.kinds?.includes(unit.kind) ||
      a.tags?.some((t) => unit.tags.includes(t)) ||
      a.unitIds?.includes(unit.unitId),
  );
}

/** Received on or before the end (23:59:59.999 Asia/Shanghai) of the effective due date. */
export function isOnTime(effective: IsoDate, receivedAt: Date): boolean {
  return receivedAt.getTime() <= endOfDay(effective).getTime();
}

/**
 * Working days late: 0 when on time, else the working days in (effective, day received] —
 * at least 1, so a report received late on a weekend or holiday still counts as late.
 */
export function lateDaysOf(cal: Calendar, effective: IsoDate, receivedAt: Date): number {
  if (isOnTime(effective, receivedAt)) return 0;
  return Math.max(1, workdaysAfter(cal, effective, shanghaiDate(receivedAt)));
}

/** The day before a period starts: 'YYYY' → (YYYY−1)-12-31, 'YYYY-MM' → the last day of the month before, … */
export function dayBeforePeriod(period: string): IsoDate {
  return addDays(periodStart(period), -1);
}

/**
 * A fresh `open` slot. Its nextActionDate is planned from `today` (inclusive) when given, else from
 * the start of the period — a date in the past just means "at the next sweep".
 */
export function newSlot(
  cal: Calendar,
  ob: Obligation,
  unit: Pick<Unit, 'unitId' | 'name'>,
  period: string,
  today?: IsoDate,
  opts: { nominal?: IsoDate; event?: Slot['event'] } = {},
): Slot {
  const deadline = opts.nominal ?? nominalDue(ob, period, cal);
  const slot: Slot = {
    obligationId: ob.obligationId,
    period,
    unitId: unit.unitId,
    unitName: unit.name,
    kind: ob.kind,
    state: 'open',
    deadline,
    effectiveDeadline: withHolidayRule(cal, ob, deadline),
    extendedUntil: null,
    resubmitBy: null,
    onTime: null,
    lateDays: null,
    escalationLevel: 0,
    remindersSent: 0,
    chaseCount: 0,
    ...(ob.kind === 'quota' ? { count: 0, minCount: ob.minCount } : {}),
    ...(opts.event ? { event: opts.event } : {}),
    acknowledgedAt: null,
    submittedAt: null,
    latestSubmissionId: null,
    sent: [],
    nextActionDate: null,
    version: 0,
  };
  slot.nextActionDate = nextActionDate(cal, ob, slot, today ? addDays(today, -1) : dayBeforePeriod(period));
  return slot;
}
