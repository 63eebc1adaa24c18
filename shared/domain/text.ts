// Text and date checks every boundary shares (SPEC §5): well-formed Unicode only, no control
// characters (newline and tab only where multi-line text is allowed), and real calendar days.
import * as z from 'zod';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0 controls, DEL and C1 controls. */
const CONTROL = /\p{Cc}/u;
/** The same, but newline and tab. */
const CONTROL_MULTILINE = /[^\P{Cc}\n\t]/u;

/** No lone UTF-16 surrogate (text that every encoder, SES's included, can encode). */
export const isWellFormed = (s: string) => s.match(LONE_SURROGATE) === null;

/** Well-formed text without control characters (newline and tab allowed when `multiline`). */
export const isCleanText = (s: string, multiline = false) =>
  isWellFormed(s) && !(multiline ? CONTROL_MULTILINE : CONTROL).test(s);

/** Replaces each lone surrogate with U+FFFD: what leaves the system (mail, SMS, CSV) always encodes. */
export const toWellFormed = (s: string) => s.replace(LONE_SURROGATE, '\uFFFD');

const TEXT_MESSAGE = 'must be well-formed text without control characters';
const MULTILINE_MESSAGE = 'must be well-formed text without control characters other than newline and tab';

/** A one-line text field: trimmed, `min`..`max` characters, clean (SPEC §5). */
export const lineText = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => isCleanText(s), TEXT_MESSAGE);

/** A multi-line text field (comments, instructions): newline and tab allowed. */
export const multilineText = (max: number, min = 0) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => isCleanText(s, true), MULTILINE_MESSAGE);

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `MM-DD` naming a day some year has (02-29 is one: it falls back to 02-28 in other years). */
export const isMonthDay = (s: string) => {
  const m = /^(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const month = Number(m[1]);
  const day = Number(m[2]);
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]!;
};

/** A `MM-DD` due date that exists (no 02-30, no 04-31). */
export const monthDaySchema = z
  .string()
  .regex(/^\d{2}-\d{2}$/, 'expected MM-DD')
  .refine(isMonthDay, 'not a day of the year (MM-DD)');
