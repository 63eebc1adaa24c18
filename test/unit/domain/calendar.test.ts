import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkdays,
  lastWorkdayOnOrBefore,
  makeCalendar,
  nextWorkdayOnOrAfter,
  packageCovers,
  packageYears,
  validateCalendarOverride,
  workdaysAfter,
} from '../../../shared/domain/calendar';
import { addDays, eachDate, weekday } from '../../../shared/domain/dates';
import { cal, dateArb } from './helpers';

describe('calendar: the 2026 State Council arrangement (package data)', () => {
  it.each([
    ['2026-07-05', false, 'Sunday'],
    ['2026-07-06', true, 'Monday'],
    ['2026-12-05', false, 'Saturday'],
    ['2026-12-07', true, 'Monday'],
    ['2026-10-10', true, 'Saturday, make-up working day (调休上班)'],
    ['2026-09-20', true, 'Sunday, make-up working day'],
    ['2026-10-05', false, 'National Day holiday'],
    ['2026-10-07', false, 'National Day holiday'],
    ['2026-10-08', true, 'Thursday after National Day'],
    ['2026-04-20', true, 'Monday'],
    ['2026-01-01', false, "New Year's Day"],
    ['2026-02-14', true, 'Saturday, make-up working day before Spring Festival'],
    ['2026-02-23', false, 'Spring Festival (a Monday off)'],
  ])('%s is a working day: %s (%s)', (d, expected) => {
    expect(cal.isWorkday(d)).toBe(expected);
  });

  it('reports the 2026 year as source package, with holidays and make-up workdays', () => {
    const y = cal.year(2026);
    expect(y.source).toBe('package');
    expect(y.holidays).toContain('2026-10-05');
    expect(y.holidays).not.toContain('2026-07-05');
    expect(y.workdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it('derives coverage from the data: 2004..2026 covered, 2027 and 2031 not', () => {
    const years = packageYears();
    expect(years[0]).toBe(2004);
    expect(years).toContain(2026);
    expect(packageCovers(2026)).toBe(true);
    expect(packageCovers(2027)).toBe(false);
    expect(packageCovers(2031)).toBe(false);
    expect(packageCovers(2003)).toBe(false);
  });
});

describe('calendar: a year the package does not cover is provisional', () => {
  it('2031: weekends plus 01-01, 05-01, 10-01..10-03; weekdays otherwise working', () => {
    const y = cal.year(2031);
    expect(y.source).toBe('provisional');
    expect(y.holidays).toEqual(['2031-01-01', '2031-05-01', '2031-10-01', '2031-10-02', '2031-10-03']);
    expect(y.workdays).toEqual([]);
    expect(weekday('2031-01-01')).toBe(3); // a Wednesday, still off
    expect(cal.isWorkday('2031-01-01')).toBe(false);
    expect(weekday('2027-10-04')).toBe(1);
    expect(cal.isWorkday('2027-10-04')).toBe(true); // Monday after the fixed holidays
    // 2028 is also uncovered; its 10-02 is a Monday and stays off
    expect(weekday('2028-10-02')).toBe(1);
    expect(cal.isWorkday('2028-10-02')).toBe(false);
    expect(cal.isWorkday('2031-01-02')).toBe(true); // Thursday
    expect(cal.isWorkday('2031-01-04')).toBe(false); // Saturday
    expect(cal.isWorkday('2027-02-08')).toBe(true); // a plain Monday in an uncovered year
  });

  it('an office override replaces the year (source office), other years unaffected', () => {
    const c = makeCalendar(
      new Map([[2031, { holidays: ['2031-01-01', '2031-01-02', '2031-01-02'], workdays: ['2031-01-04'] }]]),
    );
    const y = c.year(2031);
    expect(y.source).toBe('office');
    expect(y.holidays).toEqual(['2031-01-01', '2031-01-02']);
    expect(y.workdays).toEqual(['2031-01-04']);
    expect(c.isWorkday('2031-01-02')).toBe(false);
    expect(c.isWorkday('2031-01-04')).toBe(true);
    expect(c.isWorkday('2031-05-01')).toBe(true); // not in the office's list: a plain Thursday
    expect(c.year(2030).source).toBe('provisional');
    expect(c.year(2026).source).toBe('package');
  });

  it('an override can replace a year the package covers', () => {
    const c = makeCalendar(new Map([[2026, { holidays: [], workdays: [] }]]));
    expect(c.year(2026).source).toBe('office');
    expect(c.isWorkday('2026-10-05')).toBe(true); // Monday, no holidays loaded
  });

  it('year() returns copies: mutating them does not change the calendar', () => {
    const c = makeCalendar();
    c.year(2026).holidays.push('2026-07-06');
    expect(c.year(2026).holidays).not.toContain('2026-07-06');
    expect(c.isWorkday('2026-07-06')).toBe(true);
  });
});

describe('validateCalendarOverride', () => {
  it('accepts a valid arrangement', () => {
    expect(
      validateCalendarOverride(2027, { holidays: ['2027-01-01', '2027-02-06'], workdays: ['2027-02-20'] }),
    ).toEqual([]);
  });
  it('flags a date outside the year, duplicates, holiday-and-workday, non-weekend workdays, non-dates', () => {
    const problems = validateCalendarOverride(2027, {
      holidays: ['2026-12-31', '2027-01-01', '2027-01-01', '2027-02-20', '2027-02-30'],
      workdays: ['2027-02-20', '2027-02-22'],
    });
    const fields = problems.map((p) => p.field);
    expect(fields).toEqual(['holidays[0]', 'holidays[2]', 'holidays[4]', 'workdays[0]', 'workdays[1]']);
    expect(problems[0]!.message).toMatch(/not in 2027/);
    expect(problems[1]!.message).toMatch(/twice/);
    expect(problems[2]!.message).toMatch(/not a date/);
    expect(problems[3]!.message).toMatch(/both a holiday and a workday/);
    expect(problems[4]!.message).toMatch(/Saturday or Sunday/);
  });
});

describe('working-day arithmetic', () => {
  it('examples around National Day 2026', () => {
    expect(nextWorkdayOnOrAfter(cal, '2026-10-05')).toBe('2026-10-08');
    expect(nextWorkdayOnOrAfter(cal, '2026-10-08')).toBe('2026-10-08');
    expect(lastWorkdayOnOrBefore(cal, '2026-10-05')).toBe('2026-09-30');
    expect(lastWorkdayOnOrBefore(cal, '2026-07-05')).toBe('2026-07-03');
    expect(addWorkdays(cal, '2026-07-06', 1)).toBe('2026-07-07');
    expect(addWorkdays(cal, '2026-07-06', 3)).toBe('2026-07-09');
    expect(addWorkdays(cal, '2026-09-30', 1)).toBe('2026-10-08');
    expect(addWorkdays(cal, '2026-10-08', 2)).toBe('2026-10-10'); // Saturday make-up day
    expect(workdaysAfter(cal, '2026-07-06', '2026-07-06')).toBe(0);
    expect(workdaysAfter(cal, '2026-07-06', '2026-07-13')).toBe(5);
    expect(workdaysAfter(cal, '2026-09-30', '2026-10-07')).toBe(0);
    expect(workdaysAfter(cal, '2026-07-06', '2026-07-01')).toBe(0);
  });

  it('property: the working-day helpers agree with a day-by-day count', () => {
    fc.assert(
      fc.property(dateArb(), fc.integer({ min: 1, max: 15 }), (d, n) => {
        const next = nextWorkdayOnOrAfter(cal, d);
        expect(cal.isWorkday(next)).toBe(true);
        expect(eachDate(d, addDays(next, -1)).some((x) => cal.isWorkday(x))).toBe(false);
        const last = lastWorkdayOnOrBefore(cal, d);
        expect(cal.isWorkday(last) && last <= d).toBe(true);
        const later = addWorkdays(cal, d, n);
        expect(cal.isWorkday(later)).toBe(true);
        expect(workdaysAfter(cal, d, later)).toBe(n);
        expect(workdaysAfter(cal, d, addDays(later, -1))).toBe(n - 1);
      }),
      { numRuns: 200 },
    );
  });
});
