// The lists the API serves, page by page: each list's order (its paging key), the year it shows
// when the caller names none (the current one in Asia/Shanghai) and its page size by default.
import { shanghaiYear } from '../domain/dates';
import { auditTrail, assessment, overdue } from './office';
import { listEvents } from './events';
import { pageAfter } from './paging';
import type { PageRequest, Store, UserDirectory } from './ports';
import { unitSlots } from './slots';
import { listUsers } from './users';
import { obligationView } from './template-views';

type YearPage = PageRequest & { year?: number };

/** The year a list shows: the caller's, else the current one in Asia/Shanghai. */
export const yearOr = (year: number | undefined, now: Date) => year ?? shanghaiYear(now);

/** The assessment is one ranked table: its page holds every unit of a district unless asked for less. */
export const ASSESSMENT_PAGE_SIZE = 5000;

export const unitsPage = async (store: Store, page: PageRequest) =>
  pageAfter(await store.listUnits(), (u) => u.unitId, page);

export const obligationsPage = async (store: Store, page: PageRequest) =>
  pageAfter((await store.listObligations()).map(obligationView), (o) => o.obligationId, page);

/** Every slot overdue now, oldest deadline first. */
export const overduePage = async (store: Store, now: Date, page: PageRequest) =>
  pageAfter(
    (await overdue(store, now)).items,
    (s) => `${s.effectiveDeadline}#${s.obligationId}#${s.period}#${s.unitId}`,
    page,
  );

/** A unit's slots of a year, by deadline. */
export async function unitSlotsPage(store: Store, unitId: string, q: YearPage, now: Date) {
  const { items } = await unitSlots(store, unitId, yearOr(q.year, now), now);
  return pageAfter(items, (s) => `${s.effectiveDeadline}#${s.obligationId}#${s.period}`, q);
}

/** A unit's declared events of a year, newest first. */
export const eventsPage = async (store: Store, unitId: string, q: YearPage, now: Date) =>
  pageAfter(await listEvents(store, unitId, yearOr(q.year, now)), (e) => `${e.occurredOn}#${e.eventId}`, q);

/** The assessment of a year, ranked. */
export async function assessmentPage(store: Store, q: YearPage, now: Date) {
  const a = await assessment(store, yearOr(q.year, now), now);
  const page = pageAfter(a.items, (r) => `${String(r.rank).padStart(6, '0')}#${r.unitId}`, {
    ...q,
    limit: q.limit ?? ASSESSMENT_PAGE_SIZE,
  });
  return { year: a.year, asOf: a.asOf, ...page };
}

/** The audit trail of a unit-year (or the office's own), newest first. */
export const auditPage = (store: Store, q: YearPage & { unitId?: string }, now: Date) =>
  auditTrail(store, { ...q, year: yearOr(q.year, now) });

/** The people who sign in, by username. */
export const usersPage = async (users: UserDirectory, page: PageRequest) =>
  pageAfter(await listUsers(users), (u) => u.username, page);
