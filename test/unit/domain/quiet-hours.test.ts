import { describe, expect, it } from 'vitest';
import { smsHeldUntil } from '../../../shared/domain/quiet-hours';

describe('SMS quiet hours (08:00–20:00 Asia/Shanghai)', () => {
  const at = (s: string) => new Date(s);
  it('lets an SMS go from 08:00 to 19:59 and holds it until the next 08:00 otherwise', () => {
    expect(smsHeldUntil(at('2026-07-03T08:00:00+08:00'))).toBeNull();
    expect(smsHeldUntil(at('2026-07-03T19:59:59+08:00'))).toBeNull();
    expect(smsHeldUntil(at('2026-07-03T20:00:00+08:00'))?.toISOString()).toBe('2026-07-04T00:00:00.000Z');
    expect(smsHeldUntil(at('2026-07-03T21:00:00+08:00'))?.toISOString()).toBe('2026-07-04T00:00:00.000Z');
    expect(smsHeldUntil(at('2026-07-04T07:59:00+08:00'))?.toISOString()).toBe('2026-07-04T00:00:00.000Z');
    expect(smsHeldUntil(at('2026-12-31T23:30:00+08:00'))?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
