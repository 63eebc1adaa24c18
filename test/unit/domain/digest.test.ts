// Which owing slots the office digest lists (shared/domain/digest.ts), and in what order.
import { describe, expect, it } from 'vitest';
import { digestItems } from '../../../shared/domain/digest';
import { newSlot } from '../../../shared/domain/due';
import { type Slot, slotRef } from '../../../shared/domain/model';
import { cal, obligation, unit } from './helpers';

const halfYear = obligation('half-year-report'); // 2026: due 07-05 (a Sunday) → effective 07-06
const slot = (unitId: string, over: Partial<Slot> = {}): Slot => ({
  ...newSlot(cal, halfYear, { ...unit, unitId, name: `单位${unitId}` }, '2026'),
  state: 'overdue',
  ...over,
});
const obligations = new Map([[halfYear.obligationId, halfYear]]);
const select = (slots: Slot[], today: string, escalated: Slot[] = [], names: Record<string, string> = {}) =>
  digestItems({
    slots,
    obligations,
    unitName: (id) => names[id],
    cal,
    escalatedToOffice: new Set(escalated.map(slotRef)),
    today,
  });

describe('the office digest’s selection', () => {
  it('lists slots newly overdue since the previous working day, and says it is news', () => {
    // Tuesday 07-07: the deadline 07-06 passed yesterday.
    const { items, news } = select([slot('a')], '2026-07-07');
    expect(items.map((i) => [i.unitName, i.newlyOverdue, i.lateDays])).toEqual([['单位a', true, 1]]);
    expect(news).toBe(true);
  });
  it('keeps listing level-2 escalations, but not older slots below level 2; no news without new ones', () => {
    const old = slot('a');
    const escalated = slot('b', { escalationLevel: 2 });
    const { items, news } = select([old, escalated], '2026-07-20');
    expect(items.map((i) => i.unitName)).toEqual(['单位b']);
    expect(items[0]?.newlyOverdue).toBeUndefined();
    expect(news).toBe(false);
  });
  it('lists what this run escalated to the office, and that is news', () => {
    const s = slot('c');
    const { items, news } = select([s], '2026-07-20', [s]);
    expect(items.map((i) => i.unitName)).toEqual(['单位c']);
    expect(news).toBe(true);
  });
  it('leaves out slots that owe nothing, are not yet due, or whose obligation is gone', () => {
    const submitted = slot('a', { state: 'submitted', escalationLevel: 2 });
    const notDue = slot('b', { state: 'open', effectiveDeadline: '2026-07-30', escalationLevel: 2 });
    const orphan = { ...slot('c', { escalationLevel: 2 }), obligationId: 'gone' };
    expect(select([submitted, notDue, orphan], '2026-07-20').items).toEqual([]);
  });
  it('counts a returned slot from its resubmit-by date', () => {
    const returned = slot('a', { state: 'returned', resubmitBy: '2026-07-16', escalationLevel: 2 });
    expect(select([returned], '2026-07-20').items[0]).toMatchObject({
      effectiveDeadline: '2026-07-16',
      lateDays: 2,
    });
  });
  it('names units by their current name, oldest deadline first, then by name', () => {
    const later = slot('z', { escalationLevel: 2, effectiveDeadline: '2026-07-08' });
    const b = slot('b', { escalationLevel: 2 });
    const a = slot('a', { escalationLevel: 2 });
    const { items } = select([later, b, a], '2026-07-20', [], { b: '甲街道' });
    expect(items.map((i) => [i.unitName, i.effectiveDeadline])).toEqual([
      ['单位a', '2026-07-06'],
      ['甲街道', '2026-07-06'],
      ['单位z', '2026-07-08'],
    ]);
  });
});
