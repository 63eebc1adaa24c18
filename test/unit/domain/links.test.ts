import { describe, expect, it } from 'vitest';
import { OVERDUE_ROUTE, slotLink, slotRoute, webLink } from '../../../shared/domain/links';

describe('links to the web pages', () => {
  it('a slot is #/u/<obligationId>/<period>; the overdue list is #/o/overdue', () => {
    expect(slotRoute('annual-plan', '2026')).toBe('#/u/annual-plan/2026');
    expect(slotLink('https://d1.cloudfront.net', 'monthly-publicity', '2026-05')).toBe(
      'https://d1.cloudfront.net/#/u/monthly-publicity/2026-05',
    );
    expect(webLink('http://127.0.0.1:3000/', OVERDUE_ROUTE)).toBe('http://127.0.0.1:3000/#/o/overdue');
  });

  it('no address configured: no link', () => {
    expect(slotLink(undefined, 'annual-plan', '2026')).toBeUndefined();
    expect(webLink('', OVERDUE_ROUTE)).toBeUndefined();
  });

  it('escapes what a path segment may not hold', () => {
    expect(slotRoute('a', '01JABC/../x')).toBe('#/u/a/01JABC%2F..%2Fx');
  });
});
