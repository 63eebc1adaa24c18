// Paging through an in-memory list: every item exactly once, whatever the keys and the limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageAfter } from '../../../shared/app/paging';

function pageAll<T>(items: T[], key: (t: T) => string, limit: number): T[] {
  const seen: T[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard <= items.length + 1; guard++) {
    const page = pageAfter(items, key, { limit, cursor });
    seen.push(...page.items);
    if (!('nextCursor' in page) || page.nextCursor === undefined) return seen;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

describe('pageAfter', () => {
  it('keeps law and law-study rows sharing a deadline across pages (the overdue list)', () => {
    const key = (s: { d: string; o: string; u: string }) => `${s.d}#${s.o}#2026#${s.u}`;
    const rows = [
      { d: '2026-12-31', o: 'law-study', u: 'a' },
      { d: '2026-12-31', o: 'law', u: 'a' },
      { d: '2026-12-31', o: 'law', u: 'b' },
    ];
    for (const limit of [1, 2, 3]) expect(pageAll(rows, key, limit)).toHaveLength(3);
  });

  it('returns every item exactly once, in one order, for any keys and any limit', () => {
    const keyChar = fc.constantFrom(...'aAzZ09#-_.:'.split(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: keyChar, minLength: 1, maxLength: 12 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 45 }),
        (keys, limit) => {
          const got = pageAll(keys, (k) => k, limit);
          expect([...got].sort()).toEqual([...keys].sort());
          // one order: the pages, concatenated, are sorted by code unit
          expect(got).toEqual([...keys].sort());
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });

  it('rejects a cursor it did not issue', () => {
    expect(() => pageAfter(['a'], (k) => k, { cursor: 'not base64!' })).toThrow(/cursor/);
  });
});
