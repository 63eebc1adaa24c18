// Periods, nominal and effective due dates, cut-off, applicability, timeliness (SPEC §2, §3).
import { type Calendar, nextWorkdayOnOrAfter, workdaysAfter } from './calendar';
import { cutoffDate, slotCutoff } from './cutoff';
import { addDays, endOfDay, isLeapYear, pad2, shanghaiDate } from './dates';
import { invalid } from './errors';
import type { IsoDate, Obligation, Slot, Unit } from './model';
import { nextActionDate } from './plan';

export { cutoffDate, slotCutoff };

const YEAR_RE = /^\d{4}$/;
const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The periods of an obligation in a year: 'YYYY' (deadline, quota) or 'YYYY-01'..'YYYY-12' (monthly). */
export function periodsOfYear(ob: Pick<Obligation, 'kind'>, year: number): string[] {
  if (ob.kind === 'monthly') return Array.from({ length: 12 }, (_, i) => `${year}-${pad2(i + 1)}`);
  return [String(year)];
}

export function yearOfPeriod(period: string): number {
  return Number(period.slice(0, 4));
}

/** Whether `period` has the shape the obligation's kind uses. */
export function isPeriodOf(ob: Pick<Obligation, 'kind'>, period: string): boolean {
  return ob.kind === 'monthly' ? MONTH_RE.test(period) : YEAR_RE.test(period);
}

/** The due date before any holiday rule or extension. Throws invalid_input for a period of the wrong shape. */
export function nominalDue(ob: Obligation, period: string): IsoDate {
  if (!isPeriodOf(ob, period)) {
    throw invalid(
      'period',
      ob.kind === 'monthly' ? 'period must be YYYY-MM for a monthly report' : 'period must be YYYY',
    );
  }
  const year = yearOfPeriod(period);
  if (ob.kind === 'monthly') {
    const month = Number(period.slice(5, 7));
    const [y, m] = month === 12 ? [year + 1, 1] : [year, month + 1];
    return `${y}-${pad2(m)}-${pad2(ob.dueDay)}`;
  }
  const due = ob.due === '02-29' && !isLeapYear(year) ? '02-28' : ob.due;
  return `${year}-${due}`;
}

/** The due date that counts: the extension if any, else the nominal one moved by the holiday rule. */
export function effectiveDue(
  cal: Calendar,
  ob: Obligation,
  period: string,
  extendedUntil?: IsoDate | null,
): IsoDate {
  if (extendedUntil) return extendedUntil;
  const nominal = nominalDue(ob, period);
  return ob.holidayRule === 'next-workday' ? nextWorkdayOnOrAfter(cal, nominal) : nominal;
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

/** The day before a period starts: 'YYYY' → (YYYY−1)-12-31, 'YYYY-MM' → the last day of the month before. */
export function dayBeforePeriod(period: string): IsoDate {
  const start = period.length === 4 ? `${period}-01-01` : `${period}-01`;
  return addDays(start, -1);
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
): Slot {
  const deadline = nominalDue(ob, period);
  const slot: Slot = {
    obligationId: ob.obligationId,
    period,
    unitId: unit.unitId,
    unitName: unit.name,
    kind: ob.kind,
    state: 'open',
    deadline,
    effectiveDeadline: effectiveDue(cal, ob, period),
    extendedUntil: null,
    resubmitBy: null,
    onTime: null,
    lateDays: null,
    escalationLevel: 0,
    remindersSent: 0,
    chaseCount: 0,
    ...(ob.kind === 'quota' ? { count: 0, minCount: ob.minCount } : {}),
    submittedAt: null,
    latestSubmissionId: null,
    sent: [],
    nextActionDate: null,
    version: 0,
  };
  slot.nextActionDate = nextActionDate(cal, ob, slot, today ? addDays(today, -1) : dayBeforePeriod(period));
  return slot;
}
