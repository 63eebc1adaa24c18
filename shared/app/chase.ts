// 催报 chase-up (SPEC §4.4): an immediate reminder from the office to one unit, or to every unit
// whose slot of an obligation period is open, overdue or returned. At most one chase per slot per
// day: the slot records `chase:<day>` in `sent`, and the message ids carry the day, so a second
// chase the same day neither counts nor sends. As in the sweep, the messages are queued before
// the slots are written (a crash in between is repaired by chasing again: same ids).
// `queued` counts the slots chased (those with at least one contact to send to).
import { workdaysAfter } from '../domain/calendar';
import { shanghaiDate, yearOf } from '../domain/dates';
import { assertPeriodOf } from '../domain/due';
import { notFound } from '../domain/errors';
import { slotLink } from '../domain/links';
import { chaseMessage } from '../domain/messages';
import { type Obligation, type Principal, type Slot, slotRef, type Unit } from '../domain/model';
import { dueRefOf, owes } from '../domain/plan';
import { actorOf, audit } from './audit';
import { loadCalendar } from './calendar';
import { contactsOf, fanOut } from './notices';
import { inParallel } from './open-slots';
import { ConditionFailed, type MessageQueue, type OutgoingMessage, type Store } from './ports';
import { retryOnConflict } from './retry';

export type ChaseInput = { obligationId: string; period: string; unitId?: string };
export type ChaseDeps = { store: Store; queue?: MessageQueue; webBaseUrl?: string };

const chaseKey = (day: string) => `chase:${day}`;

export async function chase(
  d: ChaseDeps,
  who: Principal,
  input: ChaseInput,
  now: Date,
): Promise<{ queued: number }> {
  const { store } = d;
  if (!d.queue) throw new Error('dependency queue is not configured');
  const ob = await store.getObligation(input.obligationId);
  if (!ob) throw notFound(`obligation ${input.obligationId}`);
  assertPeriodOf(ob, input.period);
  const today = shanghaiDate(now);

  let slots: Slot[];
  const units = new Map<string, Unit>();
  if (input.unitId) {
    const [unit, slot] = await Promise.all([
      store.getUnit(input.unitId),
      store.getSlot(input.obligationId, input.period, input.unitId),
    ]);
    if (!unit) throw notFound(`unit ${input.unitId}`);
    if (!slot) throw notFound(`slot ${input.obligationId} ${input.period} of ${input.unitId}`);
    units.set(unit.unitId, unit);
    slots = [slot];
  } else {
    slots = [];
    let cursor: string | undefined;
    do {
      const page = await store.slotsOfPeriod(input.obligationId, input.period, { limit: 1000, cursor });
      slots.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    if (slots.some((s) => owes(s))) for (const u of await store.listUnits()) units.set(u.unitId, u);
  }

  const cal = await loadCalendar(store, [yearOf(today)]);
  const todo = slots.filter((s) => owes(s) && !s.sent.includes(chaseKey(today)));
  const plans = todo.map((slot) => ({
    slot,
    msgs: messagesFor(cal, ob, slot, units.get(slot.unitId), today, d.webBaseUrl),
  }));
  const messages = plans.flatMap((p) => p.msgs);
  if (messages.length) await d.queue.enqueue(messages);

  let queued = 0;
  await inParallel(plans, 16, async ({ slot, msgs }) => {
    if (await record(store, who, slot, msgs, today, now)) queued++;
  });
  return { queued };
}

function messagesFor(
  cal: Parameters<typeof workdaysAfter>[0],
  ob: Obligation,
  slot: Slot,
  unit: Unit | undefined,
  today: string,
  webBaseUrl: string | undefined,
): OutgoingMessage[] {
  if (!unit?.active) return [];
  const due = dueRefOf(slot);
  const m = chaseMessage({
    unitName: unit.name,
    obligationName: ob.name,
    period: slot.period,
    effectiveDeadline: due,
    state: slot.state,
    lateDays: today > due ? workdaysAfter(cal, due, today) : 0,
    today,
    link: slotLink(webBaseUrl, slot.obligationId, slot.period),
  });
  const meta = { unitId: slot.unitId, obligationId: slot.obligationId, period: slot.period, kind: 'chase' };
  return fanOut(`${slotRef(slot)}:chase:${today}`, contactsOf(unit, 'liaison'), m, true, meta);
}

/** Counts the chase on the slot (chaseCount + 1, `chase:<day>`) with its audit; false if not counted. */
async function record(
  store: Store,
  who: Principal,
  first: Slot,
  msgs: OutgoingMessage[],
  today: string,
  now: Date,
) {
  const base = {
    unitId: first.unitId,
    at: now,
    actor: actorOf(who),
    obligationId: first.obligationId,
    period: first.period,
  };
  if (msgs.length === 0) {
    await store.write([
      audit({
        ...base,
        action: 'notice-undeliverable',
        detail: { kind: 'chase', reason: 'no liaison to send to' },
      }),
    ]);
    return false;
  }
  return retryOnConflict(async (n) => {
    // The first attempt decides on the slot the caller read; a retry reads it again.
    const slot = n === 0 ? first : await store.getSlot(first.obligationId, first.period, first.unitId);
    if (!slot) throw new ConditionFailed('the slot is gone');
    if (slot.sent.includes(chaseKey(today)) || !owes(slot)) return false;
    const after: Slot = {
      ...slot,
      chaseCount: slot.chaseCount + 1,
      sent: [...slot.sent, chaseKey(today)],
      version: slot.version + 1,
    };
    await store.write([
      { type: 'putSlot', slot: after, ifVersion: slot.version },
      audit({
        ...base,
        action: 'chase',
        detail: { channels: msgs.map((m) => `${m.channel}:${m.recipient}`) },
      }),
    ]);
    return true;
  });
}
