// What mutation testing showed unpinned (issue 11): each test fails if the rule is mutated.
// (The pacer is pinned by test/unit/app/pacer.test.ts.)
import { describe, expect, it } from 'vitest';
import { appliesTo, lateDaysOf, newSlot } from '../../../shared/domain/due';
import type { Slot } from '../../../shared/domain/model';
import { applySlotEvent } from '../../../shared/domain/slotState';
import { at, cal, makeObligation, obligation, unit } from './helpers';

describe('late days count Shanghai dates, not UTC dates', () => {
  it.each([
    ['00:00:00', 1],
    ['07:59:59', 1],
    ['08:00:00', 1],
  ])(
    'received 2026-07-07 %s Shanghai (UTC still 07-06 before 08:00) against due 07-06 → %i day late',
    (time, days) => {
      // 2026-07-06 (Mon) is the effective due date of half-year-report 2026; 07-07 is a Tuesday.
      expect(lateDaysOf(cal, '2026-07-06', at('2026-07-07', time))).toBe(days);
    },
  );
  it('received 2026-07-08 03:00 Shanghai is 2 working days late (UTC says 07-07)', () => {
    expect(lateDaysOf(cal, '2026-07-06', at('2026-07-08', '03:00:00'))).toBe(2);
  });
  it('the first received version of a slot gets those late days', () => {
    const ob = obligation('half-year-report');
    const slot = applySlotEvent(
      cal,
      ob,
      newSlot(cal, ob, unit, '2026'),
      { type: 'received', at: at('2026-07-08', '07:30:00'), submissionId: 's1' },
      '2026-07-08',
    );
    expect([slot.onTime, slot.lateDays]).toEqual([false, 2]);
  });
});

describe('appliesTo with several tags: a unit matching any of them', () => {
  const ob = makeObligation({
    kind: 'deadline',
    due: '12-05',
    appliesTo: { tags: ['law-enforcement', 'pilot'] },
  });
  it.each([
    [['law-enforcement'], true],
    [['pilot'], true],
    [['pilot', 'law-enforcement'], true],
    [['other'], false],
    [[], false],
  ])('tags %j → %s', (tags, expected) => {
    expect(appliesTo(ob, { ...unit, tags })).toBe(expected);
  });
  it('kinds, tags and unitIds: any one of them is enough', () => {
    const mixed = makeObligation({
      kind: 'deadline',
      due: '12-05',
      appliesTo: { kinds: ['department'], tags: ['pilot'], unitIds: ['town-z'] },
    });
    expect(appliesTo(mixed, { ...unit, kind: 'department' })).toBe(true);
    expect(appliesTo(mixed, { ...unit, tags: ['pilot'] })).toBe(true);
    expect(appliesTo(mixed, { ...unit, unitId: 'town-z' })).toBe(true);
    expect(appliesTo(mixed, unit)).toBe(false);
  });
});

describe('a returned quota record leaves count unchanged', () => {
  it('return, then the resubmission: count stays what it was', () => {
    const ob = obligation('law-study');
    let slot: Slot = newSlot(cal, ob, unit, '2026');
    for (const [i, d] of ['2026-03-02', '2026-06-01', '2026-09-01'].entries())
      slot = applySlotEvent(cal, ob, slot, { type: 'received', at: at(d), submissionId: `s${i}` }, d);
    expect([slot.state, slot.count]).toEqual(['submitted', 3]);
    slot = applySlotEvent(cal, ob, slot, { type: 'returned', resubmitBy: '2026-09-10' }, '2026-09-02');
    expect([slot.state, slot.count]).toEqual(['returned', 3]);
    slot = applySlotEvent(
      cal,
      ob,
      slot,
      { type: 'received', at: at('2026-09-05'), submissionId: 's9' },
      '2026-09-05',
    );
    expect([slot.state, slot.count]).toEqual(['submitted', 3]);
  });
});
