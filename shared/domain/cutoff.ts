// The cut-off of a slot (SPEC §2): uploads are accepted through the end of the day
// `gracePeriodDays` calendar days after the effective due date; after it the slot closes.
import { addDays, maxDate } from './dates';
import type { IsoDate, Obligation, Slot } from './model';

/** effective + gracePeriodDays calendar days (uploads accepted through the end of that day). */
export function cutoffDate(ob: Pick<Obligation, 'gracePeriodDays'>, effective: IsoDate): IsoDate {
  return addDays(effective, ob.gracePeriodDays);
}

/**
 * The cut-off of one slot: that of its effective deadline; for a returned slot, the later of
 * that and the cut-off counted from `resubmitBy` (the office asked for a new version, so the
 * unit can always deliver it).
 */
export function slotCutoff(
  ob: Pick<Obligation, 'gracePeriodDays'>,
  slot: Pick<Slot, 'state' | 'effectiveDeadline' | 'resubmitBy'>,
): IsoDate {
  const base = cutoffDate(ob, slot.effectiveDeadline);
  return slot.state === 'returned' && slot.resubmitBy ? maxDate(base, cutoffDate(ob, slot.resubmitBy)) : base;
}
