// Opening slots as a fan-out (issue 10, "scale limits"): the first sweep of a year, a new or
// changed obligation and a new unit do not open slots inline — at 10,000 units a year is ≈ 64,000
// conditional writes, far beyond an API call's 10 s or even the sweep's 300 s. They queue one job
// per obligation and shard of ≤ OPEN_SLOTS_SHARD units; the opener function runs each job
// (openSlots for that obligation and those units: idempotent, so a redelivered job or a rerun
// sweep opens nothing twice) and the caller answers at once. Without an opener (the tests that
// inject dependencies) the slots are opened inline, as before.
import * as z from 'zod';
import { shanghaiDate } from '../domain/dates';
import { appliesTo, periodsOfYear } from '../domain/due';
import { type IsoDate, obligationIdSchema, type Obligation, type Unit, unitIdSchema } from '../domain/model';
import { loadCalendar } from './calendar';
import { openSlots } from './open-slots';
import type { MessageQueue, OpenSlotsJob, SlotOpener, Store } from './ports';

/** Units per job: one job stays well inside the opener's timeout (≤ 200 × 12 periods of writes). */
export const OPEN_SLOTS_SHARD = 200;

/** A queued job, as the opener reads it (zod at the boundary). */
export const openSlotsJobSchema = z.strictObject({
  year: z.number().int().min(2000).max(2200),
  obligationId: obligationIdSchema,
  unitIds: z.array(unitIdSchema).min(1).max(OPEN_SLOTS_SHARD),
});

/**
 * One job per obligation and shard of the units it applies to. None for an obligation that applies
 * to no unit, has no period in the year (an event's slots open per declared event, a one-off
 * request's only in its due date's year) or is a one-off request already past due on `today`
 * (openSlots opens nothing for those either).
 */
export function openingJobs(
  year: number,
  obligations: Obligation[],
  units: Unit[],
  today?: IsoDate,
): OpenSlotsJob[] {
  const jobs: OpenSlotsJob[] = [];
  for (const ob of obligations) {
    if (periodsOfYear(ob, year).length === 0) continue;
    if (today && ob.kind === 'once' && ob.dueDate < today) continue;
    const ids = units.filter((u) => appliesTo(ob, u)).map((u) => u.unitId);
    for (let i = 0; i < ids.length; i += OPEN_SLOTS_SHARD)
      jobs.push({ year, obligationId: ob.obligationId, unitIds: ids.slice(i, i + OPEN_SLOTS_SHARD) });
  }
  return jobs;
}

export type OpeningDeps = { store: Store; opener?: SlotOpener };

/**
 * Opens the year's slots of these units and obligations: queued as jobs when an opener is
 * wired (`queued` jobs, `opened` 0), else inline (`opened` slots).
 */
export async function requestOpening(
  d: OpeningDeps,
  input: Parameters<typeof openSlots>[2],
): Promise<{ opened: number; queued: number }> {
  if (d.opener) {
    // The opener function opens them with its own clock, notify queue and web address (so the
    // request notices 报送通知 owed on the day go out exactly as when opened inline).
    const jobs = openingJobs(input.year, input.obligations, input.units, shanghaiDate(input.now));
    if (jobs.length) await d.opener.request(jobs);
    return { opened: 0, queued: jobs.length };
  }
  // Inline: only where no opener is wired (tests that inject their dependencies, bench). On Lambda
  // the api and the sweep always have one (wire/opener.ts always provides it) and their roles may
  // not open slots themselves: ./open-inline.ts is left out of what the IAM usage test's coverage
  // guard reads as their reachable code (INLINE_ONLY there).
  const { openInline } = await import('./open-inline');
  return { opened: await openInline(d.store, input), queued: 0 };
}

/**
 * Runs one job (the opener function): the obligation and units as they are now. The request
 * notices (报送通知) owed today by the slots it opens are queued on `queue` (see openSlots).
 */
export async function runOpeningJob(
  d: { store: Store; queue?: MessageQueue; webBaseUrl?: string },
  job: OpenSlotsJob,
  now: Date,
): Promise<number> {
  const [ob, units, cal] = await Promise.all([
    d.store.getObligation(job.obligationId),
    d.store.getUnits(job.unitIds),
    loadCalendar(d.store, [job.year]),
  ]);
  if (!ob) return 0; // the obligation went away since: nothing to open
  return openSlots(d.store, cal, {
    year: job.year,
    units: [...units.values()],
    obligations: [ob],
    now,
    queue: d.queue,
    webBaseUrl: d.webBaseUrl,
  });
}
