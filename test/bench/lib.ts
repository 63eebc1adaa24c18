// What every bench module shares: the line format of the table, and small statistics helpers.
// Every line compares a measurement with a baseline or limit measured in the same run (the
// machine is shared and noisy: only ratios hold).

export type Line = {
  /** What is measured. */
  what: string;
  measured: number;
  /** The baseline or limit, measured in the same run (or a stated constant, e.g. a rate). */
  baseline: number | null;
  /** What the baseline is. */
  baselineWhat: string;
  unit: string;
  /** measured ÷ baseline (null without a baseline). */
  ratio: number | null;
  /** The goal, in words, e.g. "≤ 0.5×", "≤ 400 KB", "= 4,500". */
  goal: string;
  met: boolean;
  note?: string;
};

export type BenchOptions = { quick: boolean };

export const ratioOf = (measured: number, baseline: number | null) =>
  baseline && baseline > 0 ? measured / baseline : null;

export function line(l: Omit<Line, 'ratio'> & { ratio?: number | null }): Line {
  return { ...l, ratio: l.ratio === undefined ? ratioOf(l.measured, l.baseline) : l.ratio };
}

export const median = (xs: number[]) => percentile(xs, 50);

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

/** A seeded PRNG (mulberry32): the same shuffles every run (the tests' own, test/support/prng.ts). */
export { seeded } from '../support/prng';

export function shuffle<T>(xs: T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Counts (and optionally times) every request a client sends, by command name. */
export function countRequests(client: {
  middlewareStack: { add: (mw: never, opts: { step: 'initialize'; name: string }) => void };
}) {
  const counter = { total: 0, byCommand: new Map<string, number>() };
  client.middlewareStack.add(
    ((next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
      counter.total++;
      const name = ctx.commandName ?? 'unknown';
      counter.byCommand.set(name, (counter.byCommand.get(name) ?? 0) + 1);
      return next(args);
    }) as never,
    { step: 'initialize', name: `benchCounter${Math.random().toString(36).slice(2)}` },
  );
  return {
    get total() {
      return counter.total;
    },
    byCommand: counter.byCommand,
    reset() {
      counter.total = 0;
      counter.byCommand.clear();
    },
  };
}

export const fmt = (n: number | null, digits = 1) =>
  n === null || Number.isNaN(n)
    ? '–'
    : Math.abs(n) >= 1000
      ? Math.round(n).toLocaleString('en-US')
      : n.toFixed(digits);
