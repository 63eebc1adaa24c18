// Property-based checks of the day plan over whole years, as the daily sweep would run it.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkdays } from '../../../shared/domain/calendar';
import { AppError } from '../../../shared/domain/errors';
import { slotCutoff } from '../../../shared/domain/cutoff';
import { addDays, eachDate, maxDate } from '../../../shared/domain/dates';
import { dayBeforePeriod, newSlot } from '../../../shared/domain/due';
import type { Obligation, Slot } from '../../../shared/domain/model';
import { nextActionDate, type PlannedNotice, planDay } from '../../../shared/domain/plan';
import { applyDayPlan, applySlotEvent } from '../../../shared/domain/slotState';
import { at, cal, obligationArb, periodArb, unit } from './helpers';

type Story = {
  ob: Obligation;
  period: string;
  receiveAt: number | null; // days after the effective due date (negative: before)
  returnAfter: number | null; // days after receiving
  resubmitAfter: number | null; // days after the return
};

const storyArb: fc.Arbitrary<Story> = obligationArb.chain((ob) =>
  fc.record({
    ob: fc.constant(ob),
    period: periodArb(ob),
    receiveAt: fc.option(fc.integer({ min: -40, max: 60 }), { nil: null }),
    returnAfter: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
    resubmitAfter: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
  }),
);

type Entry = { date: string; notices: PlannedNotice[]; stateBefore: Slot['state']; levelAfter: number };

/** Sweep at 09:00 every day (or only when the slot's next action date has come), unit/office act at 12:00. */
function run(story: Story, sparse: boolean): { log: Entry[]; events: Map<string, string> } {
  const { ob, period } = story;
  let slot = newSlot(cal, ob, unit, period);
  const due = slot.effectiveDeadline;
  const receiveDay = story.receiveAt === null ? null : addDays(due, story.receiveAt);
  const returnDay = receiveDay && story.returnAfter !== null ? addDays(receiveDay, story.returnAfter) : null;
  const resubmitDay =
    returnDay && story.resubmitAfter !== null ? addDays(returnDay, story.resubmitAfter) : null;
  const log: Entry[] = [];
  const events = new Map<string, string>();
  const end = addDays(slotCutoff(ob, slot), 45);
  for (const date of eachDate(addDays(dayBeforePeriod(period), 1), end)) {
    if (!sparse || (slot.nextActionDate !== null && slot.nextActionDate <= date)) {
      const stateBefore = slot.state;
      const plan = planDay(cal, ob, slot, date);
      slot = applyDayPlan(slot, plan);
      if (plan.notices.length)
        log.push({ date, notices: plan.notices, stateBefore, levelAfter: slot.escalationLevel });
    }
    // An event is refused only because the period is closed (past its cut-off): then nothing
    // happens. Any other error fails the property.
    const tryEvent = (name: string, f: () => Slot) => {
      let result: Slot;
      try {
        result = f();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).code).toBe('closed');
        expect(slot.state === 'closed' || date > slotCutoff(ob, slot)).toBe(true);
        return;
      }
      slot = result;
      events.set(date, name);
    };
    if (date === receiveDay) {
      tryEvent('received', () =>
        applySlotEvent(
          cal,
          ob,
          slot,
          { type: 'received', at: at(date, '12:00:00'), submissionId: 's1' },
          date,
        ),
      );
    }
    if (date === returnDay && slot.state === 'submitted') {
      tryEvent('returned', () =>
        applySlotEvent(cal, ob, slot, { type: 'returned', resubmitBy: addWorkdays(cal, date, 5) }, date),
      );
    }
    if (date === resubmitDay) {
      tryEvent('received', () =>
        applySlotEvent(
          cal,
          ob,
          slot,
          { type: 'received', at: at(date, '12:00:00'), submissionId: 's2' },
          date,
        ),
      );
    }
  }
  return { log, events };
}

describe('day plan properties over random obligations and years 2020–2035', () => {
  it('notices only on working days, at most one a day, none while nothing is owed, escalation never goes down; the indexed sweep matches the daily one', () => {
    fc.assert(
      fc.property(storyArb, (story) => {
        const daily = run(story, false);
        const dates = daily.log.map((e) => e.date);
        expect(new Set(dates).size).toBe(dates.length); // one entry per day
        let lastLevel = 0;
        let lastDueRef = '';
        for (const e of daily.log) {
          expect(cal.isWorkday(e.date)).toBe(true);
          expect(e.notices).toHaveLength(1);
          expect(['open', 'overdue', 'returned']).toContain(e.stateBefore);
          for (const n of e.notices) {
            if (n.dueRef !== lastDueRef) {
              lastDueRef = n.dueRef;
              lastLevel = 0;
            }
            if (n.kind === 'escalation') {
              expect(n.level).toBeGreaterThan(lastLevel);
              lastLevel = n.level;
              expect(e.date > n.dueRef).toBe(true);
            } else {
              expect(lastLevel).toBe(0); // no reminder after an escalation for the same due date
              expect(e.date <= n.dueRef).toBe(true);
            }
          }
        }
        // never anything after the slot was submitted, until it is returned
        const received = [...daily.events.entries()]
          .filter(([, name]) => name === 'received')
          .map(([d]) => d);
        const returned = [...daily.events.entries()]
          .filter(([, name]) => name === 'returned')
          .map(([d]) => d);
        const firstReceived = received[0];
        if (firstReceived && story.ob.kind !== 'quota') {
          const quietUntil = returned[0] ?? '9999-12-31';
          expect(daily.log.filter((e) => e.date > firstReceived && e.date <= quietUntil)).toEqual([]);
        }
        const sparse = run(story, true);
        expect(sparse.log).toEqual(daily.log);
      }),
      { numRuns: 150 },
    );
  });

  it('nextActionDate is the first later day on which planDay does something', () => {
    const stateArb = fc.constantFrom('open', 'overdue', 'returned', 'submitted') as fc.Arbitrary<
      Slot['state']
    >;
    fc.assert(
      fc.property(
        storyArb,
        stateArb,
        fc.integer({ min: -30, max: 60 }),
        fc.subarray(['reminder:3', 'reminder:7', 'escalation:1'] as const),
        (story, state, afterOffset, sentKinds) => {
          const base = newSlot(cal, story.ob, unit, story.period);
          const resubmitBy = state === 'returned' ? addWorkdays(cal, base.effectiveDeadline, 4) : null;
          const dueRef = resubmitBy ?? base.effectiveDeadline;
          const slot: Slot = {
            ...base,
            state,
            resubmitBy,
            sent: sentKinds.map((k) => `${k}:${dueRef}`),
            escalationLevel: sentKinds.includes('escalation:1') ? 1 : 0,
          };
          const after = addDays(dueRef, afterOffset);
          const horizon = addDays(maxDate(after, slotCutoff(story.ob, slot)), 3);
          let expected: string | null = null;
          for (const d of eachDate(addDays(after, 1), horizon)) {
            const p = planDay(cal, story.ob, slot, d);
            if (p.becomeOverdue || p.close || p.notices.length) {
              expected = d;
              break;
            }
          }
          expect(nextActionDate(cal, story.ob, slot, after)).toBe(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
