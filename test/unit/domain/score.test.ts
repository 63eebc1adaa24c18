import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Slot, slotStates } from '../../../shared/domain/model';
import {
  rankUnits,
  roundOneDecimal,
  type ScoredSlot,
  scoreCode,
  scoredSlotOf,
  scoreSlot,
  scoreUnit,
} from '../../../shared/domain/score';

const TODAY = '2027-01-15';
const slot = (over: Partial<ScoredSlot>): ScoredSlot => ({
  kind: 'deadline',
  state: 'accepted',
  onTime: true,
  lateDays: 0,
  effectiveDeadline: '2026-07-06',
  ...over,
});
const onTime = slot({});
const late = (lateDays: number) => slot({ onTime: false, lateDays });
const missing = slot({ state: 'closed', onTime: null, lateDays: null });

describe('scoreUnit (SPEC §4.5)', () => {
  it('on time 100; late 3 working days → 70; late 10 → 40 (the floor); missing 0', () => {
    expect(scoreUnit([onTime], TODAY).score).toBe(100);
    expect(scoreUnit([late(3)], TODAY).score).toBe(70);
    expect(scoreUnit([late(10)], TODAY).score).toBe(40);
    expect(scoreUnit([late(6)], TODAY).score).toBe(40);
    expect(scoreUnit([late(25)], TODAY).score).toBe(40);
    expect(scoreUnit([missing], TODAY).score).toBe(0);
    expect(scoreUnit([slot({ state: 'overdue', onTime: null, lateDays: null })], TODAY).score).toBe(0);
  });

  it('quota: 100 × min(count / minCount, 1) → 2 of 3 gives 66.7', () => {
    const q = (count: number, state: Slot['state'] = 'closed', onTimeQ: boolean | null = null) =>
      slot({ kind: 'quota', state, count, minCount: 3, onTime: onTimeQ, effectiveDeadline: '2026-12-31' });
    expect(scoreUnit([q(2)], TODAY).score).toBe(66.7);
    expect(scoreUnit([q(0)], TODAY).score).toBe(0);
    expect(scoreUnit([q(5, 'submitted', true)], TODAY).score).toBe(100);
    expect(scoreUnit([q(3, 'submitted', false)], TODAY)).toMatchObject({ score: 100, late: 1 });
    // before the due date, a quota not yet met is not assessable; a met one is
    expect(scoreUnit([q(1, 'open')], '2026-06-01').score).toBeNull();
    expect(scoreUnit([q(3, 'submitted', true)], '2026-06-01').score).toBe(100);
  });

  it('the mean with one decimal, and the counters', () => {
    const r = scoreUnit(
      [onTime, late(3), missing, slot({ state: 'waived', onTime: null, lateDays: null })],
      TODAY,
    );
    expect(r).toEqual({ score: 56.7, onTime: 1, late: 1, missing: 1, waived: 1, counted: 3 });
  });

  it('waived slots and slots not yet due with nothing received are left out; null when nothing counts', () => {
    const notYet = slot({ state: 'open', onTime: null, lateDays: null, effectiveDeadline: '2027-04-20' });
    expect(scoreUnit([notYet], TODAY)).toEqual({
      score: null,
      onTime: 0,
      late: 0,
      missing: 0,
      waived: 0,
      counted: 0,
    });
    expect(scoreUnit([notYet, late(2)], TODAY).score).toBe(80);
    // due today: not yet missing (on time until the end of the day)
    expect(
      scoreUnit([slot({ state: 'open', onTime: null, lateDays: null, effectiveDeadline: TODAY })], TODAY)
        .score,
    ).toBeNull();
    expect(scoreUnit([slot({ state: 'waived' })], TODAY).score).toBeNull();
    // received early, before the deadline: counted already
    expect(scoreUnit([slot({ state: 'submitted', effectiveDeadline: '2027-04-20' })], TODAY).score).toBe(100);
    expect(scoreUnit([], TODAY).score).toBeNull();
  });

  it('custom penalty and floor', () => {
    expect(scoreUnit([late(3)], TODAY, { latePenaltyPerDay: 5, lateFloor: 60 }).score).toBe(85);
    expect(scoreUnit([late(30)], TODAY, { latePenaltyPerDay: 5, lateFloor: 60 }).score).toBe(60);
  });

  it('rounds half up', () => {
    expect(roundOneDecimal(66.65)).toBe(66.7);
    expect(roundOneDecimal(66.64)).toBe(66.6);
    expect(roundOneDecimal(200 / 3)).toBe(66.7);
    expect(scoreUnit([late(3), late(4), onTime, onTime], TODAY).score).toBe(82.5);
  });

  it('property: a score is within [0, 100]', () => {
    const slotArb: fc.Arbitrary<ScoredSlot> = fc.record({
      kind: fc.constantFrom('deadline', 'monthly', 'quota') as fc.Arbitrary<ScoredSlot['kind']>,
      state: fc.constantFrom(...slotStates) as fc.Arbitrary<Slot['state']>,
      onTime: fc.constantFrom(true, false, null),
      lateDays: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
      count: fc.integer({ min: 0, max: 20 }),
      minCount: fc.integer({ min: 1, max: 10 }),
      effectiveDeadline: fc.constantFrom('2026-04-20', '2026-12-31', '2027-02-01'),
    });
    fc.assert(
      fc.property(
        fc.array(slotArb, { maxLength: 30 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (slots, penalty, floor) => {
          const r = scoreUnit(slots, TODAY, { latePenaltyPerDay: penalty, lateFloor: floor });
          if (r.score !== null) {
            expect(r.score).toBeGreaterThanOrEqual(0);
            expect(r.score).toBeLessThanOrEqual(100);
          }
          expect(r.onTime + r.late + r.missing).toBe(r.counted);
          expect(r.counted + r.waived).toBeLessThanOrEqual(slots.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('scoreCode (what a kept score card holds per slot)', () => {
  const slotArb: fc.Arbitrary<ScoredSlot> = fc.record(
    {
      kind: fc.constantFrom('deadline', 'monthly', 'quarterly', 'once', 'event', 'quota') as fc.Arbitrary<
        ScoredSlot['kind']
      >,
      state: fc.constantFrom(...slotStates) as fc.Arbitrary<Slot['state']>,
      onTime: fc.constantFrom(true, false, null),
      lateDays: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
      count: fc.integer({ min: 0, max: 20 }),
      minCount: fc.integer({ min: 1, max: 100 }),
      effectiveDeadline: fc.constantFrom('2026-04-20', '2026-12-31', '2027-01-15', '2027-02-01'),
    },
    { requiredKeys: ['kind', 'state', 'onTime', 'lateDays', 'effectiveDeadline'] },
  );
  const opts = fc.record({
    latePenaltyPerDay: fc.constantFrom(0, 0.1, 2.5, 10, 33, 100),
    lateFloor: fc.constantFrom(0, 40, 65.5, 100),
  });

  it('a slot rebuilt from its code scores exactly as the slot, on any day, with any options', () => {
    fc.assert(
      fc.property(slotArb, fc.constantFrom('2026-01-01', '2026-04-20', '2026-04-21', TODAY), opts, (s, day, o) => {
        const rebuilt = scoredSlotOf(scoreCode(s));
        expect(scoreSlot(rebuilt, day, o)).toEqual(scoreSlot(s, day, o));
        expect(rebuilt.state === 'waived').toBe(s.state === 'waived');
        expect(scoreCode(rebuilt)).toBe(scoreCode(s));
      }),
      { numRuns: 500, seed: 12 },
    );
  });

  it("a unit's score does not depend on the order its slots are read in", () => {
    fc.assert(
      fc.property(fc.array(slotArb, { maxLength: 40 }), opts, fc.nat(), (slots, o, seed) => {
        const shuffled = slots
          .map((s, i) => ({ s, k: (i * 2654435761 + seed) % 1000003 }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.s);
        expect(scoreUnit(shuffled, TODAY, o)).toEqual(scoreUnit(slots, TODAY, o));
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});

describe('rankUnits', () => {
  it('descending, ties share a rank (1, 1, 3), null scores last', () => {
    const ranked = rankUnits([
      { id: 'c', score: 70 },
      { id: 'n', score: null },
      { id: 'a', score: 95.5 },
      { id: 'b', score: 95.5 },
      { id: 'd', score: 40 },
    ]);
    expect(ranked.map((r) => [r.id, r.rank])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 3],
      ['d', 4],
      ['n', 5],
    ]);
  });
  it('several null scores share the last rank; empty input', () => {
    expect(rankUnits([{ score: null }, { score: 10 }, { score: null }]).map((r) => r.rank)).toEqual([
      1, 2, 2,
    ]);
    expect(rankUnits([])).toEqual([]);
  });
});
