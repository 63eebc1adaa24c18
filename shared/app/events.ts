// Event-driven duties (SPEC §2 `event`): a unit — or the office for it — declares an event
// (e.g. a normative document it published, 规范性文件); the event's obligation opens a slot due
// `withinDays` after it (calendar or working days, then the holiday rule), and each of its
// `followUps` opens one due `afterDays` calendar days after the event (then its own holiday
// rule). Every slot's period is the event's id. The event, its slots and the audit line are one
// transaction; the request notices (报送通知) are queued first (deterministic ids).
import { ulid } from 'ulid';
import * as z from 'zod';
import { addDays, shanghaiDate, yearOf } from '../domain/dates';
import { appliesTo, eventDue, newSlot } from '../domain/due';
import { invalid, notFound } from '../domain/errors';
import {
  type DutyEvent,
  isoDate,
  type IsoDate,
  type Obligation,
  obligationIdSchema,
  type Principal,
  type Slot,
  unitIdSchema,
} from '../domain/model';
import { nextActionDate } from '../domain/plan';
import { lineText } from '../domain/text';
import { actorOf, audit } from './audit';
import { loadCalendar } from './calendar';
import { requestMessages } from './notices';
import { withRequestSent } from './open-slots';
import type { MessageQueue, OutgoingMessage, Store, WriteOp } from './ports';
import { slotView } from './views';

export const eventBodySchema = z.strictObject({
  obligationId: obligationIdSchema,
  occurredOn: isoDate,
  /** e.g. the document's title 《关于…的通知》. */
  title: lineText(200),
  /** e.g. the document number 文号 (X政发〔2026〕12号). */
  ref: lineText(100).optional(),
  /** The body may repeat the unit of its path. */
  unitId: unitIdSchema.optional(),
});
export type EventBody = z.infer<typeof eventBodySchema>;

/** A fresh event id: the day it occurred and 8 random base-32 characters (the period of its slots). */
export const newEventId = (occurredOn: IsoDate) => `${occurredOn}-${ulid().slice(-8).toLowerCase()}`;

export async function declareEvent(
  d: { store: Store; queue?: MessageQueue; webBaseUrl?: string },
  who: Principal,
  unitId: string,
  body: EventBody,
  now: Date,
) {
  const { store } = d;
  if (body.unitId !== undefined && body.unitId !== unitId)
    throw invalid('unitId', `must match the path (${unitId})`);
  const today = shanghaiDate(now);
  if (body.occurredOn > today) throw invalid('occurredOn', `must not be in the future (today is ${today})`);
  const [unit, ob] = await Promise.all([store.getUnit(unitId), store.getObligation(body.obligationId)]);
  if (!unit) throw notFound(`unit ${unitId}`);
  if (!ob) throw notFound(`obligation ${body.obligationId}`);
  if (ob.kind !== 'event')
    throw invalid('obligationId', `${ob.obligationId} is a ${ob.kind} obligation, not an event one`);
  if (!appliesTo(ob, unit)) throw invalid('obligationId', `${ob.obligationId} does not apply to ${unitId}`);

  const eventId = newEventId(body.occurredOn);
  const year = yearOf(body.occurredOn);
  const cal = await loadCalendar(store, [year, year + 1, yearOf(today)]);
  const event = { title: body.title, ...(body.ref ? { ref: body.ref } : {}), occurredOn: body.occurredOn };

  // The event's own slot, then each follow-up that is active and applies to the unit.
  const planned: Array<{ ob: Obligation; nominal: IsoDate }> = [
    { ob, nominal: eventDue(cal, ob, body.occurredOn) },
  ];
  for (const f of ob.followUps) {
    const fob = await store.getObligation(f.obligationId);
    if (fob && appliesTo(fob, unit))
      planned.push({ ob: fob, nominal: addDays(body.occurredOn, f.afterDays) });
  }
  const messages: OutgoingMessage[] = [];
  const slots: Slot[] = planned.map(({ ob: o, nominal }) => {
    const fresh = newSlot(cal, o, unit, eventId, today, { nominal, event });
    // The request notice goes out now, for each slot it opens.
    messages.push(...(d.queue ? requestMessages(o, fresh, unit, today, d.webBaseUrl) : []));
    const slot = d.queue ? withRequestSent(fresh) : fresh;
    return { ...slot, nextActionDate: nextActionDate(cal, o, slot, addDays(today, -1)), version: 1 };
  });
  const record: DutyEvent = {
    eventId,
    unitId,
    obligationId: ob.obligationId,
    occurredOn: body.occurredOn,
    title: body.title,
    ...(body.ref ? { ref: body.ref } : {}),
    createdAt: now.toISOString(),
    createdBy: actorOf(who),
    slots: slots.map((s) => ({ obligationId: s.obligationId, deadline: s.deadline })),
  };
  if (messages.length && d.queue) await d.queue.enqueue(messages);
  const ops: WriteOp[] = [
    { type: 'putEvent', event: record },
    ...slots.map((slot) => ({ type: 'putSlot' as const, slot, ifVersion: 0 })),
    audit({
      unitId,
      at: now,
      actor: actorOf(who),
      action: 'event-declared',
      obligationId: ob.obligationId,
      period: eventId,
      detail: {
        occurredOn: body.occurredOn,
        title: body.title,
        ...(body.ref ? { ref: body.ref } : {}),
        slots: slots.map((s) => ({ obligationId: s.obligationId, effectiveDeadline: s.effectiveDeadline })),
      },
    }),
  ];
  await store.write(ops);
  return { ...record, slots: slots.map((s) => slotView(s, now)) };
}

export async function listEvents(store: Store, unitId: string, year: number) {
  if (!(await store.getUnit(unitId))) throw notFound(`unit ${unitId}`);
  const events = await store.eventsOf(year, unitId);
  return events.sort(
    (a, b) => b.occurredOn.localeCompare(a.occurredOn) || b.eventId.localeCompare(a.eventId),
  );
}
