import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextWorkdayOnOrAfter } from '../../../shared/domain/calendar';
import {
  appliesTo,
  cutoffDate,
  effectiveDue,
  isOnTime,
  lateDaysOf,
  newSlot,
  nominalDue,
  periodsOfYear,
  yearOfPeriod,
} from '../../../shared/domain/due';
import { AppError } from '../../../shared/domain/errors';
import { at, cal, makeObligation, obligation, obligationArb, periodArb, unit } from './helpers';

describe('periods and nominal due dates', () => {
  it('periodsOfYear', () => {
    expect(periodsOfYear(obligation('annual-plan'), 2026)).toEqual(['2026']);
    expect(periodsOfYear(obligation('law-study'), 2026)).toEqual(['2026']);
    const months = periodsOfYear(obligation('monthly-publicity'), 2026);
    expect(months).toHaveLength(12);
    expect(months[0]).toBe('2026-01');
    expect(months[11]).toBe('2026-12');
    expect(yearOfPeriod('2026-09')).toBe(2026);
    expect(yearOfPeriod('2027')).toBe(2027);
  });

  it('nominalDue: deadline/quota MM-DD of the year; monthly dueDay of the next month; Dec → January', () => {
    expect(nominalDue(obligation('half-year-report'), '2026')).toBe('2026-07-05');
    expect(nominalDue(obligation('law-study'), '2026')).toBe('2026-12-31');
    expect(nominalDue(obligation('monthly-publicity'), '2026-09')).toBe('2026-10-05');
    expect(nominalDue(obligation('monthly-publicity'), '2026-12')).toBe('2027-01-05');
  });

  it('nominalDue: 02-29 falls back to 02-28 in a non-leap year', () => {
    const ob = makeObligation({ kind: 'deadline', due: '02-29' });
    expect(nominalDue(ob, '2028')).toBe('2028-02-29');
    expect(nominalDue(ob, '2027')).toBe('2027-02-28');
    expect(nominalDue(ob, '2100')).toBe('2100-02-28');
  });

  it('nominalDue refuses a period of the wrong shape with invalid_input on period', () => {
    for (const [id, period] of [
      ['monthly-publicity', '2026'],
      ['annual-plan', '2026-01'],
    ] as const) {
      let thrown: unknown;
      try {
        nominalDue(obligation(id), period);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `${id} ${period} must be refused`).toBeInstanceOf(AppError);
      expect((thrown as AppError).code).toBe('invalid_input');
      expect((thrown as AppError).details?.[0]?.field).toBe('period');
    }
  });
});

describe('effective due dates against the official 2026 arrangement', () => {
  it.each([
    ['half-year-report', '2026', '2026-07-05', '2026-07-06'], // Sunday → Monday
    ['annual-summary', '2026', '2026-12-05', '2026-12-07'], // Saturday → Monday
    ['annual-plan', '2026', '2026-04-20', '2026-04-20'], // a Monday working day
    // National Day 2026 is 10-01..10-07 in the State Council notice (and the package data);
    // 10-08 (Thursday) is the first working day after it.
    ['monthly-publicity', '2026-09', '2026-10-05', '2026-10-08'],
    ['law-study', '2026', '2026-12-31', '2026-12-31'],
  ])('%s %s: nominal %s → effective %s', (id, period, nominal, effective) => {
    const ob = obligation(id);
    expect(nominalDue(ob, period)).toBe(nominal);
    expect(effectiveDue(cal, ob, period)).toBe(effective);
  });

  it("holidayRule 'none' leaves a weekend due date; an extension replaces it", () => {
    const ob = { ...obligation('half-year-report'), holidayRule: 'none' as const };
    expect(effectiveDue(cal, ob, '2026')).toBe('2026-07-05');
    expect(effectiveDue(cal, obligation('half-year-report'), '2026', '2026-07-20')).toBe('2026-07-20');
    expect(effectiveDue(cal, obligation('half-year-report'), '2026', null)).toBe('2026-07-06');
  });

  it('property: the effective due date is a working day, never before the nominal one, equal when that is a working day', () => {
    fc.assert(
      fc.property(
        obligationArb.chain((ob) => fc.tuple(fc.constant(ob), periodArb(ob))),
        ([ob, period]) => {
          const nominal = nominalDue(ob, period);
          const effective = effectiveDue(cal, ob, period);
          expect(cal.isWorkday(effective)).toBe(true);
          expect(effective >= nominal).toBe(true);
          if (cal.isWorkday(nominal)) expect(effective).toBe(nominal);
          expect(effective).toBe(nextWorkdayOnOrAfter(cal, nominal));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('cut-off, timeliness', () => {
  it('cutoffDate = effective + gracePeriodDays calendar days', () => {
    expect(cutoffDate(obligation('half-year-report'), '2026-07-06')).toBe('2026-08-05');
    expect(cutoffDate({ gracePeriodDays: 0 }, '2026-07-06')).toBe('2026-07-06');
  });

  it('on time through 23:59:59.999 Shanghai of the effective due date', () => {
    expect(isOnTime('2026-07-06', at('2026-07-06', '23:59:59.999'))).toBe(true);
    expect(isOnTime('2026-07-06', at('2026-07-07', '00:00:00'))).toBe(false);
    expect(isOnTime('2026-07-06', new Date('2026-07-06T15:59:59.999Z'))).toBe(true);
    expect(isOnTime('2026-07-06', new Date('2026-07-06T16:00:00.000Z'))).toBe(false);
  });

  it('lateDaysOf counts working days after the due date, at least 1 when late', () => {
    expect(lateDaysOf(cal, '2026-07-06', at('2026-07-06', '18:00:00'))).toBe(0);
    expect(lateDaysOf(cal, '2026-07-06', at('2026-07-07'))).toBe(1);
    expect(lateDaysOf(cal, '2026-07-06', at('2026-07-09'))).toBe(3);
    expect(lateDaysOf(cal, '2026-07-06', at('2026-07-13'))).toBe(5);
    expect(lateDaysOf(cal, '2026-07-03', at('2026-07-04'))).toBe(1); // late on a Saturday
    expect(lateDaysOf(cal, '2026-09-30', at('2026-10-09'))).toBe(2); // the holiday week does not count
  });
});

describe('appliesTo', () => {
  const enforcement = {
    ...unit,
    unitId: 'market-bureau',
    kind: 'department' as const,
    tags: ['law-enforcement'],
  };
  it('all / kinds / tags / unitIds, any of them', () => {
    expect(appliesTo(obligation('annual-plan'), unit)).toBe(true);
    expect(appliesTo(obligation('monthly-publicity'), unit)).toBe(false);
    expect(appliesTo(obligation('monthly-publicity'), enforcement)).toBe(true);
    const ob = makeObligation({
      kind: 'deadline',
      due: '05-01',
      appliesTo: { kinds: ['department'], unitIds: ['town-a'] },
    });
    expect(appliesTo(ob, unit)).toBe(true);
    expect(appliesTo(ob, enforcement)).toBe(true);
    expect(appliesTo(ob, { ...unit, unitId: 'town-b' })).toBe(false);
    expect(appliesTo(makeObligation({ kind: 'deadline', due: '05-01', appliesTo: {} }), unit)).toBe(false);
  });
  it('inactive units or obligations → false', () => {
    expect(appliesTo(obligation('annual-plan'), { ...unit, active: false })).toBe(false);
    expect(appliesTo({ ...obligation('annual-plan'), active: false }, unit)).toBe(false);
  });
});

describe('newSlot', () => {
  it('a fresh open slot with deadlines, counters 0 and the first reminder day as next action', () => {
    const s = newSlot(cal, obligation('half-year-report'), unit, '2026');
    expect(s).toMatchObject({
      obligationId: 'half-year-report',
      period: '2026',
      unitId: 'town-a',
      unitName: '城关镇人民政府',
      kind: 'deadline',
      state: 'open',
      deadline: '2026-07-05',
      effectiveDeadline: '2026-07-06',
      extendedUntil: null,
      resubmitBy: null,
      onTime: null,
      lateDays: null,
      escalationLevel: 0,
      remindersSent: 0,
      chaseCount: 0,
      submittedAt: null,
      latestSubmissionId: null,
      sent: [],
      version: 0,
      nextActionDate: '2026-06-29',
    });
    expect(s.count).toBeUndefined();
  });

  it('quota slots carry count 0 and minCount; a slot opened late plans from today', () => {
    const q = newSlot(cal, obligation('law-study'), unit, '2026');
    expect(q.count).toBe(0);
    expect(q.minCount).toBe(3);
    expect(q.nextActionDate).toBe('2026-12-24');
    const late = newSlot(cal, obligation('half-year-report'), unit, '2026', '2026-07-02');
    expect(late.nextActionDate).toBe('2026-07-02');
  });
});
