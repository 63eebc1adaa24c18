// Shared fixtures for the domain tests.
import * as fc from 'fast-check';
import { type Calendar, makeCalendar } from '../../../shared/domain/calendar';
import { dayNumber, eachDate, fromDayNumber } from '../../../shared/domain/dates';
import { defaultObligations } from '../../../shared/domain/defaults';
import { type Obligation, obligationBodySchema, type Slot, type Unit } from '../../../shared/domain/model';
import { type PlannedNotice, planDay } from '../../../shared/domain/plan';
import { applyDayPlan } from '../../../shared/domain/slotState';

export const cal = makeCalendar();

export function obligation(id: string): Obligation {
  const ob = defaultObligations.find((o) => o.obligationId === id);
  if (!ob) throw new Error(`no default obligation ${id}`);
  return ob;
}

export function makeObligation(body: Record<string, unknown>, obligationId = 'test-ob'): Obligation {
  return { obligationId, ...obligationBodySchema.parse({ name: '测试报送事项', ...body }) };
}

export const unit: Unit = {
  unitId: 'town-a',
  name: '城关镇人民政府',
  kind: 'town',
  tags: [],
  active: true,
  contacts: [],
};

/** A Shanghai wall-clock time as an instant. */
export const at = (date: string, time = '10:00:00') => new Date(`${date}T${time}+08:00`);

export const dateArb = (fromYear = 2020, toYear = 2035) =>
  fc
    .integer({ min: dayNumber(`${fromYear}-01-01`), max: dayNumber(`${toYear}-12-31`) })
    .map((n) => fromDayNumber(n));

const mmddArb = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(([m, d]) => {
  const max = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return `${String(m).padStart(2, '0')}-${String(Math.min(d, max)).padStart(2, '0')}`;
});

const commonArb = fc.record({
  reminderDays: fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { minLength: 0, maxLength: 5 }),
  gracePeriodDays: fc.integer({ min: 0, max: 60 }),
  escalation: fc.constantFrom(
    undefined,
    [{ level: 1, afterWorkingDays: 2, to: 'leader' }],
    [
      { level: 1, afterWorkingDays: 1, to: 'leader' },
      { level: 2, afterWorkingDays: 5, to: 'office' },
    ],
    [
      { level: 2, afterWorkingDays: 1, to: 'office' },
      { level: 1, afterWorkingDays: 3, to: 'leader' },
    ],
  ),
});

/** Random obligations of every kind, holidayRule next-workday (the default). */
export const obligationArb: fc.Arbitrary<Obligation> = fc
  .tuple(
    fc.oneof(
      mmddArb.map((due) => ({ kind: 'deadline', due })),
      fc.integer({ min: 1, max: 28 }).map((dueDay) => ({ kind: 'monthly', dueDay })),
      fc
        .tuple(mmddArb, fc.integer({ min: 1, max: 5 }))
        .map(([due, minCount]) => ({ kind: 'quota', due, minCount })),
    ),
    commonArb,
  )
  .map(([kind, common]) => {
    const body: Record<string, unknown> = { ...kind, ...common };
    if (body.escalation === undefined) delete body.escalation;
    return makeObligation(body);
  });

export const periodArb = (ob: Obligation, fromYear = 2020, toYear = 2034) =>
  fc
    .integer({ min: fromYear, max: toYear })
    .chain((y) =>
      ob.kind === 'monthly'
        ? fc.integer({ min: 1, max: 12 }).map((m) => `${y}-${String(m).padStart(2, '0')}`)
        : fc.constant(String(y)),
    );

// A sweep as the deadline sweep runs it: plan the day, carry it out, record the notices.

export type SweepLog = { date: string; notices: PlannedNotice[]; becameOverdue: boolean; closed: boolean }[];

/**
 * Run the sweep over [from, to]. `days` limits which days it runs (missed sweeps); `sparse`
 * visits the slot only when its nextActionDate ≤ today, as the indexed sweep does.
 */
export function sweep(
  c: Calendar,
  ob: Obligation,
  start: Slot,
  from: string,
  to: string,
  opts: { days?: Set<string>; sparse?: boolean; before?: (date: string, slot: Slot) => Slot } = {},
): { slot: Slot; log: SweepLog } {
  let slot = start;
  const log: SweepLog = [];
  for (const date of eachDate(from, to)) {
    if (opts.days && !opts.days.has(date)) continue;
    if (opts.before) slot = opts.before(date, slot);
    if (opts.sparse && (slot.nextActionDate === null || slot.nextActionDate > date)) continue;
    const plan = planDay(c, ob, slot, date);
    slot = applyDayPlan(slot, plan);
    if (plan.notices.length || plan.becomeOverdue || plan.close) {
      log.push({ date, notices: plan.notices, becameOverdue: plan.becomeOverdue, closed: plan.close });
    }
  }
  return { slot, log };
}
