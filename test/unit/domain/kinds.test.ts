// The kinds of SPEC §2 beyond deadline/monthly/quota: quarterly, once, event (and follow-ups).
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkdays, nextWorkdayOnOrAfter, workdaysAfter } from '../../../shared/domain/calendar';
import { addDays, eachDate, periodStart } from '../../../shared/domain/dates';
import {
  assertPeriodOf,
  effectiveDue,
  eventDue,
  isPeriodOf,
  newSlot,
  nominalDue,
  periodsOfYear,
  withHolidayRule,
} from '../../../shared/domain/due';
import { AppError } from '../../../shared/domain/errors';
import { periodLabel, reportLabel, requestMessage } from '../../../shared/domain/messages';
import { obligationBodySchema, periodSchema } from '../../../shared/domain/model';
import { cal, dateArb, makeObligation, obligation, unit } from './helpers';

const quarterly = (dueDay = 10) => makeObligation({ kind: 'quarterly', dueDay });
const eventOb = (
  withinDays: number,
  dayCount: 'calendar' | 'working' = 'calendar',
  holidayRule = 'next-workday',
) =>
  makeObligation({ kind: 'event', withinDays, dayCount, holidayRule }) as ReturnType<
    typeof makeObligation
  > & {
    kind: 'event';
  };

describe('quarterly', () => {
  it('four periods YYYY-Q1..Q4, due dueDay of the month after the quarter; Q4 → January of the next year', () => {
    const ob = quarterly(10);
    expect(periodsOfYear(ob, 2026)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(nominalDue(ob, '2026-Q1')).toBe('2026-04-10');
    expect(nominalDue(ob, '2026-Q2')).toBe('2026-07-10');
    expect(nominalDue(ob, '2026-Q3')).toBe('2026-10-10');
    expect(nominalDue(ob, '2026-Q4')).toBe('2027-01-10');
    expect(periodStart('2026-Q3')).toBe('2026-07-01');
    expect(periodStart('2026-Q4')).toBe('2026-10-01');
  });

  it('2026-Q4 due 01-01 of 2027 (a provisional year: New Year’s Day off) moves to Monday 2027-01-04', () => {
    expect(cal.year(2027).source).toBe('provisional');
    expect(effectiveDue(cal, quarterly(1), '2026-Q4')).toBe('2027-01-04');
    // 2026-Q3 due 10-05: the National Day holiday of 2026 (10-01..10-07) → 10-08
    expect(effectiveDue(cal, quarterly(5), '2026-Q3')).toBe('2026-10-08');
  });

  it('property: across year ends, Q4 is due in January of the next year on a working day, never earlier than nominal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2004, max: 2040 }), fc.integer({ min: 1, max: 28 }), (year, dueDay) => {
        const ob = quarterly(dueDay);
        const nominal = nominalDue(ob, `${year}-Q4`);
        expect(nominal).toBe(`${year + 1}-01-${String(dueDay).padStart(2, '0')}`);
        const eff = effectiveDue(cal, ob, `${year}-Q4`);
        expect(cal.isWorkday(eff)).toBe(true);
        expect(eff >= nominal).toBe(true);
        for (const d of eachDate(nominal, addDays(eff, -1))) expect(cal.isWorkday(d)).toBe(false);
      }),
    );
  });

  it('a period of another shape is invalid_input on period', () => {
    expect(isPeriodOf(quarterly(), '2026-Q4')).toBe(true);
    expect(isPeriodOf(quarterly(), '2026-Q5')).toBe(false);
    expect(() => nominalDue(quarterly(), '2026-10')).toThrow(AppError);
    expect(() => assertPeriodOf(obligation('annual-plan'), '2026-Q1')).toThrow(AppError);
    expect(periodSchema.safeParse('2026-Q0').success).toBe(false);
  });
});

describe('once', () => {
  const once = makeObligation({
    kind: 'once',
    dueDate: '2026-11-20',
    appliesTo: { tags: ['law-enforcement'] },
  });
  it('one period: the year of its due date; due that date', () => {
    expect(periodsOfYear(once, 2026)).toEqual(['2026']);
    expect(periodsOfYear(once, 2027)).toEqual([]);
    expect(nominalDue(once, '2026')).toBe('2026-11-20');
    expect(effectiveDue(cal, once, '2026')).toBe('2026-11-20'); // a Friday
  });
  it('dueDate must be a calendar date', () => {
    expect(obligationBodySchema.safeParse({ kind: 'once', name: 'x', dueDate: '2026-02-30' }).success).toBe(
      false,
    );
  });
  it('instructions: up to 2,000 characters, newlines allowed, no other control characters', () => {
    const body = { kind: 'once', name: 'x', dueDate: '2026-11-20' };
    expect(obligationBodySchema.safeParse({ ...body, instructions: '一、\n二、\t三' }).success).toBe(true);
    expect(obligationBodySchema.safeParse({ ...body, instructions: 'a\u0007b' }).success).toBe(false);
    expect(obligationBodySchema.safeParse({ ...body, instructions: 'x'.repeat(2001) }).success).toBe(false);
    expect(obligationBodySchema.safeParse({ ...body, instructions: '\ud800x' }).success).toBe(false);
    expect(obligationBodySchema.safeParse({ ...body, instructions: '规范性文件𠀀' }).success).toBe(true);
  });
});

describe('event', () => {
  it('the period is the event id (its date + 8 characters); no periods of a year', () => {
    const ob = obligation('normative-filing');
    expect(periodsOfYear(ob, 2026)).toEqual([]);
    expect(isPeriodOf(ob, '2026-09-25-k3m9x2ab')).toBe(true);
    expect(isPeriodOf(ob, '2026-02-30-k3m9x2ab')).toBe(false);
    expect(isPeriodOf(ob, '2026')).toBe(false);
    expect(periodStart('2026-09-25-k3m9x2ab')).toBe('2026-09-25');
    expect(periodSchema.safeParse('2026-09-25-k3m9x2ab').success).toBe(true);
  });

  it('规范性文件 published 2026-09-25: filing due 10-25 (a Sunday) → 10-26; review 365 days on, 2027-09-25 (a Saturday) → 09-27 in provisional 2027', () => {
    const filing = obligation('normative-filing');
    const review = obligation('normative-review');
    expect(filing.kind === 'event' && filing.followUps).toEqual([
      { obligationId: 'normative-review', afterDays: 365 },
    ]);
    const period = '2026-09-25-k3m9x2ab';
    expect(nominalDue(filing, period, cal)).toBe('2026-10-25');
    expect(effectiveDue(cal, filing, period)).toBe('2026-10-26');
    const event = { title: '《测试办法》', occurredOn: '2026-09-25' };
    const s = newSlot(cal, filing, unit, period, '2026-09-28', { event });
    expect([s.deadline, s.effectiveDeadline]).toEqual(['2026-10-25', '2026-10-26']);
    const f = newSlot(cal, review, unit, period, '2026-09-28', {
      nominal: addDays('2026-09-25', 365),
      event,
    });
    expect([f.deadline, f.effectiveDeadline]).toEqual(['2027-09-25', '2027-09-27']);
    expect(cal.year(2027).source).toBe('provisional');
    expect(f.event).toEqual(event);
    expect(s.acknowledgedAt).toBeNull();
  });

  it('property: for random events, withinDays and day counts the due date keeps the calendar rules of SPEC §3', () => {
    fc.assert(
      fc.property(
        dateArb(2020, 2030),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom('calendar' as const, 'working' as const),
        fc.constantFrom('next-workday', 'none'),
        (occurredOn, withinDays, dayCount, holidayRule) => {
          const ob = eventOb(withinDays, dayCount, holidayRule);
          const nominal = eventDue(cal, ob, occurredOn);
          const eff = withHolidayRule(cal, ob, nominal);
          if (dayCount === 'calendar') expect(nominal).toBe(addDays(occurredOn, withinDays));
          else {
            // the withinDays-th working day after the event: a working day, exactly withinDays of them in between
            expect(cal.isWorkday(nominal)).toBe(true);
            expect(workdaysAfter(cal, occurredOn, nominal)).toBe(withinDays);
            expect(nominal).toBe(addWorkdays(cal, occurredOn, withinDays));
          }
          if (holidayRule === 'none') expect(eff).toBe(nominal);
          else {
            expect(eff).toBe(nextWorkdayOnOrAfter(cal, nominal));
            expect(cal.isWorkday(eff)).toBe(true);
            for (const d of eachDate(nominal, addDays(eff, -1))) expect(cal.isWorkday(d)).toBe(false);
          }
          expect(eff > occurredOn).toBe(true);
          const slot = newSlot(cal, ob, unit, `${occurredOn}-abcdefgh`, occurredOn);
          expect(slot.effectiveDeadline).toBe(eff);
        },
      ),
      { seed: 13, numRuns: 300 },
    );
  });

  it('followUps must be well formed; dayCount defaults to calendar', () => {
    const ok = obligationBodySchema.parse({ kind: 'event', name: 'x', withinDays: 30 });
    expect(ok.kind === 'event' && [ok.dayCount, ok.followUps]).toEqual(['calendar', []]);
    expect(
      obligationBodySchema.safeParse({
        kind: 'event',
        name: 'x',
        withinDays: 30,
        followUps: [{ obligationId: 'Y' }],
      }).success,
    ).toBe(false);
    expect(obligationBodySchema.safeParse({ kind: 'event', name: 'x', withinDays: 0 }).success).toBe(false);
  });
});

describe('labels and the request notice (报送通知)', () => {
  it('periods read in Chinese', () => {
    expect(periodLabel('2026-Q4')).toBe('2026年第四季度');
    expect(periodLabel('2026-Q1')).toBe('2026年第一季度');
    expect(periodLabel('2026-09-25-k3m9x2ab')).toBe('2026年9月25日');
    expect(reportLabel({ kind: 'once', name: '执法统计表' }, {})).toBe('执法统计表');
    expect(reportLabel({ kind: 'event', name: '规范性文件备案' }, { event: { title: '《办法》' } })).toBe(
      '规范性文件备案（《办法》）',
    );
    expect(reportLabel({ kind: 'monthly', name: 'x' }, {})).toBeUndefined();
  });

  it('names what is asked, the effective deadline with its weekday, the instructions, the templates and the link', () => {
    const m = requestMessage({
      unitName: '区司法局',
      obligationName: '执法统计表',
      label: '执法统计表',
      period: '2026',
      effectiveDeadline: '2026-11-20',
      instructions: '请填写附件表格。',
      templates: [{ name: '统计表.xlsx' }],
      link: 'https://baosong.example.gov.cn/#/u/stats/2026',
      today: '2026-11-02',
    });
    expect(m.subject).toBe('【报送通知】区司法局：请于11月20日（周五）前报送执法统计表');
    expect(m.text).toContain('2026年11月20日（星期五）');
    expect(m.text).toContain('请填写附件表格。');
    expect(m.text).toContain('统计表.xlsx');
    expect(m.text).toContain('https://baosong.example.gov.cn/#/u/stats/2026');
    expect(m.text).toContain('签收');
  });
});
