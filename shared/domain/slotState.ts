// The slot state machine of SPEC §2, as one function. Every transition returns a new slot
// (version + 1, nextActionDate recomputed) or throws an AppError.
import { addWorkdays, type Calendar } from './calendar';
import { slotCutoff } from './cutoff';
import { addDays, endOfDay, shanghaiDate } from './dates';
import { dayBeforePeriod, isOnTime, lateDaysOf } from './due';
import { AppError, conflict, invalid } from './errors';
import { isoDate, type IsoDate, type Obligation, type Slot, type SlotState } from './model';
import { type DayPlan, nextActionDate, owes, projectSlot } from './plan';

export type SlotEvent =
  | { type: 'became-overdue' }
  | { type: 'received'; at: Date; submissionId: string }
  | { type: 'accepted' }
  | { type: 'returned'; resubmitBy: IsoDate }
  | { type: 'waived' }
  | { type: 'extended'; until: IsoDate }
  | { type: 'closed' };

/** The same day a year later (02-29 → 02-28): the latest an extension may run to. */
export function oneYearAfter(d: IsoDate): IsoDate {
  const next = `${Number(d.slice(0, 4)) + 1}${d.slice(4)}`;
  return isoDate.safeParse(next).success ? next : next.replace(/-29$/, '-28');
}

/** open, overdue or returned: the unit still owes a report. */
/** Working days a returned submission's unit gets to resubmit, when the office names no date. */
export const DEFAULT_RESUBMIT_WORKDAYS = 5;

/** A returned submission's resubmit-by: the office's date, else DEFAULT_RESUBMIT_WORKDAYS working days on; never before today. */
export function resubmitDate(cal: Calendar, today: IsoDate, asked?: IsoDate): IsoDate {
  const by = asked ?? addWorkdays(cal, today, DEFAULT_RESUBMIT_WORKDAYS);
  if (by < today) throw invalid('resubmitBy', `must not be before today (${today})`);
  return by;
}

/** The state as of `now`: a stored `open` slot past its deadline reads `overdue` even before the sweep. */
export function stateAt(slot: Pick<Slot, 'state' | 'effectiveDeadline'>, now: Date): SlotState {
  if (slot.state === 'open' && now.getTime() > endOfDay(slot.effectiveDeadline).getTime()) return 'overdue';
  return slot.state;
}

export function isOwing(slot: Pick<Slot, 'state'>): boolean {
  return owes(slot);
}

/** Uploads are accepted: not waived, accepted or closed, and `now` is not past the slot's cut-off day. */
export function isOpenForUpload(slot: Slot, now: Date, _cal: Calendar, ob: Obligation): boolean {
  if (slot.state === 'waived' || slot.state === 'accepted' || slot.state === 'closed') return false;
  return now.getTime() <= endOfDay(slotCutoff(ob, slot)).getTime();
}

const illegal = (slot: Slot, what: string) => conflict(`cannot ${what}: the slot is ${slot.state}`);

function timing(cal: Calendar, effective: IsoDate, at: Date) {
  return { onTime: isOnTime(effective, at), lateDays: lateDaysOf(cal, effective, at) };
}

function transition(cal: Calendar, ob: Obligation, slot: Slot, ev: SlotEvent): Slot {
  switch (ev.type) {
    case 'became-overdue':
      if (slot.state !== 'open') throw illegal(slot, 'mark overdue');
      return { ...slot, state: 'overdue' };

    case 'received': {
      if (slot.state === 'closed') throw new AppError('closed', 'the slot is closed: its cut-off has passed');
      if (slot.state === 'accepted' || slot.state === 'waived') throw illegal(slot, 'receive a submission');
      if (ev.at.getTime() > endOfDay(slotCutoff(ob, slot)).getTime()) {
        throw new AppError('closed', `received after the cut-off ${slotCutoff(ob, slot)}`);
      }
      if (slot.latestSubmissionId === ev.submissionId)
        throw conflict(`submission ${ev.submissionId} already recorded`);
      // Events may arrive out of order: the latest version is the newest id (ULIDs sort by
      // creation time), and the first version's timing is the earliest receipt.
      const newer = !slot.latestSubmissionId || ev.submissionId > slot.latestSubmissionId;
      const base = { ...slot, latestSubmissionId: newer ? ev.submissionId : slot.latestSubmissionId };
      if (slot.state === 'returned') return { ...base, state: 'submitted' };
      if (slot.kind === 'quota') {
        const count = (slot.count ?? 0) + 1;
        const met = count >= (slot.minCount ?? 1);
        if (slot.state === 'submitted' || !met) return { ...base, count };
        return {
          ...base,
          count,
          state: 'submitted',
          submittedAt: ev.at.toISOString(),
          ...timing(cal, slot.effectiveDeadline, ev.at),
        };
      }
      if (slot.state === 'submitted') {
        const at = ev.at.toISOString();
        if (slot.submittedAt && at < slot.submittedAt)
          return { ...base, submittedAt: at, ...timing(cal, slot.effectiveDeadline, ev.at) };
        return base;
      }
      return {
        ...base,
        state: 'submitted',
        submittedAt: ev.at.toISOString(),
        ...timing(cal, slot.effectiveDeadline, ev.at),
      };
    }

    case 'accepted':
      if (slot.state !== 'submitted') throw illegal(slot, 'accept');
      return { ...slot, state: 'accepted' };

    case 'returned':
      if (slot.state !== 'submitted') throw illegal(slot, 'return');
      if (!isoDate.safeParse(ev.resubmitBy).success)
        throw invalid('resubmitBy', 'expected a date YYYY-MM-DD');
      // A new due date: reminders and escalation count from resubmitBy.
      return { ...slot, state: 'returned', resubmitBy: ev.resubmitBy, escalationLevel: 0 };

    case 'waived':
      if (slot.state === 'accepted' || slot.state === 'waived') throw illegal(slot, 'waive');
      return { ...slot, state: 'waived' };

    case 'extended': {
      if (slot.state === 'accepted' || slot.state === 'waived') throw illegal(slot, 'extend');
      if (!isoDate.safeParse(ev.until).success) throw invalid('until', 'expected a date YYYY-MM-DD');
      if (ev.until <= slot.effectiveDeadline) {
        throw invalid('until', `must be after the current effective deadline ${slot.effectiveDeadline}`);
      }
      const latest = oneYearAfter(slot.deadline);
      if (ev.until > latest) {
        throw invalid(
          'until',
          `must be within a year of the original deadline ${slot.deadline} (at most ${latest})`,
        );
      }
      const next: Slot = { ...slot, effectiveDeadline: ev.until, extendedUntil: ev.until };
      if (slot.state === 'overdue' || slot.state === 'closed') {
        return { ...next, state: 'open', escalationLevel: 0 };
      }
      if (slot.state === 'open') return { ...next, escalationLevel: 0 };
      // A version was received: its timing is judged against the new effective deadline.
      if (slot.submittedAt) return { ...next, ...timing(cal, ev.until, new Date(slot.submittedAt)) };
      return next;
    }

    case 'closed':
      if (slot.state !== 'open' && slot.state !== 'overdue') throw illegal(slot, 'close');
      return { ...slot, state: 'closed' };
  }
}

/**
 * Apply one event. The next action date is planned from `today` (inclusive) when given; else from
 * the day received for 'received', else from the start of the period (a past date only means
 * "at the next sweep", which queries next action dates ≤ today).
 */
export function applySlotEvent(
  cal: Calendar,
  ob: Obligation,
  slot: Slot,
  ev: SlotEvent,
  today?: IsoDate,
): Slot {
  const next = transition(cal, ob, slot, ev);
  const from = today ?? (ev.type === 'received' ? shanghaiDate(ev.at) : null);
  const after = from ? addDays(from, -1) : dayBeforePeriod(slot.period);
  return {
    ...next,
    nextActionDate: owes(next) ? nextActionDate(cal, ob, next, after) : null,
    version: slot.version + 1,
  };
}

/**
 * Carry out a day's plan on a slot, as the sweep does: overdue/close transitions, sent keys,
 * reminders counted, escalation level (never down), next action date; version + 1.
 */
export function applyDayPlan(slot: Slot, plan: DayPlan): Slot {
  if (plan.close && slot.state !== 'open' && slot.state !== 'overdue') throw illegal(slot, 'close');
  if (plan.becomeOverdue && !plan.close && slot.state !== 'open') throw illegal(slot, 'mark overdue');
  const projected = projectSlot(slot, plan);
  return { ...projected, nextActionDate: plan.nextActionDate, version: slot.version + 1 };
}
