// Opening a year's slots: for every active unit each active obligation applies to, one slot per
// period. Idempotent: a slot that exists is left as it is (conditional put).
import type { Calendar } from '../domain/calendar';
import { appliesTo, newSlot, periodsOfYear } from '../domain/due';
import type { Obligation, Unit } from '../domain/model';
import { audit } from './audit';
import { ConditionFailed, type Store } from './ports';

/** Runs `fn` over `items` with at most `n` in flight. */
export async function inParallel<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export async function openSlots(
  store: Store,
  cal: Calendar,
  input: { year: number; units: Unit[]; obligations: Obligation[]; now: Date },
): Promise<number> {
  const todo: Array<[Obligation, Unit, string]> = [];
  for (const ob of input.obligations)
    for (const unit of input.units)
      if (appliesTo(ob, unit))
        for (const period of periodsOfYear(ob, input.year)) todo.push([ob, unit, period]);
  let opened = 0;
  await inParallel(todo, 16, async ([ob, unit, period]) => {
    const slot = newSlot(cal, ob, unit, period);
    try {
      await store.write([
        // Stored from version 1: `ifVersion: 0` means "must not exist yet", so a slot stored as
        // version 0 could never be updated (every later putSlot passes ifVersion: slot.version).
        { type: 'putSlot', slot: { ...slot, version: 1 }, ifVersion: 0 },
        audit({
          unitId: unit.unitId,
          at: input.now,
          actor: 'system',
          action: 'slot-opened',
          obligationId: ob.obligationId,
          period,
          detail: { effectiveDeadline: slot.effectiveDeadline },
        }),
      ]);
      opened++;
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
    }
  });
  return opened;
}
