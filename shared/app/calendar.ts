// Use cases around the working-day calendar: the office's yearly arrangements override the package.
import {
  type Calendar,
  type CalendarOverride,
  makeCalendar,
  validateCalendarOverride,
} from '../domain/calendar';
import { AppError } from '../domain/errors';
import type { CalendarYear, Principal } from '../domain/model';
import type { Store } from './ports';
import { auditOffice } from './audit';

/** The years whose arrangements a calendar around `years` reads (each year and its neighbours). */
export const calendarYearsAround = (years: number[]) => [...new Set(years.flatMap((y) => [y - 1, y, y + 1]))];

/** A calendar that knows the office's arrangements for the years around `year`. */
export async function loadCalendar(store: Store, years: number[]): Promise<Calendar> {
  const wanted = calendarYearsAround(years);
  const overrides: Map<number, CalendarOverride> = await store.getCalendars(wanted);
  return makeCalendar(overrides);
}

export async function getCalendarYear(store: Store, year: number): Promise<CalendarYear> {
  return (await loadCalendar(store, [year])).year(year);
}

export async function putCalendarYear(
  store: Store,
  who: Principal,
  year: number,
  body: CalendarOverride,
  now: Date,
): Promise<CalendarYear> {
  const issues = validateCalendarOverride(year, body);
  if (issues.length) throw new AppError('invalid_input', 'invalid calendar', issues);
  const holidays = [...new Set(body.holidays)].sort();
  const workdays = [...new Set(body.workdays)].sort();
  await store.write([
    { type: 'putCalendar', year, holidays, workdays },
    auditOffice(who, now, 'calendar-loaded', { year, holidays: holidays.length, workdays: workdays.length }),
  ]);
  return getCalendarYear(store, year);
}
