// Opening a year's slots: for every active unit each active obligation applies to, one slot per
// period. Idempotent: a slot that exists is left as it is (conditional put). The audit lines of
// the opened slots are appended in bulk after them (a crash in between loses only those lines).
import { type Calendar, nextWorkdayOnOrAfter } from '../domain/calendar';
import { addDays, periodStart, shanghaiDate } from '../domain/dates';
import { appliesTo, newSlot, periodsOfYear } from '../domain/due';
import type { AuditEvent, IsoDate, Obligation, Slot, Unit } from '../domain/model';
import { nextActionDate } from '../domain/plan';
import { requestMessages } from './notices';
import { ConditionFailed, type MessageQueue, type OutgoingMessage, type Store } from './ports';

export const REQUEST_KEY = 'request';

/**
 * Whether a slot is owed its request notice (报送通知) on `today`: it is open and has none yet, its
 * deadline has not passed, and — for the periodic kinds — the first working day of its period has
 * come. A one-off request's or an event's slots are told the day they open.
 */
export function requestDue(cal: Calendar, ob: Obligation, slot: Slot, today: IsoDate): boolean {
  if (slot.state !== 'open' || slot.sent.includes(REQUEST_KEY) || today > slot.effectiveDeadline)
    return false;
  if (ob.kind === 'once' || ob.kind === 'event') return true;
  return nextWorkdayOnOrAfter(cal, periodStart(slot.period)) <= today;
}

/** The slot once its request notice is queued (the key keeps it from being sent again). */
export function withRequestSent(slot: Slot): Slot {
  return { ...slot, sent: [...slot.sent, REQUEST_KEY] };
}

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

/**
 * Opens the year's slots. With a queue, each opened slot that is owed its request notice today
 * (see requestDue) gets it: queued first, then the slot is written with the key recorded.
 * A one-off request whose due date has passed opens no more slots (a unit added later owes nothing).
 */
export async function openSlots(
  store: Store,
  cal: Calendar,
  input: {
    year: number;
    units: Unit[];
    obligations: Obligation[];
    now: Date;
    queue?: MessageQueue;
    webBaseUrl?: string;
  },
): Promise<number> {
  const today = shanghaiDate(input.now);
  const todo: Array<[Obligation, Unit, string]> = [];
  for (const ob of input.obligations) {
    if (ob.kind === 'once' && ob.dueDate < today) continue;
    const units = input.units.filter((u) => appliesTo(ob, u));
    if (units.length === 0) continue;
    for (const period of periodsOfYear(ob, input.year)) {
      const existing =
        units.length >= BULK ? await unitsWithSlot(store, ob.obligationId, period) : new Set<string>();
      for (const unit of units) if (!existing.has(unit.unitId)) todo.push([ob, unit, period]);
    }
  }
  const opened: AuditEvent[] = [];
  const slots = todo.map(([ob, unit, period]) => {
    const slot = newSlot(cal, ob, unit, period);
    if (!input.queue || !requestDue(cal, ob, slot, today)) return { slot, msgs: [] as OutgoingMessage[] };
    const msgs = requestMessages(ob, slot, unit, today, input.webBaseUrl);
    const sent = withRequestSent(slot);
    return { slot: { ...sent, nextActionDate: nextActionDate(cal, ob, sent, addDays(today, -1)) }, msgs };
  });
  // Request notices only for the slots this call created (a slot that exists keeps its own): the
  // slot is written first, its notice queued after — a crash in between loses that one notice
  // (the reminders still come), never sends one for a slot opened before.
  const messages: OutgoingMessage[] = [];
  await inParallel(
    todo.map((t, i) => [...t, slots[i]!.slot, slots[i]!.msgs] as const),
    16,
    async ([ob, unit, period, slot, msgs]) => {
      try {
        // Stored from version 1: `ifVersion: 0` means "must not exist yet", so a slot stored as
        // version 0 could never be updated (every later putSlot passes ifVersion: slot.version).
        // The conditional put is what makes opening idempotent, even against a concurrent opener.
        await store.write([{ type: 'putSlot', slot: { ...slot, version: 1 }, ifVersion: 0 }]);
        messages.push(...msgs);
        opened.push({
          unitId: unit.unitId,
          at: input.now.toISOString(),
          actor: 'system',
          action: 'slot-opened',
          obligationId: ob.obligationId,
          period,
          detail: {
            effectiveDeadline: slot.effectiveDeadline,
            ...(slot.sent.includes(REQUEST_KEY) ? { requestNotice: true } : {}),
          },
        });
      } catch (err) {
        if (!(err instanceof ConditionFailed)) throw err;
      }
    },
  );
  if (messages.length && input.queue) await input.queue.enqueue(messages);
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
