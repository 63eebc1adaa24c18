// The periods of an obligation in a year and their nominal due dates, for the board's picker.
// (The API answers the effective deadline; this only chooses which period to open first.)
import { addDays, daysBetween } from './format';
import type { Obligation } from './types';

type Ob = Pick<Obligation, 'kind' | 'obligationId'> & { due?: string; dueDay?: number; dueDate?: string };

const pad = (n: number) => String(n).padStart(2, '0');

export function periodsOf(ob: Ob, year: number): Array<{ period: string; due: string }> {
  switch (ob.kind) {
    case 'monthly':
      return Array.from({ length: 12 }, (_, i) => {
        const next = i === 11 ? `${year + 1}-01` : `${year}-${pad(i + 2)}`;
        return { period: `${year}-${pad(i + 1)}`, due: `${next}-${pad(ob.dueDay ?? 5)}` };
      });
    default: {
      const o = ob;
      const kind: string = ob.kind; // other kinds (quarterly, once, event) may come with newer APIs
      if (kind === 'quarterly')
        return [1, 2, 3, 4].map((q) => {
          const m = q * 3 + 1;
          const due = m > 12 ? `${year + 1}-01-${pad(o.dueDay ?? 15)}` : `${year}-${pad(m)}-${pad(o.dueDay ?? 15)}`;
          return { period: `${year}-Q${q}`, due };
        });
      if (kind === 'once' && o.dueDate) return [{ period: o.dueDate.slice(0, 4), due: o.dueDate }];
      if (kind === 'event') return [];
      return [{ period: String(year), due: `${year}-${ob.due ?? '12-31'}` }];
    }
  }
}

/** The obligation period whose deadline is nearest to `today` (either side). */
export function nearestPeriod(obligations: Ob[], today: string): { obligationId: string; period: string } | null {
  const year = Number(today.slice(0, 4));
  let best: { obligationId: string; period: string; dist: number } | null = null;
  for (const ob of obligations)
    for (const y of [year])
      for (const p of periodsOf(ob, y)) {
        if (p.due > addDays(today, 400)) continue;
        const dist = Math.abs(daysBetween(today, p.due));
        if (!best || dist < best.dist) best = { obligationId: ob.obligationId, period: p.period, dist };
      }
  return best && { obligationId: best.obligationId, period: best.period };
}
