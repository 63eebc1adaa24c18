// The office digest (SPEC §4.3): which owing slots it lists, in what order, and how a long one is
// split so that every queued message stays far below SQS's 256 KB.
import { type Calendar, lastWorkdayOnOrBefore, workdaysAfter } from './calendar';
import { addDays } from './dates';
import { type DigestItem, type Message, reportLabel } from './messages';
import { type IsoDate, type Obligation, type Slot, slotRef } from './model';
import { dueRefOf, owes } from './plan';

const utf8 = new TextEncoder();
const bytes = (s: string) => utf8.encode(s).length;

/**
 * What the digest of `today` lists: every owing slot past its deadline that is at escalation level 2
 * (or was escalated to the office by this run), and the slots newly overdue since the previous
 * working day; oldest deadline first, then by unit name. `news`: a day with something new (a fresh
 * level-2 escalation or a newly overdue slot) — the only days the digest also goes by SMS.
 */
export function digestItems(input: {
  slots: Iterable<Slot>;
  obligations: ReadonlyMap<string, Obligation>;
  /** The unit's current name (slots keep a copy that a rename does not change). */
  unitName: (unitId: string) => string | undefined;
  cal: Calendar;
  escalatedToOffice: ReadonlySet<string>;
  today: IsoDate;
}): { items: DigestItem[]; news: boolean } {
  const { cal, today, escalatedToOffice } = input;
  const prevWorkday = lastWorkdayOnOrBefore(cal, addDays(today, -1));
  const items: DigestItem[] = [];
  for (const s of input.slots) {
    const ob = input.obligations.get(s.obligationId);
    if (!ob || !owes(s)) continue;
    const dueRef = dueRefOf(s);
    if (dueRef >= today) continue;
    const ref = {
      unitName: input.unitName(s.unitId) ?? s.unitName,
      obligationName: ob.name,
      period: s.period,
      effectiveDeadline: dueRef,
      label: reportLabel(ob, s),
    };
    const lateDays = workdaysAfter(cal, dueRef, today);
    if (s.escalationLevel >= 2 || escalatedToOffice.has(slotRef(s))) items.push({ ...ref, lateDays });
    else if (dueRef >= prevWorkday) items.push({ ...ref, lateDays, newlyOverdue: true });
  }
  items.sort(
    (a, b) => a.effectiveDeadline.localeCompare(b.effectiveDeadline) || a.unitName.localeCompare(b.unitName),
  );
  return { items, news: escalatedToOffice.size > 0 || items.some((i) => i.newlyOverdue) };
}

/** The most UTF-8 bytes of text one digest email carries: a queued message stays far below SQS's 256 KB. */
export const DIGEST_PART_BYTES = 96 * 1024;

/**
 * The digest as one email, or — on a day with thousands of overdue slots — several, split between
 * lines, each under DIGEST_PART_BYTES, numbered in the subject (（第2/3部分）) and the first line.
 */
export function digestParts(
  m: Message,
  maxBytes = DIGEST_PART_BYTES,
): Array<{ subject: string; text: string }> {
  if (bytes(m.text) <= maxBytes) return [{ subject: m.subject, text: m.text }];
  const budget = maxBytes - 200; // room for the part header
  const chunks: string[][] = [[]];
  let size = 0;
  for (const raw of m.text.split('\n')) {
    // A single line longer than a part (never in practice) is cut, not lost.
    const line = bytes(raw) > budget ? `${raw.slice(0, Math.floor(budget / 4))}…` : raw;
    const n = bytes(line) + 1;
    if (size + n > budget && chunks.at(-1)!.length) {
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)!.push(line);
    size += n;
  }
  const of = chunks.length;
  return chunks.map((lines, k) => ({
    subject: `${m.subject}（第${k + 1}/${of}部分）`,
    text: [`（第${k + 1}/${of}部分${k ? '，接上一部分' : ''}）`, ...lines].join('\n'),
  }));
}
