import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  compareDates,
  eachDate,
  endOfDay,
  formatDateZh,
  shanghaiDate,
  shanghaiDateTime,
  shanghaiHour,
  startOfDay,
  weekday,
  weekdayZh,
  yearOf,
} from '../../../shared/domain/dates';
import { dateArb } from './helpers';

describe('dates (Asia/Shanghai, UTC+8, no DST)', () => {
  it('shanghaiDate reads the +08:00 calendar date, not the machine zone', () => {
    expect(shanghaiDate(new Date('2026-07-05T15:59:59.999Z'))).toBe('2026-07-05');
    expect(shanghaiDate(new Date('2026-07-05T16:00:00.000Z'))).toBe('2026-07-06');
    expect(shanghaiDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(shanghaiHour(new Date('2026-07-05T01:00:00Z'))).toBe(9);
    expect(shanghaiHour(new Date('2026-07-05T16:30:00Z'))).toBe(0);
    expect(shanghaiDateTime(new Date('2026-07-05T16:30:05Z'))).toBe('2026-07-06 00:30:05');
  });

  it('startOfDay and endOfDay bound the Shanghai day', () => {
    expect(startOfDay('2026-07-06').toISOString()).toBe('2026-07-05T16:00:00.000Z');
    expect(endOfDay('2026-07-06').toISOString()).toBe('2026-07-06T15:59:59.999Z');
  });

  it('weekday and weekdayZh', () => {
    expect(weekday('2026-07-05')).toBe(0);
    expect(weekday('2026-07-06')).toBe(1);
    expect(weekday('2026-12-05')).toBe(6);
    expect(weekdayZh('2026-07-06')).toBe('星期一');
    expect(weekdayZh('2026-07-05')).toBe('星期日');
    expect(formatDateZh('2026-07-06')).toBe('2026年7月6日（星期一）');
  });

  it('addDays crosses months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-07-06', 30)).toBe('2026-08-05');
  });

  it('eachDate is inclusive; compareDates and yearOf', () => {
    expect(eachDate('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(eachDate('2026-01-02', '2026-01-01')).toEqual([]);
    expect(compareDates('2026-01-01', '2026-01-02')).toBeLessThan(0);
    expect(compareDates('2026-01-02', '2026-01-02')).toBe(0);
    expect(yearOf('2031-05-01')).toBe(2031);
  });

  it('property: a date round-trips through its day bounds and agrees with Date.UTC weekday', () => {
    fc.assert(
      fc.property(dateArb(), fc.integer({ min: -400, max: 400 }), (d, n) => {
        expect(shanghaiDate(startOfDay(d))).toBe(d);
        expect(shanghaiDate(endOfDay(d))).toBe(d);
        expect(endOfDay(d).getTime() - startOfDay(d).getTime()).toBe(86_400_000 - 1);
        expect(shanghaiDate(new Date(endOfDay(d).getTime() + 1))).toBe(addDays(d, 1));
        expect(addDays(addDays(d, n), -n)).toBe(d);
        expect(weekday(d)).toBe(new Date(`${d}T00:00:00Z`).getUTCDay());
      }),
      { numRuns: 200 },
    );
  });
});
