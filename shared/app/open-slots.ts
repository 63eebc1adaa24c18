// Opening a year's slots: for every active unit each active obligation applies to, one slot per
// period. Idempotent: a slot that exists is left as it is (conditional put). The audit lines of
// the opened slots are appended in bulk after them (a crash in between loses only those lines).
import type { Calendar } from '../domain/calendar';
import { appliesTo, newSlot, periodsOfYear } from '../domain/due';
import type { AuditEvent, Obligation, Unit } from '../domain/model';
import { ConditionFailed, type Store } from './ports';

/** Runs `fn` over `items` with at most `n` in flight. */
export async function inParallel<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** Many units at once (a roll-over, a new obligation): one Query per period finds the slots that
 * already exist, so a rerun costs a few reads instead of one failed conditional write per slot. */
const BULK = 25;

export async function openSlots(
  store: Store,
  cal: Calendar,
  input: { year: number; units: Unit[]; obligations: Obligation[]; now: Date },
): Promise<number> {
  const todo: Array<[Obligation, Unit, string]> = [];
  for (const ob of input.obligations) {
    const units = input.units.filter((u) => appliesTo(ob, u));
    if (units.length === 0) continue;
    for (const period of periodsOfYear(ob, input.year)) {
      const existing =
        units.length >= BULK ? await unitsWithSlot(store, ob.obligationId, period) : new Set<string>();
      for (const unit of units) if (!existing.has(unit.unitId)) todo.push([ob, unit, period]);
    }
  }
  const opened: AuditEvent[] = [];
  await inParallel(todo, 16, async ([ob, unit, period]) => {
    const slot = newSlot(cal, ob, unit, period);
    try {
      // Stored from version 1: `ifVersion: 0` means "must not exist yet", so a slot stored as
      // version 0 could never be updated (every later putSlot passes ifVersion: slot.version).
      // The conditional put is what makes opening idempotent, even against a concurrent opener.
      await store.write([{ type: 'putSlot', slot: { ...slot, version: 1 }, ifVersion: 0 }]);
      opened.push({
        unitId: unit.unitId,
        at: input.now.toISOString(),
        actor: 'system',
        action: 'slot-opened',
        obligationId: ob.obligationId,
        period,
        detail: { effectiveDeadline: slot.effectiveDeadline },
      });
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
    }
  });
  await store.appendAudit(opened);
  return opened.length;
}

async function unitsWithSlot(store: Store, obligationId: string, period: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await store.slotsOfPeriod(obligationId, period, { cursor, limit: 5000 });
    for (const s of page.items) ids.add(s.unitId);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}
