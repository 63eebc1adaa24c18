// A unit's slots of a year, with every submitted version.
import { notFound } from '../domain/errors';
import type { Store } from './ports';
import { templateView } from './template-views';
import { slotView } from './views';
import { UPLOAD_EXPIRY_SECONDS } from './submissions';

export async function unitSlots(store: Store, unitId: string, year: number, now: Date) {
  const [unit, { slots, submissions }, obligations] = await Promise.all([
    store.getUnit(unitId),
    store.unitYear(unitId, year),
    store.listObligations(),
  ]);
  if (!unit) throw notFound(`unit ${unitId}`);
  const templates = new Map(
    obligations.map((o) => [o.obligationId, (o.templates ?? []).map((t) => templateView(o.obligationId, t))]),
  );
  const byslot = new Map<string, typeof submissions>();
  for (const s of submissions) {
    // An upload form that expired unused is no version of anything: not listed.
    if (
      s.state === 'awaiting-upload' &&
      Date.parse(s.createdAt) + UPLOAD_EXPIRY_SECONDS * 1000 < now.getTime()
    )
      continue;
    const k = `${s.obligationId}#${s.period}`;
    byslot.set(k, [...(byslot.get(k) ?? []), s]);
  }
  const items = slots
    .sort(
      (a, b) =>
        a.effectiveDeadline.localeCompare(b.effectiveDeadline) ||
        a.obligationId.localeCompare(b.obligationId),
    )
    .map((slot) => {
      const subs = (byslot.get(`${slot.obligationId}#${slot.period}`) ?? []).sort((a, b) =>
        a.createdAt.localeCompare(b.createdAt),
      );
      return slotView(slot, now, subs, templates.get(slot.obligationId) ?? []);
    });
  return { items };
}
