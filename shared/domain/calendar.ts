// Working days (SPEC §3): the State Council arrangement as shipped by the `chinese-days`
// package, an office-loaded arrangement for a year (override), or — for a year neither
// covers — a provisional calendar: weekends plus 01-01, 05-01, 10-01..10-03.
// Note: chinese-days' own isWorkday() treats every weekday of an uncovered year as a
// working day; we read its data only, and decide coverage by which years it lists. The data
// comes compacted (./holiday-data.ts, generated from the package by scripts/holiday-data.ts).
import { addDays, compareDates, dayNumber, fromDayNumber, isWeekend, yearOf } from './dates';
import { PACKAGE_HOLIDAYS, PACKAGE_WORKDAYS } from './holiday-data';
import { type CalendarYear, DATE_RE, type IsoDate, isoDate } from './model';

export type CalendarOverride = { holidays: IsoDate[]; workdays: IsoDate[] };

export interface Calendar {
  isWorkday(d: IsoDate): boolean;
  year(y: number): CalendarYear;
}

/** The dates of a `{ year: 'MMDD MMDD …' }` table. */
const expand = (table: Record<number, string>) =>
  Object.entries(table).flatMap(([y, s]) => s.split(' ').map((md) => `${y}-${md.slice(0, 2)}-${md.slice(2)}`));

function groupByYear(dates: string[]): Map<number, IsoDate[]> {
  const out = new Map<number, IsoDate[]>();
  for (const d of dates) {
    if (!DATE_RE.test(d)) continue;
    const y = yearOf(d);
    const list = out.get(y) ?? [];
    list.push(d);
    out.set(y, list);
  }
  for (const list of out.values()) list.sort(compareDates);
  return out;
}

const pkgHolidays = groupByYear(expand(PACKAGE_HOLIDAYS));
const pkgWorkdays = groupByYear(expand(PACKAGE_WORKDAYS));

/** Whether the package lists an arrangement for that year (a year with no entries is not covered). */
export function packageCovers(year: number): boolean {
  return pkgHolidays.has(year) || pkgWorkdays.has(year);
}

/** The years the package covers, ascending. */
export function packageYears(): number[] {
  return [...new Set([...pkgHolidays.keys(), ...pkgWorkdays.keys()])].sort((a, b) => a - b);
}

/** Fixed-date holidays used when no arrangement is known for a year. */
export function provisionalHolidays(year: number): IsoDate[] {
  return ['01-01', '05-01', '10-01', '10-02', '10-03'].map((md) => `${year}-${md}`);
}

type YearData = { info: CalendarYear; holidays: Set<IsoDate>; workdays: Set<IsoDate> };

export function makeCalendar(overrides: ReadonlyMap<number, CalendarOverride> = new Map()): Calendar {
  const years = new Map<number, YearData>();
  const days = new Map<IsoDate, boolean>();

  function yearData(y: number): YearData {
    let yd = years.get(y);
    if (yd) return yd;
    const override = overrides.get(y);
    let info: CalendarYear;
    if (override) {
      info = {
        year: y,
        source: 'office',
        holidays: [...new Set(override.holidays)].sort(compareDates),
        workdays: [...new Set(override.workdays)].sort(compareDates),
      };
    } else if (packageCovers(y)) {
      info = {
        year: y,
        source: 'package',
        holidays: pkgHolidays.get(y) ?? [],
        workdays: pkgWorkdays.get(y) ?? [],
      };
    } else {
      info = { year: y, source: 'provisional', holidays: provisionalHolidays(y), workdays: [] };
    }
    yd = { info, holidays: new Set(info.holidays), workdays: new Set(info.workdays) };
    years.set(y, yd);
    return yd;
  }

  return {
    isWorkday(d) {
      const cached = days.get(d);
      if (cached !== undefined) return cached;
      const yd = yearData(yearOf(d));
      const result = yd.workdays.has(d) ? true : yd.holidays.has(d) ? false : !isWeekend(d);
      days.set(d, result);
      return result;
    },
    year(y) {
      const { info } = yearData(y);
      return { ...info, holidays: [...info.holidays], workdays: [...info.workdays] };
    },
  };
}

/** Problems with an office-loaded arrangement for `year`; an empty array means valid. */
export function validateCalendarOverride(
  year: number,
  body: CalendarOverride,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const lists = [
    ['holidays', body.holidays],
    ['workdays', body.workdays],
  ] as const;
  const seen = new Map<IsoDate, string>();
  for (const [name, list] of lists) {
    list.forEach((d, i) => {
      const field = `${name}[${i}]`;
      if (!isoDate.safeParse(d).success) {
        problems.push({ field, message: `${String(d)} is not a date YYYY-MM-DD` });
        return;
      }
      if (yearOf(d) !== year) {
        problems.push({ field, message: `${d} is not in ${year}` });
        return;
      }
      if (name === 'workdays' && !isWeekend(d)) {
        problems.push({
          field,
          message: `${d} is not a Saturday or Sunday; workdays lists make-up working days only`,
        });
      }
      const earlier = seen.get(d);
      if (earlier?.startsWith(name)) {
        problems.push({ field, message: `${d} is listed twice (also ${earlier})` });
      } else if (earlier) {
        problems.push({ field, message: `${d} is both a holiday and a workday (also ${earlier})` });
      } else {
        seen.set(d, field);
      }
    });
  }
  return problems;
}

const MAX_SCAN = 366;

/** d itself when it is a working day, else the next working day. */
export function nextWorkdayOnOrAfter(cal: Calendar, d: IsoDate): IsoDate {
  let n = dayNumber(d);
  for (let i = 0; i <= MAX_SCAN; i++, n++) {
    const day = fromDayNumber(n);
    if (cal.isWorkday(day)) return day;
  }
  throw new Error(`no working day within a year after ${d}`);
}

/** d itself when it is a working day, else the last working day before it. */
export function lastWorkdayOnOrBefore(cal: Calendar, d: IsoDate): IsoDate {
  let n = dayNumber(d);
  for (let i = 0; i <= MAX_SCAN; i++, n--) {
    const day = fromDayNumber(n);
    if (cal.isWorkday(day)) return day;
  }
  throw new Error(`no working day within a year before ${d}`);
}

/** The n-th working day after d (n ≥ 1); d itself for n ≤ 0. */
export function addWorkdays(cal: Calendar, d: IsoDate, n: number): IsoDate {
  let day = d;
  for (let left = n; left > 0; ) {
    day = addDays(day, 1);
    if (cal.isWorkday(day)) left--;
  }
  return day;
}

/** The number of working days in (from, to] — 0 when to ≤ from. */
export function workdaysAfter(cal: Calendar, from: IsoDate, to: IsoDate): number {
  let count = 0;
  for (let n = dayNumber(from) + 1, end = dayNumber(to); n <= end; n++) {
    if (cal.isWorkday(fromDayNumber(n))) count++;
  }
  return count;
}
