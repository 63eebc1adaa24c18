// The office's morning: a period's board, what is overdue, extensions and waivers, the annual
// assessment and the audit trail (SPEC §4.4–§4.6, §5).
import { makeCalendar } from '../domain/calendar';
import { shanghaiDate } from '../domain/dates';
import {
  assertPeriodOf,
  effectiveDue,
  nominalDue,
  periodsOfYear,
  withHolidayRule,
  yearOfPeriod,
} from '../domain/due';
import { AppError, notFound } from '../domain/errors';
import {
  EVENT_ID_RE,
  type IsoDate,
  type Obligation,
  type Principal,
  type Slot,
  type SlotState,
  slotStates,
} from '../domain/model';
import { rankUnits, scoredSlotOf, scoreUnit } from '../domain/score';
import { applySlotEvent, type SlotEvent, stateAt } from '../domain/slotState';
import { defaultSettings } from '../domain/defaults';
import { getSettings } from './admin';
import { actorOf, audit, OFFICE_TRAIL } from './audit';
import { calendarYearsAround, loadCalendar } from './calendar';
import { inParallel } from './open-slots';
import { pageAfter } from './paging';
import type { BoardSlot, Page, PageRequest, Store } from './ports';
import { retryOnConflict } from './retry';
import { slotView } from './views';

async function obligationOrThrow(store: Store, obligationId: string): Promise<Obligation> {
  const ob = await store.getObligation(obligationId);
  if (!ob) throw notFound(`obligation ${obligationId}`);
  return ob;
}

/** Every item of a paged read, one request per page (5,000 items or 1 MB), never per unit. */
async function everyPage<T>(read: (p: { cursor?: string; limit: number }) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ cursor, limit: 5000 });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** What the board shows of every slot of a period (one Query per page on the period's partition). */
const boardSlotsOfPeriod = (store: Store, obligationId: string, period: string): Promise<BoardSlot[]> =>
  everyPage((p) => store.boardSlots(obligationId, period, p));

/** Every slot of a period (one Query per page on the period's partition). */
const allSlotsOfPeriod = (store: Store, obligationId: string, period: string): Promise<Slot[]> =>
  everyPage((p) => store.slotsOfPeriod(obligationId, period, p));

export type BoardRow = {
  unitId: string;
  name: string;
  state: SlotState;
  onTime: boolean | null;
  lateDays: number | null;
  submittedAt: string | null;
  extendedUntil: IsoDate | null;
  escalationLevel: number;
  remindersSent: number;
  chaseCount: number;
  latestSubmissionId: string | null;
  /** When the unit signed for the request (签收); null: not yet (未签收). */
  acknowledgedAt: string | null;
};

/** Units' current names: a renamed unit reads by its new name everywhere (slots keep a copy). */
async function unitNames(store: Store): Promise<Map<string, string>> {
  return new Map((await store.unitNames()).map((u) => [u.unitId, u.name]));
}

export async function board(
  store: Store,
  input: { obligationId: string; period: string; now: Date } & PageRequest,
) {
  const year = yearOfPeriod(input.period);
  // Three requests, all at once: the obligation with the calendars (one BatchGetItem), the
  // period's slots and the units. The obligation is checked when they are back (a period that
  // does not fit has no slots, so its partition read costs next to nothing).
  const [{ obligation: ob, calendars }, slots, names] = await Promise.all([
    store.getObligationAndCalendars(input.obligationId, calendarYearsAround([year])),
    boardSlotsOfPeriod(store, input.obligationId, input.period),
    unitNames(store),
  ]);
  if (!ob) throw notFound(`obligation ${input.obligationId}`);
  assertPeriodOf(ob, input.period);
  const cal = makeCalendar(calendars);
  if (slots.length === 0) throw notFound(`slots of ${input.obligationId} ${input.period}`);
  const counts = Object.fromEntries(slotStates.map((s) => [s, 0])) as Record<SlotState, number>;
  const rows: BoardRow[] = slots.map((s) => {
    const state = stateAt(s, input.now);
    counts[state]++;
    return {
      unitId: s.unitId,
      name: names.get(s.unitId) ?? s.unitName,
      state,
      onTime: s.onTime,
      lateDays: s.lateDays,
      submittedAt: s.submittedAt,
      extendedUntil: s.extendedUntil,
      escalationLevel: s.escalationLevel,
      remindersSent: s.remindersSent,
      chaseCount: s.chaseCount,
      latestSubmissionId: s.latestSubmissionId,
      acknowledgedAt: s.acknowledgedAt ?? null,
    };
  });
  const rated = rows.filter((r) => r.onTime !== null);
  const onTimeRate = rated.length
    ? Math.round((rated.filter((r) => r.onTime).length / rated.length) * 1000) / 1000
    : null;
  const page = pageAfter(rows, (r) => r.unitId, { limit: input.limit ?? 5000, cursor: input.cursor });
  return {
    obligationId: ob.obligationId,
    period: input.period,
    name: ob.name,
    // An event period is one unit's: its due date was fixed when its slot opened.
    deadline: ob.kind === 'event' ? slots[0]!.deadline : nominalDue(ob, input.period),
    effectiveDeadline:
      ob.kind === 'event'
        ? withHolidayRule(cal, ob, slots[0]!.deadline)
        : effectiveDue(cal, ob, input.period, null),
    counts,
    onTimeRate,
    ...page,
  };
}

export async function overdue(store: Store, now: Date) {
  const today = shanghaiDate(now);
  const [slots, obligations, unitName] = await Promise.all([
    store.overdueSlots(today),
    store.listObligations(),
    unitNames(store),
  ]);
  const names = new Map(obligations.map((o) => [o.obligationId, o.name]));
  return {
    items: slots
      .filter((s) => s.kind !== 'quota' || (s.count ?? 0) < (s.minCount ?? 1))
      .map((s) => ({
        ...slotView(s, now),
        name: unitName.get(s.unitId) ?? s.unitName,
        obligationName: names.get(s.obligationId) ?? s.obligationId,
      })),
  };
}

/**
 * Changes one slot on behalf of `who`: `decide` gives the slot after (null: nothing to change), which
 * is written on condition of the version read and audited with `action` (and `detail`); a slot
 * changed meanwhile is read and decided again.
 */
function changeSlot(
  store: Store,
  who: Principal,
  key: { obligationId: string; period: string; unitId: string },
  now: Date,
  change: { action: string; detail?: Record<string, unknown> },
  decide: (slot: Slot) => Slot | null,
) {
  return retryOnConflict(async () => {
    const slot = await store.getSlot(key.obligationId, key.period, key.unitId);
    if (!slot) throw notFound(`slot ${key.obligationId} ${key.period} ${key.unitId}`);
    const next = decide(slot);
    if (!next) return slotView(slot, now);
    await store.write([
      { type: 'putSlot', slot: next, ifVersion: slot.version },
      audit({
        unitId: key.unitId,
        at: now,
        actor: actorOf(who),
        action: change.action,
        obligationId: key.obligationId,
        period: key.period,
        ...(change.detail ? { detail: change.detail } : {}),
      }),
    ]);
    return slotView(next, now);
  });
}

/** Applies one office event to a slot: validated by the state machine, audited with who and why. */
async function actOnSlot(
  store: Store,
  who: Principal,
  key: { obligationId: string; period: string; unitId: string },
  event: SlotEvent,
  action: string,
  detail: Record<string, unknown>,
  now: Date,
) {
  const ob = await obligationOrThrow(store, key.obligationId);
  const cal = await loadCalendar(store, [yearOfPeriod(key.period)]);
  return changeSlot(store, who, key, now, { action, detail }, (slot) => applySlotEvent(cal, ob, slot, event));
}

export function extend(
  store: Store,
  who: Principal,
  key: { obligationId: string; period: string; unitId: string },
  body: { until: IsoDate; reason: string },
  now: Date,
) {
  return actOnSlot(store, who, key, { type: 'extended', until: body.until }, 'slot-extended', body, now);
}

export function waive(
  store: Store,
  who: Principal,
  key: { obligationId: string; period: string; unitId: string },
  body: { reason: string },
  now: Date,
) {
  return actOnSlot(store, who, key, { type: 'waived' }, 'slot-waived', body, now);
}

type AssessmentRow = {
  unitId: string;
  name: string;
  score: number | null;
  onTime: number;
  late: number;
  missing: number;
  waived: number;
};

/** Sorted by unit, ranked, in the route's shape. */
function rankedAssessment(year: number, today: IsoDate, scored: AssessmentRow[]) {
  scored.sort((a, b) => a.unitId.localeCompare(b.unitId));
  const ranked = rankUnits(scored);
  return {
    year,
    asOf: today,
    items: ranked.map(({ unitId, name, score, rank, onTime, late, missing, waived }) => ({
      unitId,
      name,
      score,
      rank,
      onTime,
      late,
      missing,
      waived,
    })),
  };
}

/** The marker that says every slot of a year has its entry on its unit's score card. */
const scoresKept = (year: number) => `scores-kept#${year}`;

/**
 * The annual assessment (SPEC §4.5) from the kept year score cards: three DynamoDB requests at
 * 2,000 units (the year's cards and the units, at once; then the settings, the obligations the
 * cards name and the year's marker in one BatchGetItem), whatever the number of periods. A slot
 * counts as in `assessmentFromSlots`: its period is one its obligation has in the year, or it is
 * an event's (an event and its slots are written together and never removed). The first read of
 * a year whose cards were never completed (slots written before cards were kept) fills them in.
 */
export async function assessment(store: Store, year: number, now: Date) {
  const [cards, units] = await Promise.all([store.scoreCards(year), store.unitNames()]);
  const obligationIds = [...new Set(cards.flatMap((c) => c.entries.map((e) => e.obligationId)))];
  const inputs = await store.getScoringInputs(obligationIds, scoresKept(year));
  if (inputs.marker === null) {
    const result = await assessmentFromSlots(store, year, now);
    await keepYearScores(store, year, now);
    return result;
  }
  const settings = inputs.settings ?? defaultSettings;
  const counted = new Set(
    inputs.obligations.flatMap((ob) => periodsOfYear(ob, year).map((p) => `${ob.obligationId}#${p}`)),
  );
  const today = shanghaiDate(now);
  const names = new Map(units.map((u) => [u.unitId, u.name]));
  const scored: AssessmentRow[] = [];
  for (const card of cards) {
    const slots = card.entries
      .filter((e) => EVENT_ID_RE.test(e.period) || counted.has(`${e.obligationId}#${e.period}`))
      .map((e) => scoredSlotOf(e.code));
    if (slots.length === 0) continue;
    const r = scoreUnit(slots, today, {
      latePenaltyPerDay: settings.latePenaltyPerDay,
      lateFloor: settings.lateFloor,
    });
    scored.push({
      unitId: card.unitId,
      name: names.get(card.unitId) ?? card.unitName,
      score: r.score,
      onTime: r.onTime,
      late: r.late,
      missing: r.missing,
      waived: r.waived,
    });
  }
  return rankedAssessment(year, today, scored);
}

/**
 * Fills in a year's score cards from its slots, then marks the year: every period any obligation
 * could have in the year (whatever its kind now, so a kind changed later finds its old slots on the
 * cards too) and every event's slots. A card entry already written by a later slot change is kept.
 */
export async function keepYearScores(store: Store, year: number, now: Date): Promise<void> {
  const [obligations, events] = await Promise.all([store.listObligations(), store.eventsOf(year)]);
  const anyPeriod = [
    ...periodsOfYear({ kind: 'deadline' }, year),
    ...periodsOfYear({ kind: 'monthly' }, year),
    ...periodsOfYear({ kind: 'quarterly' }, year),
  ];
  const partitions = [
    ...obligations.flatMap((ob) => anyPeriod.map((p) => [ob.obligationId, p] as const)),
    ...events.flatMap((e) => e.slots.map((s) => [s.obligationId, e.eventId] as const)),
  ];
  const slots: Slot[] = [];
  await inParallel(partitions, 8, async ([o, p]) => {
    slots.push(...(await allSlotsOfPeriod(store, o, p)));
  });
  await store.keepScores(slots);
  await store.setMarker(scoresKept(year), now.toISOString());
}

/**
 * The assessment recomputed from every slot of the year: one Query per obligation period (and per
 * event) — the reference the kept score cards are tested against, and the first read of a year.
 */
export async function assessmentFromSlots(store: Store, year: number, now: Date) {
  const [obligations, units, settings] = await Promise.all([
    store.listObligations(),
    store.listUnits(),
    getSettings(store),
  ]);
  const periods = obligations.flatMap((ob) =>
    periodsOfYear(ob, year).map((p) => [ob.obligationId, p] as const),
  );
  // Event duties count in the year the event occurred (their period is the event's id).
  const eventSlots = (await store.eventsOf(year)).flatMap((e) =>
    e.slots.map((s) => [s.obligationId, e.eventId] as const),
  );
  const slotLists = await Promise.all(
    [...periods, ...eventSlots].map(([o, p]) => allSlotsOfPeriod(store, o, p)),
  );
  const byUnit = new Map<string, Slot[]>();
  for (const s of slotLists.flat()) byUnit.set(s.unitId, [...(byUnit.get(s.unitId) ?? []), s]);
  const today = shanghaiDate(now);
  const names = new Map(units.map((u) => [u.unitId, u.name]));
  const scored = [...byUnit.entries()].map(([unitId, slots]) => {
    const r = scoreUnit(slots, today, {
      latePenaltyPerDay: settings.latePenaltyPerDay,
      lateFloor: settings.lateFloor,
    });
    return {
      unitId,
      name: names.get(unitId) ?? slots[0]!.unitName,
      score: r.score,
      onTime: r.onTime,
      late: r.late,
      missing: r.missing,
      waived: r.waived,
    };
  });
  return rankedAssessment(year, today, scored);
}

export async function auditTrail(store: Store, input: { unitId?: string; year: number } & PageRequest) {
  const unitId = input.unitId ?? OFFICE_TRAIL;
  if (input.unitId && !(await store.getUnit(input.unitId))) throw notFound(`unit ${input.unitId}`);
  return store.auditOf(unitId, input.year, { limit: input.limit ?? 100, cursor: input.cursor });
}

/**
 * 签收: the unit signs for a slot's request. Only the unit itself (the office cannot sign for it);
 * idempotent — a slot already signed for keeps its first time and nothing is written.
 */
export async function acknowledge(
  store: Store,
  who: Principal,
  key: { obligationId: string; period: string; unitId: string },
  now: Date,
) {
  if (who.role !== 'unit' || who.unitId !== key.unitId)
    throw new AppError('forbidden', 'only the unit itself signs for its request');
  return changeSlot(store, who, key, now, { action: 'slot-acknowledged' }, (slot) =>
    slot.acknowledgedAt ? null : { ...slot, acknowledgedAt: now.toISOString(), version: slot.version + 1 },
  );
}
