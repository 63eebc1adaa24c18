// The daily deadline sweep (SPEC §3, §4.3).
//
// 1. Roll-over: the first sweep of a year opens that year's slots — with a SlotOpener (on AWS,
//    locally) it queues them as jobs for the opener function (shared/app/slot-opening.ts), else
//    inline. Idempotent; a marker `slots-opened#<year>` is set only after the jobs are queued (or
//    openSlots finished), so a crash just queues/opens again.
// 2. Work list: store.slotsDueBy(today) — the sparse GSI2 over ten shards, slots whose next action
//    date is on or before today (which also catches up missed days). No scan: the cost grows with
//    the slots due, not with the table.
// 3. Each slot: planDay → the day's notices, overdue/close transitions, the next action date.
// 4. ENQUEUE FIRST, THEN WRITE. Every notice is queued before the slot that records it is written
//    (slot with ifVersion + audit, one transaction). A crash between the two leaves the slot as it
//    was, so a rerun plans the very same notices under the very same ids, and the sender's claim
//    on the id drops the second copy. The other order (write, then enqueue) would lose the notices
//    of a crash for good: the rerun finds the slot already advanced and plans nothing.
// 5. Request notices (报送通知) of the periods that begin: on the first working day of a period, one
//    Query of each periodic obligation's current board (periodRequests below).
// 6. Office digest (working days): every owing slot at escalation level 2 and the slots newly
//    overdue since the previous working day, one message per office contact and channel, id
//    `digest:<today>:<channel>:<i>`. Built after the writes from GSI3 (owing slots by effective
//    deadline) merged with this run's results, so a rerun builds it again if it was lost. It also
//    lists the unit contacts whose email bounces. A long digest (thousands of overdue slots) is
//    split into emails of at most DIGEST_PART_BYTES (ids `…:<i>:part<k>` from the second on), so
//    every queued message stays far below SQS's 256 KB.
import { nextWorkdayOnOrAfter, workdaysAfter, type Calendar } from '../domain/calendar';
import { addDays, periodStart, shanghaiDate, yearOf } from '../domain/dates';
import { OVERDUE_ROUTE, slotLink, webLink } from '../domain/links';
import {
  escalationMessage,
  officeDigestMessage,
  reminderMessage,
  reportLabel,
} from '../domain/messages';
import { type Obligation, type Settings, type Slot, slotRef, type Unit } from '../domain/model';
import { digestItems, digestParts } from '../domain/digest';
import { type PlannedNotice, planDay } from '../domain/plan';
import { applyDayPlan } from '../domain/slotState';
import { audit, OFFICE_TRAIL } from './audit';
import { bouncingContacts } from './bounces';
import { getSettings } from './admin';
import { loadCalendar } from './calendar';
import { contactsOf, fanOut, noticeBase, requestMessages } from './notices';
import { METRIC, type Metrics } from './metrics';
import { inParallel, requestDue, withRequestSent } from './open-slots';
import { requestOpening } from './slot-opening';
import {
  ConditionFailed,
  type MessageQueue,
  type OutgoingMessage,
  type SlotOpener,
  type Store,
  type WriteOp,
} from './ports';

export type SweepSummary = {
  at: string;
  opened: number;
  reminders: number;
  escalations: number;
  digests: number;
};

export type SweepDeps = {
  store: Store;
  queue?: MessageQueue;
  webBaseUrl?: string;
  metrics?: Metrics;
  /** Slot opening as jobs (the opener function); absent: the year's slots are opened inline. */
  opener?: SlotOpener;
};

const PARALLEL = 16;
export const openedMarker = (year: number) => `slots-opened#${year}`;

type Work = { before: Slot; after: Slot; ob: Obligation | null; notices: PlannedNotice[]; ops: WriteOp[] };

export async function sweep(d: SweepDeps, at: Date): Promise<SweepSummary> {
  const { store } = d;
  if (!d.queue) throw new Error('dependency queue is not configured');
  const queue = d.queue;
  const today = shanghaiDate(at);
  const year = yearOf(today);

  const [cal, obligations, settings, marker] = await Promise.all([
    loadCalendar(store, [year]),
    store.listObligations(),
    getSettings(store),
    store.getMarker(openedMarker(year)),
  ]);
  let opened = 0;
  if (!marker) {
    // With an opener (on AWS, locally) the year's slots are queued as jobs of ≤ 200 units and
    // opened by the opener function (their request notices with them): the marker then means
    // "queued"; a job is idempotent, so a crash before the marker only queues them again. Slots
    // opened after this sweep's planning are acted on by the next sweep (the work list catches up
    // missed days).
    ({ opened } = await requestOpening(
      { store, opener: d.opener },
      { year, units: await store.listUnits(), obligations, now: at, queue, webBaseUrl: d.webBaseUrl },
    ));
    await store.setMarker(openedMarker(year), at.toISOString());
  }
  const obById = new Map(obligations.map((o) => [o.obligationId, o]));

  // ---- plan ----------------------------------------------------------------------------------
  const due = await store.slotsDueBy(today);
  d.metrics?.add(METRIC.slotsActedOn, due.length);
  const work: Work[] = due.map((slot) =>
    planSlot(cal, obById.get(slot.obligationId) ?? null, slot, today, at),
  );
  const needUnits = [...new Set(work.filter((w) => w.notices.length).map((w) => w.before.unitId))];
  const units: Map<string, Unit | null> = await store.getUnits(needUnits);

  const messages: OutgoingMessage[] = [];
  let reminders = 0;
  let escalations = 0;
  const escalatedToOffice = new Set<string>();
  for (const w of work) {
    if (!w.ob) continue;
    const unit = units.get(w.before.unitId) ?? null;
    for (const n of w.notices) {
      if (n.kind === 'reminder') reminders++;
      else escalations++;
      if (n.kind === 'escalation' && n.to === 'office') {
        escalatedToOffice.add(slotRef(w.after));
        continue; // the office gets the digest, never one message per unit
      }
      const out =
        unit?.active === false ? [] : noticeMessages(cal, w.ob, w.before, unit, n, today, d.webBaseUrl);
      messages.push(...out);
      w.ops.push(
        audit({
          unitId: w.before.unitId,
          at,
          actor: 'system',
          action: out.length ? 'notice-queued' : 'notice-undeliverable',
          obligationId: w.before.obligationId,
          period: w.before.period,
          detail: {
            kind: n.kind,
            ...(n.kind === 'reminder' ? { offset: n.offset } : { level: n.level, to: n.to }),
            dueRef: n.dueRef,
            channels: out.map((m) => `${m.channel}:${m.recipient}`),
            ...(out.length
              ? {}
              : { reason: unit?.active === false ? 'unit inactive' : 'no contact for this role' }),
          },
        }),
      );
    }
  }

  // ---- enqueue, then write -------------------------------------------------------------------
  if (messages.length) await queue.enqueue(messages);
  await inParallel(work, PARALLEL, async (w) => {
    try {
      await store.write([{ type: 'putSlot', slot: w.after, ifVersion: w.before.version }, ...w.ops]);
    } catch (err) {
      // Changed meanwhile (an upload, an office action): that writer planned its next action;
      // the notices already queued keep their ids, so planning them again later sends nothing twice.
      if (!(err instanceof ConditionFailed)) throw err;
    }
  });

  // ---- request notices of the periods that start ---------------------------------------------
  await periodRequests(store, queue, cal, obligations, today, at, d.webBaseUrl);

  // ---- the office digest ---------------------------------------------------------------------
  const digests = cal.isWorkday(today)
    ? await officeDigest(
        store,
        queue,
        cal,
        settings,
        obById,
        work,
        needUnits,
        units,
        escalatedToOffice,
        today,
        d.webBaseUrl,
      )
    : 0;

  return { at: at.toISOString(), opened, reminders, escalations, digests };
}

/** The period of a periodic obligation that `today` falls in. */
function currentPeriod(ob: Obligation, today: string): string | null {
  const y = today.slice(0, 4);
  if (ob.kind === 'monthly') return today.slice(0, 7);
  if (ob.kind === 'quarterly') return `${y}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
  if (ob.kind === 'deadline' || ob.kind === 'quota') return y;
  return null; // once and event slots are told when they open
}

export const requestsMarker = (obligationId: string, period: string) => `requests#${obligationId}#${period}`;
/** A period's request notices go out within a week of its first working day, never later (the reminders take over). */
export const REQUEST_WINDOW_DAYS = 7;

/**
 * On the first working day of a new period (or the first sweep in the week after it), every open slot of the
 * period gets its request notice (报送通知): one Query of the period's board per obligation, once
 * (marker `requests#<obligation>#<period>`, set after the writes, so a crash just runs it again —
 * the notice ids are deterministic and each slot records the `request` key). Queue first, then write.
 */
async function periodRequests(
  store: Store,
  queue: MessageQueue,
  cal: Calendar,
  obligations: Obligation[],
  today: string,
  at: Date,
  webBaseUrl: string | undefined,
): Promise<number> {
  let sent = 0;
  for (const ob of obligations) {
    const period = ob.active ? currentPeriod(ob, today) : null;
    if (!period) continue;
    const first = nextWorkdayOnOrAfter(cal, periodStart(period));
    if (first > today || today > addDays(first, REQUEST_WINDOW_DAYS)) continue;
    const marker = requestsMarker(ob.obligationId, period);
    if (await store.getMarker(marker)) continue;
    const slots: Slot[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.slotsOfPeriod(ob.obligationId, period, { cursor, limit: 5000 });
      slots.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const owed = slots.filter((s) => requestDue(cal, ob, s, today));
    const units = await store.getUnits([...new Set(owed.map((s) => s.unitId))]);
    const plans = owed
      .filter((s) => units.get(s.unitId)?.active !== false)
      .map((s) => ({ slot: s, msgs: requestMessages(ob, s, units.get(s.unitId) ?? null, today, webBaseUrl) }));
    const msgs = plans.flatMap((p) => p.msgs);
    if (msgs.length) await queue.enqueue(msgs);
    await inParallel(plans, PARALLEL, async ({ slot, msgs }) => {
      try {
        await store.write([
          { type: 'putSlot', slot: { ...withRequestSent(slot), version: slot.version + 1 }, ifVersion: slot.version },
          audit({
            unitId: slot.unitId,
            at,
            actor: 'system',
            action: msgs.length ? 'notice-queued' : 'notice-undeliverable',
            obligationId: slot.obligationId,
            period: slot.period,
            detail: {
              kind: 'request',
              channels: msgs.map((m) => `${m.channel}:${m.recipient}`),
              ...(msgs.length ? {} : { reason: 'no contact for this role' }),
            },
          }),
        ]);
        sent++;
      } catch (err) {
        if (!(err instanceof ConditionFailed)) throw err; // changed meanwhile: its notice is queued anyway
      }
    });
    await store.setMarker(marker, at.toISOString());
  }
  return sent;
}

function planSlot(cal: Calendar, ob: Obligation | null, slot: Slot, today: string, at: Date): Work {
  if (!ob) {
    // Its obligation is gone: nothing more to plan; take it off the work list.
    const after = { ...slot, nextActionDate: null, version: slot.version + 1 };
    const ops = [
      audit({
        unitId: slot.unitId,
        at,
        actor: 'system',
        action: 'sweep-skipped',
        obligationId: slot.obligationId,
        period: slot.period,
        detail: { reason: 'obligation not found' },
      }),
    ];
    return { before: slot, after, ob, notices: [], ops };
  }
  const plan = planDay(cal, ob, slot, today);
  const after = applyDayPlan(slot, plan);
  const ops: WriteOp[] = [];
  const meta = {
    unitId: slot.unitId,
    at,
    actor: 'system',
    obligationId: slot.obligationId,
    period: slot.period,
  };
  if (plan.close)
    ops.push(
      audit({ ...meta, action: 'slot-closed', detail: { reason: 'cut-off passed with nothing received' } }),
    );
  else if (plan.becomeOverdue)
    ops.push(
      audit({ ...meta, action: 'slot-overdue', detail: { effectiveDeadline: slot.effectiveDeadline } }),
    );
  return { before: slot, after, ob, notices: plan.notices, ops };
}

function noticeMessages(
  cal: Calendar,
  ob: Obligation,
  slot: Slot,
  unit: Unit | null,
  n: PlannedNotice,
  today: string,
  webBaseUrl: string | undefined,
) {
  const ref = {
    unitName: unit?.name ?? slot.unitName,
    obligationName: ob.name,
    period: slot.period,
    effectiveDeadline: n.dueRef,
    link: slotLink(webBaseUrl, slot.obligationId, slot.period),
    label: reportLabel(ob, slot),
  };
  const returned = slot.state === 'returned';
  const meta = { unitId: slot.unitId, obligationId: slot.obligationId, period: slot.period, kind: n.kind };
  if (n.kind === 'reminder') {
    const m = reminderMessage({ ...ref, offset: n.offset, today, returned });
    return fanOut(noticeBase(slot, n), contactsOf(unit, 'liaison'), m, n.sms, meta);
  }
  const leaders = contactsOf(unit, 'leader');
  const leaderName = unit?.contacts.find((c) => c.role === 'leader')?.name;
  const m = escalationMessage({
    ...ref,
    lateDays: workdaysAfter(cal, n.dueRef, today),
    leaderName,
    today,
    returned,
  });
  return fanOut(noticeBase(slot, n), leaders, m, n.sms, { ...meta, kind: `escalation-${n.level}` });
}

async function officeDigest(
  store: Store,
  queue: MessageQueue,
  cal: Calendar,
  settings: Settings,
  obById: Map<string, Obligation>,
  work: Work[],
  asked: string[],
  known: Map<string, Unit | null>,
  escalatedToOffice: Set<string>,
  today: string,
  webBaseUrl: string | undefined,
): Promise<number> {
  // Owing slots past their effective deadline (GSI3; a GSI read may lag, so this run's own
  // results win), plus returned slots this run escalated (they are not on GSI3).
  const bySlot = new Map<string, Slot>();
  for (const s of await store.overdueSlots(today)) bySlot.set(slotRef(s), s);
  for (const w of work) bySlot.set(slotRef(w.after), w.after);
  // The units' current names (a renamed unit is listed by its new name; slots keep a copy); the
  // units this run read for its notices (`asked`, found in `known`) are not read again.
  const read = new Set(asked);
  const units = new Map([...known].filter((e): e is [string, Unit] => e[1] !== null));
  const unitIds = [...new Set([...bySlot.values()].map((s) => s.unitId))].filter((id) => !read.has(id));
  for (const [id, u] of await store.getUnits(unitIds)) units.set(id, u);
  const { items, news } = digestItems({
    slots: bySlot.values(),
    obligations: obById,
    unitName: (id) => units.get(id)?.name,
    cal,
    escalatedToOffice,
    today,
  });
  if (items.length === 0) return 0;
  const bouncing = bouncingContacts((await store.listUnits()).filter((u) => u.bouncing?.length));
  const m = officeDigestMessage(items, today, webLink(webBaseUrl, OVERDUE_ROUTE), bouncing);
  const parts = digestParts(m);
  const meta = { unitId: OFFICE_TRAIL, kind: 'digest' };
  const msgs: OutgoingMessage[] = [];
  settings.officeContacts.forEach((c, i) => {
    const email = c.email;
    if (email)
      parts.forEach((part, k) => {
        msgs.push({
          // Part 1 keeps the id a one-part digest always had.
          id: `digest:${today}:email:${i}${k ? `:part${k + 1}` : ''}`,
          channel: 'email',
          to: email,
          subject: part.subject,
          text: part.text,
          recipient: 'office',
          ...meta,
        });
      });
    // SMS only on a day with news (a new level-2 escalation or a newly overdue slot).
    if (c.phone && news)
      msgs.push({
        id: `digest:${today}:sms:${i}`,
        channel: 'sms',
        to: c.phone,
        text: m.sms,
        template: m.smsTemplate,
        recipient: 'office',
        ...meta,
      });
  });
  if (msgs.length === 0) return 0;
  await queue.enqueue(msgs);
  return 1;
}
