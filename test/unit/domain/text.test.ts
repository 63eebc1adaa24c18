// SPEC §5 text rules and real MM-DD dates, at the zod boundary (defects 4, 6 and 9 of issue 11).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { obligationBodySchema, settingsSchema, unitBodySchema } from '../../../shared/domain/model';
import {
  isCleanText,
  isMonthDay,
  isWellFormed,
  lineText,
  multilineText,
  toWellFormed,
} from '../../../shared/domain/text';
import { uploadRequestSchema } from '../../../shared/app/uploads';
import { reviewSchema } from '../../../shared/app/review';

const LONE_HIGH = 'A\uD800B';
const LONE_LOW = '\uDC00镇';

describe('well-formed text', () => {
  it('a lone surrogate, high or low, anywhere, is not well-formed; a pair is', () => {
    for (const s of [LONE_HIGH, LONE_LOW, '\uD83D', 'x\uDE00', '\uDE00\uD83D'])
      expect([s, isWellFormed(s)]).toEqual([s, false]);
    for (const s of ['城关镇', '😀', 'a😀b', '', '\uD83D\uDE00'])
      expect([s, isWellFormed(s)]).toEqual([s, true]);
  });

  it('agrees with String.prototype.isWellFormed on any UTF-16 string', () => {
    const native = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)) }),
        (a, b) => {
          const s = a + b;
          expect(isWellFormed(s)).toBe(native(s));
          expect(isWellFormed(toWellFormed(s))).toBe(true);
        },
      ),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('control characters: none on one line; newline and tab on several', () => {
    for (const c of ['\u0000', '\u0007', '\r', '\u001b', '\u007f', '\u0085', '\u009f'])
      expect([c, isCleanText(`a${c}b`), isCleanText(`a${c}b`, true)]).toEqual([c, false, false]);
    expect(isCleanText('a\nb')).toBe(false);
    expect(isCleanText('a\tb')).toBe(false);
    expect(isCleanText('a\nb\tc', true)).toBe(true);
    expect(lineText(10).safeParse(' 城关镇 ').data).toBe('城关镇');
    expect(multilineText(10).safeParse('第一行\n第二行').success).toBe(true);
  });

  it('every text field at the boundary refuses malformed text', () => {
    const unit = { name: '城关镇', kind: 'town' };
    expect(unitBodySchema.safeParse(unit).success).toBe(true);
    expect(unitBodySchema.safeParse({ ...unit, name: `城关${LONE_HIGH}` }).success).toBe(false);
    expect(
      unitBodySchema.safeParse({ ...unit, contacts: [{ role: 'liaison', name: `王${LONE_LOW}` }] }).success,
    ).toBe(false);
    expect(unitBodySchema.safeParse({ ...unit, name: '城关\u0000镇' }).success).toBe(false);
    const ob = { kind: 'deadline', name: '年度计划', due: '04-20' };
    expect(obligationBodySchema.safeParse(ob).success).toBe(true);
    expect(obligationBodySchema.safeParse({ ...ob, name: LONE_HIGH }).success).toBe(false);
    expect(obligationBodySchema.safeParse({ ...ob, appliesTo: { tags: [`law${LONE_LOW}`] } }).success).toBe(
      false,
    );
    const settings = { officeContacts: [], smsSignature: '【区法制办】', senderEmail: 'a@b.cn' };
    expect(settingsSchema.safeParse(settings).success).toBe(true);
    expect(settingsSchema.safeParse({ ...settings, smsSignature: `【区${LONE_HIGH}】` }).success).toBe(false);
    expect(
      settingsSchema.safeParse({ ...settings, officeContacts: [{ name: `李${LONE_LOW}` }] }).success,
    ).toBe(false);
    const upload = { obligationId: 'annual-plan', period: '2026', contentType: 'application/pdf', size: 9 };
    expect(uploadRequestSchema.safeParse({ ...upload, fileName: '计划.pdf' }).success).toBe(true);
    expect(uploadRequestSchema.safeParse({ ...upload, fileName: `计划${LONE_HIGH}.pdf` }).success).toBe(
      false,
    );
    expect(reviewSchema.safeParse({ decision: 'return', comment: '请补充\n第二部分' }).success).toBe(true);
    expect(reviewSchema.safeParse({ decision: 'return', comment: `请${LONE_LOW}` }).success).toBe(false);
  });
});

describe('MM-DD due dates (defect 9)', () => {
  it('refuses days no year has, keeps 02-29', () => {
    for (const d of [
      '02-30',
      '02-31',
      '04-31',
      '06-31',
      '09-31',
      '11-31',
      '13-01',
      '00-10',
      '01-00',
      '01-32',
      '1-01',
    ])
      expect([d, isMonthDay(d)]).toEqual([d, false]);
    for (const d of ['01-31', '02-29', '04-30', '12-31', '07-05'])
      expect([d, isMonthDay(d)]).toEqual([d, true]);
  });

  it('an obligation due 02-30 is refused with a detail on due', () => {
    const r = obligationBodySchema.safeParse({ kind: 'deadline', name: '年度计划', due: '02-30' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['due']);
    expect(
      obligationBodySchema.safeParse({ kind: 'quota', name: '学法', due: '04-31', minCount: 3 }).success,
    ).toBe(false);
  });
});
