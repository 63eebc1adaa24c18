// The annual assessment (SPEC §4.5): one score per unit per year, and the ranking.
import type { IsoDate, Slot } from './model';

export type ScoredSlot = Pick<
  Slot,
  'kind' | 'state' | 'onTime' | 'lateDays' | 'count' | 'minCount' | 'effectiveDeadline'
>;

export type ScoreOptions = { latePenaltyPerDay: number; lateFloor: number };

export type UnitScore = {
  /** Mean of the counted slots, one decimal (half up); null when nothing is counted. */
  score: number | null;
  onTime: number;
  late: number;
  missing: number;
  waived: number;
  counted: number;
};

const RECEIVED_STATES = new Set<Slot['state']>(['submitted', 'returned', 'accepted']);

/** Round half up to one decimal, immune to binary artefacts such as 66.65 → 66.6. */
export function roundOneDecimal(x: number): number {
  return Math.floor(Number((x * 10).toFixed(6)) + 0.5) / 10;
}

/** The score of one slot, or null when it is not assessable (yet). */
export function scoreSlot(
  slot: ScoredSlot,
  today: IsoDate,
  opts: ScoreOptions,
): { score: number; outcome: 'onTime' | 'late' | 'missing' } | null {
  if (slot.state === 'waived') return null;
  const pastDue = today > slot.effectiveDeadline;
  if (slot.kind === 'quota') {
    const min = slot.minCount ?? 1;
    const count = slot.count ?? 0;
    const met = count >= min;
    if (!met && !pastDue) return null; // the year is not over: not yet assessable
    const score = 100 * Math.min(count / min, 1);
    if (!met) return { score, outcome: 'missing' };
    return { score, outcome: slot.onTime === false ? 'late' : 'onTime' };
  }
  const received = RECEIVED_STATES.has(slot.state) || slot.onTime !== null;
  if (!received) return pastDue ? { score: 0, outcome: 'missing' } : null;
  if (slot.onTime !== false) return { score: 100, outcome: 'onTime' };
  return {
    score: Math.max(opts.lateFloor, 100 - opts.latePenaltyPerDay * (slot.lateDays ?? 0)),
    outcome: 'late',
  };
}

/**
 * One unit's score for a year: waived slots and slots not yet due with nothing received are left out;
 * deadline/monthly: 100 on time, max(floor, 100 − penalty × lateDays) late, 0 missing;
 * quota: 100 × min(count / minCount, 1).
 */
export function scoreUnit(
  slots: ScoredSlot[],
  today: IsoDate,
  opts: ScoreOptions = { latePenaltyPerDay: 10, lateFloor: 40 },
): UnitScore {
  const out: UnitScore = { score: null, onTime: 0, late: 0, missing: 0, waived: 0, counted: 0 };
  const scores: number[] = [];
  for (const slot of slots) {
    if (slot.state === 'waived') {
      out.waived++;
      continue;
    }
    const s = scoreSlot(slot, today, opts);
    if (!s) continue;
    out[s.outcome]++;
    out.counted++;
    scores.push(s.score);
  }
  // Summed in ascending order, so the result depends on the slots and never on the order they
  // were read in (floating-point addition is not associative): the kept year scores give the same.
  scores.sort((a, b) => a - b);
  if (out.counted > 0) out.score = roundOneDecimal(scores.reduce((a, b) => a + b, 0) / out.counted);
  return out;
}

/**
 * The part of a slot its score depends on, as a short string (kept per slot on the unit's year
 * score card): kind (q quota, d any other), w waived · r received (submitted, returned, accepted) ·
 * o owing (open, overdue, closed), onTime (t f n), lateDays, count, minCount, effective deadline.
 * `scoredSlotOf(scoreCode(s))` scores exactly as `s` for any day and options.
 */
export function scoreCode(slot: ScoredSlot): string {
  const cls = slot.state === 'waived' ? 'w' : RECEIVED_STATES.has(slot.state) ? 'r' : 'o';
  const on = slot.onTime === null ? 'n' : slot.onTime ? 't' : 'f';
  return [
    slot.kind === 'quota' ? 'q' : 'd',
    cls,
    on,
    slot.lateDays ?? '',
    slot.count ?? '',
    slot.minCount ?? '',
    slot.effectiveDeadline,
  ].join('|');
}

const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));

/** A slot that scores as the one `scoreCode` was taken from (its state one of each class). */
export function scoredSlotOf(code: string): ScoredSlot {
  const [k, cls, on, late, count, min, due] = code.split('|');
  const out: ScoredSlot = {
    kind: k === 'q' ? 'quota' : 'deadline',
    state: cls === 'w' ? 'waived' : cls === 'r' ? 'submitted' : 'open',
    onTime: on === 'n' ? null : on === 't',
    lateDays: num(late) ?? null,
    effectiveDeadline: due ?? '',
  };
  const c = num(count);
  const m = num(min);
  if (c !== undefined) out.count = c;
  if (m !== undefined) out.minCount = m;
  return out;
}

/** Descending by score; ties share a rank (1, 1, 3); null scores last (sharing the rank after the scored). */
export function rankUnits<T extends { score: number | null }>(items: T[]): (T & { rank: number })[] {
  const sorted = items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => {
      const sa = a.item.score;
      const sb = b.item.score;
      if (sa === sb) return a.i - b.i;
      if (sa === null) return 1;
      if (sb === null) return -1;
      return sb - sa;
    });
  const out: (T & { rank: number })[] = [];
  sorted.forEach(({ item }, i) => {
    const prev = out[i - 1];
    const rank = prev && prev.score === item.score ? prev.rank : i + 1;
    out.push({ ...item, rank });
  });
  return out;
}
