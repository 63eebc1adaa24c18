// What a slot owes on a given day (SPEC §3): reminders before its due date, escalation after
// it, becoming overdue, closing at cut-off — and the next date on which any of that happens
// (the sweep's index). Pure: the sweep feeds `sentKeys` back into `slot.sent`.
import { type Calendar, addWorkdays, lastWorkdayOnOrBefore, nextWorkdayOnOrAfter } from './calendar';
import { slotCutoff } from './cutoff';
import { addDays } from './dates';
import type { IsoDate, Obligation, Slot } from './model';

export type PlannedNotice =
  | { kind: 'reminder'; offset: number; dueRef: IsoDate; sms: boolean }
  | { kind: 'escalation'; level: 1 | 2; to: 'leader' | 'office'; dueRef: IsoDate; sms: boolean };

export type DayPlan = {
  becomeOverdue: boolean;
  close: boolean;
  notices: PlannedNotice[];
  /** Keys to add to slot.sent. */
  sentKeys: string[];
  nextActionDate: IsoDate | null;
};

export type PlanSlot = Pick<
  Slot,
  'state' | 'effectiveDeadline' | 'resubmitBy' | 'sent' | 'escalationLevel' | 'count' | 'minCount'
>;

export const reminderKey = (offset: number, dueRef: IsoDate) => `reminder:${offset}:${dueRef}`;
export const escalationKey = (level: number, dueRef: IsoDate) => `escalation:${level}:${dueRef}`;
export const noticeKey = (n: PlannedNotice) =>
  n.kind === 'reminder' ? reminderKey(n.offset, n.dueRef) : escalationKey(n.level, n.dueRef);

/** Whether the slot still owes a report: open, overdue or returned. */
export function owes(slot: Pick<Slot, 'state'>): boolean {
  return slot.state === 'open' || slot.state === 'overdue' || slot.state === 'returned';
}

/** The date reminders and escalation count from: resubmitBy when returned, else the effective deadline. */
export function dueRefOf(slot: Pick<Slot, 'state' | 'effectiveDeadline' | 'resubmitBy'>): IsoDate {
  return slot.state === 'returned' && slot.resubmitBy ? slot.resubmitBy : slot.effectiveDeadline;
}

type Ctx = {
  dueRef: IsoDate;
  cutoff: IsoDate;
  /** Ascending by offset. */
  reminders: { offset: number; sendDay: IsoDate }[];
  steps: { level: 1 | 2; to: 'leader' | 'office'; date: IsoDate }[];
};

function context(cal: Calendar, ob: Obligation, slot: PlanSlot): Ctx {
  const dueRef = dueRefOf(slot);
  const offsets = [...new Set(ob.reminderDays)].sort((a, b) => a - b);
  return {
    dueRef,
    cutoff: slotCutoff(ob, slot),
    reminders: offsets.map((offset) => ({
      offset,
      sendDay: lastWorkdayOnOrBefore(cal, addDays(dueRef, -offset)),
    })),
    // Level L is reached on the first day with workdaysAfter(dueRef, day) ≥ afterWorkingDays,
    // i.e. on the afterWorkingDays-th working day after dueRef.
    steps: ob.escalation.map((s) => ({
      level: s.level,
      to: s.to,
      date: addWorkdays(cal, dueRef, s.afterWorkingDays),
    })),
  };
}

type Core = { becomeOverdue: boolean; close: boolean; notices: PlannedNotice[] };

function sentLevel(slot: PlanSlot, dueRef: IsoDate): number {
  let level: number = slot.escalationLevel;
  for (const l of [1, 2]) if (slot.sent.includes(escalationKey(l, dueRef))) level = Math.max(level, l);
  return level;
}

/** Whether a reminder with this offset or a smaller one was already sent for dueRef. */
function reminderSentAtOrBelow(slot: PlanSlot, offset: number, dueRef: IsoDate): boolean {
  const suffix = `:${dueRef}`;
  return slot.sent.some(
    (k) => k.startsWith('reminder:') && k.endsWith(suffix) && Number(k.split(':')[1]) <= offset,
  );
}

function core(cal: Calendar, slot: PlanSlot, ctx: Ctx, today: IsoDate): Core {
  const none: Core = { becomeOverdue: false, close: false, notices: [] };
  if (!owes(slot)) return none;
  const nothingReceived = slot.state === 'open' || slot.state === 'overdue';
  if (nothingReceived && today > ctx.cutoff) return { ...none, close: true };
  const becomeOverdue = slot.state === 'open' && today > slot.effectiveDeadline;
  const notices: PlannedNotice[] = [];
  if (today <= ctx.cutoff && cal.isWorkday(today)) {
    const { dueRef } = ctx;
    if (today <= dueRef) {
      const candidate = ctx.reminders.find((r) => r.sendDay <= today);
      if (candidate && !reminderSentAtOrBelow(slot, candidate.offset, dueRef)) {
        notices.push({ kind: 'reminder', offset: candidate.offset, dueRef, sms: candidate.offset <= 1 });
      }
    } else {
      let reached: Ctx['steps'][number] | undefined;
      for (const s of ctx.steps) if (s.date <= today && (!reached || s.level > reached.level)) reached = s;
      if (reached && reached.level > sentLevel(slot, dueRef)) {
        notices.push({ kind: 'escalation', level: reached.level, to: reached.to, dueRef, sms: true });
      }
    }
  }
  return { becomeOverdue, close: false, notices };
}

const acts = (c: Core) => c.becomeOverdue || c.close || c.notices.length > 0;

/** The slot as it will be once the day's plan is carried out (state, sent keys, escalation level). */
export function projectSlot<S extends PlanSlot & { remindersSent?: number }>(
  slot: S,
  plan: Pick<DayPlan, 'becomeOverdue' | 'close' | 'notices'>,
): S {
  let level = slot.escalationLevel;
  for (const n of plan.notices) if (n.kind === 'escalation' && n.level > level) level = n.level;
  const keys = plan.notices.map(noticeKey).filter((k) => !slot.sent.includes(k));
  const reminders = plan.notices.filter((n) => n.kind === 'reminder').length;
  return {
    ...slot,
    state: plan.close ? 'closed' : plan.becomeOverdue ? 'overdue' : slot.state,
    sent: [...slot.sent, ...keys],
    escalationLevel: level,
    ...(slot.remindersSent !== undefined ? { remindersSent: slot.remindersSent + reminders } : {}),
  };
}

/** What the slot owes on `today`. Non-working days carry no notices (but may overdue or close it). */
export function planDay(cal: Calendar, ob: Obligation, slot: PlanSlot, today: IsoDate): DayPlan {
  const ctx = context(cal, ob, slot);
  const c = core(cal, slot, ctx, today);
  const sentKeys = c.notices.map(noticeKey);
  const next = c.close ? null : nextActionDate(cal, ob, projectSlot(slot, c), today);
  return { ...c, sentKeys, nextActionDate: next };
}

/**
 * The first date after `after` on which planDay would do something, or null when the slot owes
 * nothing more. planDay's outcome only changes at a few threshold dates (reminder send days, the
 * day after the due date, escalation dates, the day after cut-off) and, for notices, on working
 * days; so it is enough to try each threshold and the first working day on or after it.
 */
export function nextActionDate(
  cal: Calendar,
  ob: Obligation,
  slot: PlanSlot,
  after: IsoDate,
): IsoDate | null {
  if (!owes(slot)) return null;
  const ctx = context(cal, ob, slot);
  const first = addDays(after, 1);
  const points = [
    first,
    addDays(ctx.dueRef, 1),
    addDays(slot.effectiveDeadline, 1),
    addDays(ctx.cutoff, 1),
    ...ctx.reminders.map((r) => r.sendDay),
    ...ctx.steps.map((s) => s.date),
  ]
    .filter((d) => d >= first)
    .sort();
  const unique = points.filter((d, i) => i === 0 || d !== points[i - 1]);
  for (let i = 0; i < unique.length; i++) {
    const at = unique[i]!;
    if (acts(core(cal, slot, ctx, at))) return at;
    const w = nextWorkdayOnOrAfter(cal, at);
    const end = unique[i + 1];
    if (w !== at && (end === undefined || w < end) && acts(core(cal, slot, ctx, w))) return w;
  }
  return null;
}
