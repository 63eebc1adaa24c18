// Calendar dates in Asia/Shanghai (UTC+8, no DST since 1991). Never the machine's time zone:
// an instant is shifted by +8 h and read with the UTC getters; a date is handled as a UTC midnight.
import type { IsoDate } from './model';

const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKDAYS_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayNumber(d: IsoDate): number {
  const y = Number(d.slice(0, 4));
  const m = Number(d.slice(5, 7));
  const day = Number(d.slice(8, 10));
  return Math.floor(Date.UTC(y, m - 1, day) / DAY_MS);
}

/** The YYYY-MM-DD date of a day number (inverse of dayNumber). */
export function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Date): IsoDate {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The Asia/Shanghai hour (0..23) of an instant. */
export function shanghaiHour(instant: Date): number {
  return new Date(instant.getTime() + OFFSET_MS).getUTCHours();
}

/** 'YYYY-MM-DD HH:mm:ss' in Asia/Shanghai. */
export function shanghaiDateTime(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The first instant of a Shanghai date (00:00:00.000 +08:00). */
export function startOfDay(d: IsoDate): Date {
  return new Date(dayNumber(d) * DAY_MS - OFFSET_MS);
}

/** The last instant of a Shanghai date (23:59:59.999 +08:00). */
export function endOfDay(d: IsoDate): Date {
  return new Date((dayNumber(d) + 1) * DAY_MS - OFFSET_MS - 1);
}

export function addDays(d: IsoDate, n: number): IsoDate {
  return fromDayNumber(dayNumber(d) + n);
}

/** Calendar days from a to b (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayNumber(b) - dayNumber(a);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(d: IsoDate): number {
  return (((dayNumber(d) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function weekdayZh(d: IsoDate): string {
  return WEEKDAYS_ZH[weekday(d)]!;
}

export function isWeekend(d: IsoDate): boolean {
  const w = weekday(d);
  return w === 0 || w === 6;
}

/** Negative, 0 or positive as a is before, equal to or after b (ISO dates compare as strings). */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

export function yearOf(d: IsoDate): number {
  return Number(d.slice(0, 4));
}

/** The current year in Asia/Shanghai at `now` (the default year of every yearly view). */
export function shanghaiYear(now: Date): number {
  return yearOf(shanghaiDate(now));
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Every date from `from` to `to`, both included (empty when to < from). */
export function eachDate(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let n = dayNumber(from), end = dayNumber(to); n <= end; n++) out.push(fromDayNumber(n));
  return out;
}

/** A date as `2026年7月6日（星期一）`. */
export function formatDateZh(d: IsoDate, withWeekday = true): string {
  const text = `${yearOf(d)}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  return withWeekday ? `${text}（${weekdayZh(d)}）` : text;
}

/**
 * The first day of a period: YYYY → 01-01, YYYY-MM → its 1st, YYYY-Qn → the quarter's first day,
 * an event id (YYYY-MM-DD-…) → the day the event occurred.
 */
export function periodStart(period: string): IsoDate {
  if (/^\d{4}$/.test(period)) return `${period}-01-01`;
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) return `${q[1]}-${pad2((Number(q[2]) - 1) * 3 + 1)}-01`;
  if (/^\d{4}-\d{2}$/.test(period)) return `${period}-01`;
  return period.slice(0, 10);
}
