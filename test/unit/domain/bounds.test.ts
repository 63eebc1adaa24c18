// Extensions are bounded (issue 11, defect 9): after the current deadline, within a year of the original.
import { describe, expect, it } from 'vitest';
import { newSlot } from '../../../shared/domain/due';
import { AppError } from '../../../shared/domain/errors';
import { applySlotEvent, oneYearAfter } from '../../../shared/domain/slotState';
import { cal, obligation, unit } from './helpers';

const summary = obligation('annual-summary');
const slot = () => newSlot(cal, summary, unit, '2026');

const extendTo = (until: string) => {
  try {
    return applySlotEvent(cal, summary, slot(), { type: 'extended', until }).effectiveDeadline;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return `${e.code}:${e.details?.[0]?.field}`;
  }
};

describe('extension bounds', () => {
  it('the same day a year later is the limit; 02-29 maps to 02-28', () => {
    expect(oneYearAfter('2026-12-05')).toBe('2027-12-05');
    expect(oneYearAfter('2028-02-29')).toBe('2029-02-28');
    expect(oneYearAfter('2027-02-28')).toBe('2028-02-28');
  });

  it('an extension may run to a year after the original deadline, not a day more', () => {
    expect(slot().deadline).toBe('2026-12-05');
    expect(extendTo('2026-12-18')).toBe('2026-12-18');
    expect(extendTo('2027-12-05')).toBe('2027-12-05');
    expect(extendTo('2027-12-06')).toBe('invalid_input:until');
    expect(extendTo('2100-01-01')).toBe('invalid_input:until');
    expect(extendTo('2026-12-07')).toBe('invalid_input:until'); // not after the effective deadline
  });
});
