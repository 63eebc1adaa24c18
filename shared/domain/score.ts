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
  let sum = 0;
  for (const slot of slots) {
    if (slot.state === 'waived') {
      out.waived++;
      continue;
    }
    const s = scoreSlot(slot, today, opts);
    if (!s) continue;
    out[s.outcome]++;
    out.counted++;
    sum += s.score;
  }
  if (out.counted > 0) out.score = roundOneDecimal(sum / out.counted);
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
