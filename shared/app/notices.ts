// From planned notices to queued messages: who gets what, on which channel, under which id.
//
// Ids are deterministic (SPEC §4.3): `<slot>:<kind>:<offset|level>:<date>:<channel>:<recipient>`.
// For reminders and escalations the date is the reference due date the notice counts from
// (effective deadline, or resubmit-by): the same notice is the same id on any day, so a sweep
// that crashed and runs again tomorrow cannot send it twice. Chase-ups carry the day
// (one a day); the office digest is `digest:<day>:<channel>:<i>`.
import { slotLink } from '../domain/links';
import { type Message, reportLabel, requestMessage } from '../domain/messages';
import { type Contact, type IsoDate, type Obligation, type Slot, slotRef, type Unit } from '../domain/model';
import type { PlannedNotice } from '../domain/plan';
import type { OutgoingMessage } from './ports';

export type Recipient = { role: string; email?: string; phone?: string };

/** The unit's contacts of one role, each with a stable recipient label (liaison, liaison-2 …). */
export function contactsOf(unit: Pick<Unit, 'contacts'> | null, role: Contact['role']): Recipient[] {
  return (unit?.contacts ?? [])
    .filter((c) => c.role === role)
    .map((c, i) => ({ role: i === 0 ? role : `${role}-${i + 1}`, email: c.email, phone: c.phone }));
}

/** One message per recipient per channel: email always (when there is an address), SMS when asked. */
export function fanOut(
  base: string,
  recipients: Recipient[],
  m: Message,
  sms: boolean,
  meta: Pick<OutgoingMessage, 'unitId' | 'obligationId' | 'period' | 'kind'>,
): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (const r of recipients) {
    if (r.email) {
      out.push({
        id: `${base}:email:${r.role}`,
        channel: 'email',
        to: r.email,
        subject: m.subject,
        text: m.text,
        recipient: r.role,
        ...meta,
      });
    }
    if (sms && r.phone) {
      out.push({
        id: `${base}:sms:${r.role}`,
        channel: 'sms',
        to: r.phone,
        text: m.sms,
        template: m.smsTemplate,
        recipient: r.role,
        ...meta,
      });
    }
  }
  return out;
}

export function noticeBase(slot: Slot, n: PlannedNotice): string {
  return n.kind === 'reminder'
    ? `${slotRef(slot)}:reminder:${n.offset}:${n.dueRef}`
    : `${slotRef(slot)}:escalation:${n.level}:${n.dueRef}`;
}

/**
 * The request notice (报送通知) of one slot, to the unit's liaison(s) by email: one per slot and
 * period, id `<slot>:request:email:<recipient>`.
 */
export function requestMessages(
  ob: Obligation,
  slot: Slot,
  unit: Unit | null,
  today: IsoDate,
  webBaseUrl?: string,
): OutgoingMessage[] {
  const m = requestMessage({
    link: slotLink(webBaseUrl, slot.obligationId, slot.period),
    unitName: unit?.name ?? slot.unitName,
    obligationName: ob.name,
    period: slot.period,
    effectiveDeadline: slot.effectiveDeadline,
    label: reportLabel(ob, slot),
    instructions: ob.instructions,
    templates: (ob.templates ?? []).map((t) => ({ name: t.name })),
    today,
  });
  return fanOut(`${slotRef(slot)}:request`, contactsOf(unit, 'liaison'), m, false, {
    unitId: slot.unitId,
    obligationId: slot.obligationId,
    period: slot.period,
    kind: 'request',
  });
}
