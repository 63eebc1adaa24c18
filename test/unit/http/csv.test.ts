// CSV formula injection (issue 11, defect 5): a cell that would run as a formula is written as text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../shared/http/csv';

const body = (text: string) => text.slice(1).split('\r\n')[1]!; // after the BOM, the first data row

describe('toCsv and formulas', () => {
  it.each([
    ['=HYPERLINK("http://x","点我")', `"'=HYPERLINK(""http://x"",""点我"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
  ])('%j is written as text', (value, written) => {
    expect(body(toCsv(['名称'], [[value]]))).toBe(written);
  });

  it('leaves other cells and numbers alone', () => {
    expect(body(toCsv(['a', 'b', 'c', 'd'], [['城关镇', -5, 'a-b', '2026-12-07']]))).toBe(
      '城关镇,-5,a-b,2026-12-07',
    );
  });

  it('no cell of any row starts with a formula character once unquoted', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 5 }), (cells) => {
        const line = body(
          toCsv(
            cells.map((_, i) => `h${i}`),
            [cells],
          ),
        );
        // every cell, unquoted, starts with something other than = + - @ tab CR
        const parsed = [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
          .map((m) => m[1]!)
          .slice(0, cells.length);
        for (const c of parsed) expect(c.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
      }),
      { seed: 5, numRuns: 1000 },
    );
  });
});
