// Paging of lists held in memory (units, a board's rows, overdue slots, the assessment): the
// cursor is the sort key of the last item seen. One ordering for sorting and for "after the
// cursor": UTF-16 code units (as `<` compares), never the locale's collation, which sorts `-`
// before `#` while `<` puts `#` first and so lost rows across pages.
import { AppError } from '../domain/errors';

/** What a key may hold: ids, dates, and the # between them. */
const KEY = /^[A-Za-z0-9#:._-]{1,300}$/;

/** Compares as `<` and `>` do (UTF-16 code units), the order DynamoDB's sort keys also keep for ASCII. */
export const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function pageAfter<T>(items: T[], key: (t: T) => string, page: { limit?: number; cursor?: string }) {
  let after = '';
  if (page.cursor !== undefined) {
    after = Buffer.from(page.cursor, 'base64url').toString('utf8');
    if (!KEY.test(after) || Buffer.from(after).toString('base64url') !== page.cursor)
      throw new AppError('invalid_input', 'invalid cursor', [
        { field: 'cursor', message: 'not a cursor this API issued' },
      ]);
  }
  const rest = items.filter((t) => key(t) > after).sort((a, b) => byCodeUnit(key(a), key(b)));
  const limit = page.limit ?? 1000;
  const slice = rest.slice(0, limit);
  return rest.length > limit
    ? { items: slice, nextCursor: Buffer.from(key(slice[slice.length - 1]!)).toString('base64url') }
    : { items: slice };
}
