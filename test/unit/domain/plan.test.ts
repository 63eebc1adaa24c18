import { describe, expect, it } from 'vitest';
import { eachDate } from '../../../shared/domain/dates';
import { newSlot } from '../../../shared/domain/due';
import type { Slot } from '../../../shared/domain/model';
import { nextActionDate, planDay } from '../../../shared/domain/plan';
import { applySlotEvent } from '../../../shared/domain/slotState';
import { at, cal, makeObligation, obligation, sweep, unit } from './helpers';

const halfYear = obligation('half-year-report');
const fresh = () => newSlot(cal, halfYear, unit, '2026');

/** The expected year of half-year-report 2026 (due 07-05 Sunday → effective 07-06 Monday). */
const EXPECTED_2026 = [
  // due − 7 = 06-29, a Monday
  { date: '2026-06-29', notices: [{ kind: 'reminder', offset: 7, dueRef: '2026-07-06', sms: false }] },
  // due − 3 = 07-03 Friday; due − 1 = 07-05 Sunday → last working day on or before = 07-03:
  // two offsets on one day → one reminder, for the smaller offset (1, by SMS too)
  { date: '2026-07-03', notices: [{ kind: 'reminder', offset: 1, dueRef: '2026-07-06', sms: true }] },
  { date: '2026-07-06', notices: [{ kind: 'reminder', offset: 0, dueRef: '2026-07-06', sms: true }] },
  {
    date: '2026-07-07',
    becameOverdue: true,
    notices: [{ kind: 'escalation', level: 1, to: 'leader', dueRef: '2026-07-06', sms: true }],
  },
  {
    date: '2026-07-09',
    notices: [{ kind: 'escalation', level: 2, to: 'office', dueRef: '2026-07-06', sms: true }],
  },
  // cut-off 07-06 + 30 = 08-05: closes on 08-06
  { date: '2026-08-06', closed: true, notices: [] },
];

const normalise = (log: ReturnType<typeof sweep>['log']) =>
  log.map((e) => ({
    date: e.date,
    notices: e.notices,
    ...(e.becameOverdue ? { becameOverdue: true } : {}),
    ...(e.closed ? { closed: true } : {}),
  }));

describe('planDay: half-year-report 2026 with default offsets [7,3,1,0]', () => {
  it('a daily sweep sends exactly these notices, on these days', () => {
    const { slot, log } = sweep(cal, halfYear, fresh(), '2026-01-01', '2026-12-31');
    expect(normalise(log)).toEqual(EXPECTED_2026);
    expect(slot.state).toBe('closed');
    expect(slot.remindersSent).toBe(3);
    expect(slot.escalationLevel).toBe(2);
    expect(slot.nextActionDate).toBeNull();
    expect(slot.sent).toEqual([
      'reminder:7:2026-07-06',
      'reminder:1:2026-07-06',
      'reminder:0:2026-07-06',
      'escalation:1:2026-07-06',
      'escalation:2:2026-07-06',
    ]);
  });

  it('the indexed sweep (only slots with nextActionDate ≤ today) does exactly the same', () => {
    const { log } = sweep(cal, halfYear, fresh(), '2026-01-01', '2026-12-31', { sparse: true });
    expect(normalise(log)).toEqual(EXPECTED_2026);
  });

  it('the next action date walks the same days', () => {
    let slot: Slot = fresh();
    const dates: string[] = [];
    for (let d = slot.nextActionDate; d; d = slot.nextActionDate) {
      dates.push(d);
      const plan = planDay(cal, halfYear, slot, d);
      slot = {
        ...slot,
        state: plan.close ? 'closed' : plan.becomeOverdue ? 'overdue' : slot.state,
        sent: [...slot.sent, ...plan.sentKeys],
        nextActionDate: plan.nextActionDate,
      };
    }
    expect(dates).toEqual(EXPECTED_2026.map((e) => e.date));
  });

  it('on a non-working day there are no notices, but the slot can still become overdue', () => {
    const slot = fresh();
    expect(planDay(cal, halfYear, slot, '2026-07-05').notices).toEqual([]); // Sunday
    const sat = planDay(cal, halfYear, slot, '2026-07-11'); // Saturday after the due date, never swept
    expect(sat.becomeOverdue).toBe(true);
    expect(sat.notices).toEqual([]);
    expect(sat.nextActionDate).toBe('2026-07-13');
  });
});

describe('planDay: missed sweeps send only the most recent notice, never a backlog', () => {
  it('first sweep on 07-03: only the offset-1 reminder', () => {
    const { log } = sweep(cal, halfYear, fresh(), '2026-06-01', '2026-07-05', {
      days: new Set(['2026-07-03']),
    });
    expect(log.map((e) => e.notices.map((n) => n.kind === 'reminder' && n.offset))).toEqual([[1]]);
  });

  it('sweeps missed from 06-29 to 07-05: only the due-day reminder on 07-06', () => {
    const days = new Set(eachDate('2026-06-01', '2026-06-28').concat(['2026-07-06']));
    const { log } = sweep(cal, halfYear, fresh(), '2026-06-01', '2026-07-06', { days });
    expect(log.flatMap((e) => e.notices)).toEqual([
      { kind: 'reminder', offset: 0, dueRef: '2026-07-06', sms: true },
    ]);
  });

  it('a reminder already sent for a smaller offset suppresses a larger one', () => {
    const slot = { ...fresh(), sent: ['reminder:1:2026-07-06'] };
    expect(planDay(cal, halfYear, slot, '2026-07-03').notices).toEqual([]);
    expect(planDay(cal, halfYear, slot, '2026-07-06').notices).toHaveLength(1);
  });

  it('first sweep after the due date on 07-10: overdue and straight to level 2, never level 1 after it', () => {
    const days = new Set(['2026-07-10', '2026-07-13', '2026-07-14']);
    const { slot, log } = sweep(cal, halfYear, fresh(), '2026-07-01', '2026-07-31', { days });
    expect(normalise(log)).toEqual([
      {
        date: '2026-07-10',
        becameOverdue: true,
        notices: [{ kind: 'escalation', level: 2, to: 'office', dueRef: '2026-07-06', sms: true }],
      },
    ]);
    expect(slot.escalationLevel).toBe(2);
  });
});

describe('planDay: which slots get notices', () => {
  it('no notices and no next action for submitted, accepted, waived or closed slots', () => {
    for (const state of ['submitted', 'accepted', 'waived', 'closed'] as const) {
      const slot = { ...fresh(), state };
      for (const d of ['2026-06-29', '2026-07-06', '2026-07-09', '2026-08-06']) {
        const plan = planDay(cal, halfYear, slot, d);
        expect(plan).toEqual({
          becomeOverdue: false,
          close: false,
          notices: [],
          sentKeys: [],
          nextActionDate: null,
        });
      }
      expect(nextActionDate(cal, halfYear, slot, '2026-01-01')).toBeNull();
    }
  });

  it('a returned slot counts reminders and escalation from resubmitBy', () => {
    let slot = applySlotEvent(cal, halfYear, fresh(), {
      type: 'received',
      at: at('2026-07-01'),
      submissionId: 'sub-1',
    });
    slot = applySlotEvent(cal, halfYear, slot, { type: 'returned', resubmitBy: '2026-07-15' }, '2026-07-08');
    expect(slot.nextActionDate).toBe('2026-07-08'); // resubmitBy − 7 = 07-08
    const { log } = sweep(cal, halfYear, slot, '2026-07-08', '2026-07-31');
    expect(
      log.map((e) => [
        e.date,
        ...e.notices.map((n) => (n.kind === 'reminder' ? `r${n.offset}` : `e${n.level}`)),
      ]),
    ).toEqual([
      ['2026-07-08', 'r7'],
      ['2026-07-10', 'r3'],
      ['2026-07-14', 'r1'],
      ['2026-07-15', 'r0'],
      ['2026-07-16', 'e1'],
      ['2026-07-20', 'e2'],
    ]);
    expect(log.every((e) => !e.becameOverdue && !e.closed)).toBe(true);
  });

  it('a returned slot past its cut-off is not closed; it just gets no more notices', () => {
    const slot: Slot = { ...fresh(), state: 'returned', resubmitBy: '2026-07-15', onTime: true, lateDays: 0 };
    // cut-off: max(07-06 + 30, 07-15 + 30) = 08-14
    const plan = planDay(cal, halfYear, slot, '2026-08-17');
    expect(plan.close).toBe(false);
    expect(plan.notices).toEqual([]);
    expect(plan.nextActionDate).toBeNull();
  });

  it('a quota slot is reminded until count ≥ minCount', () => {
    const lawStudy = obligation('law-study');
    const slot = { ...newSlot(cal, lawStudy, unit, '2026'), count: 2 };
    expect(planDay(cal, lawStudy, slot, '2026-12-24').notices).toHaveLength(1);
    expect(
      planDay(cal, lawStudy, { ...slot, count: 3, state: 'submitted' as const }, '2026-12-24').notices,
    ).toEqual([]);
    // not met after the cut-off: closed
    expect(planDay(cal, lawStudy, { ...slot, state: 'overdue' as const }, '2027-01-31').close).toBe(true);
  });

  it('an extension moves reminders and escalation to the new date', () => {
    let slot = sweep(cal, halfYear, fresh(), '2026-06-01', '2026-07-08').slot;
    expect(slot.state).toBe('overdue');
    slot = applySlotEvent(cal, halfYear, slot, { type: 'extended', until: '2026-07-20' }, '2026-07-08');
    expect(slot.state).toBe('open');
    expect(slot.escalationLevel).toBe(0);
    const { log } = sweep(cal, halfYear, slot, '2026-07-08', '2026-07-31');
    expect(
      log.map((e) => [
        e.date,
        ...e.notices.map((n) => (n.kind === 'reminder' ? `r${n.offset}` : `e${n.level}`)),
      ]),
    ).toEqual([
      ['2026-07-13', 'r7'],
      ['2026-07-17', 'r1'], // 07-17 − 3 and 07-19 (Sunday) − 1 share Friday 07-17
      ['2026-07-20', 'r0'],
      ['2026-07-21', 'e1'],
      ['2026-07-23', 'e2'],
    ]);
  });

  it('two offsets with the same send day give one reminder for the smaller offset', () => {
    const ob = makeObligation({ kind: 'deadline', due: '07-06', reminderDays: [2, 1] });
    // 07-06 − 2 = 07-04 Sat, − 1 = 07-05 Sun: both send on Friday 07-03
    const { log } = sweep(cal, ob, newSlot(cal, ob, unit, '2026'), '2026-06-01', '2026-07-06');
    expect(log.flatMap((e) => e.notices)).toEqual([
      { kind: 'reminder', offset: 1, dueRef: '2026-07-06', sms: true },
    ]);
    expect(log[0]!.date).toBe('2026-07-03');
  });

  it('with no escalation ladder, an overdue slot just waits for its cut-off', () => {
    const ob = makeObligation({ kind: 'deadline', due: '07-06', escalation: [], reminderDays: [] });
    const { log } = sweep(cal, ob, newSlot(cal, ob, unit, '2026'), '2026-06-01', '2026-12-31');
    expect(normalise(log)).toEqual([
      { date: '2026-07-07', becameOverdue: true, notices: [] },
      { date: '2026-08-06', closed: true, notices: [] },
    ]);
  });
});
