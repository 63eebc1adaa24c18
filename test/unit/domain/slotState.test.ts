import { describe, expect, it } from 'vitest';
import { newSlot } from '../../../shared/domain/due';
import { AppError } from '../../../shared/domain/errors';
import type { Slot, SlotState } from '../../../shared/domain/model';
import {
  applySlotEvent,
  DEFAULT_RESUBMIT_WORKDAYS,
  isOpenForUpload,
  isOwing,
  resubmitDate,
  type SlotEvent,
  stateAt,
} from '../../../shared/domain/slotState';
import { at, cal, obligation, unit } from './helpers';

const halfYear = obligation('half-year-report');
const lawStudy = obligation('law-study');
const base = () => newSlot(cal, halfYear, unit, '2026');
const inState = (state: SlotState): Slot => ({
  ...base(),
  state,
  ...(state === 'submitted' || state === 'returned' || state === 'accepted'
    ? { submittedAt: at('2026-07-01').toISOString(), onTime: true, lateDays: 0, latestSubmissionId: '0-sub' }
    : {}),
  ...(state === 'returned' ? { resubmitBy: '2026-07-15' } : {}),
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

const events: Record<string, SlotEvent> = {
  'became-overdue': { type: 'became-overdue' },
  received: { type: 'received', at: at('2026-07-02'), submissionId: 'sub-new' },
  accepted: { type: 'accepted' },
  returned: { type: 'returned', resubmitBy: '2026-07-15' },
  waived: { type: 'waived' },
  extended: { type: 'extended', until: '2026-07-20' },
  closed: { type: 'closed' },
};

// state → event → resulting state, or !<error code>
const TABLE: Record<SlotState, Record<string, string>> = {
  open: {
    'became-overdue': 'overdue',
    received: 'submitted',
    accepted: '!conflict',
    returned: '!conflict',
    waived: 'waived',
    extended: 'open',
    closed: 'closed',
  },
  overdue: {
    'became-overdue': '!conflict',
    received: 'submitted',
    accepted: '!conflict',
    returned: '!conflict',
    waived: 'waived',
    extended: 'open',
    closed: 'closed',
  },
  submitted: {
    'became-overdue': '!conflict',
    received: 'submitted',
    accepted: 'accepted',
    returned: 'returned',
    waived: 'waived',
    extended: 'submitted',
    closed: '!conflict',
  },
  returned: {
    'became-overdue': '!conflict',
    received: 'submitted',
    accepted: '!conflict',
    returned: '!conflict',
    waived: 'waived',
    extended: 'returned',
    closed: '!conflict',
  },
  accepted: {
    'became-overdue': '!conflict',
    received: '!conflict',
    accepted: '!conflict',
    returned: '!conflict',
    waived: '!conflict',
    extended: '!conflict',
    closed: '!conflict',
  },
  waived: {
    'became-overdue': '!conflict',
    received: '!conflict',
    accepted: '!conflict',
    returned: '!conflict',
    waived: '!conflict',
    extended: '!conflict',
    closed: '!conflict',
  },
  closed: {
    'became-overdue': '!conflict',
    received: '!closed',
    accepted: '!conflict',
    returned: '!conflict',
    waived: 'waived',
    extended: 'open',
    closed: '!conflict',
  },
};

describe('applySlotEvent: the transition table of SPEC §2', () => {
  const cases = Object.entries(TABLE).flatMap(([state, row]) =>
    Object.entries(row).map(([ev, expected]) => [state as SlotState, ev, expected] as const),
  );
  it.each(cases)('%s + %s → %s', (state, ev, expected) => {
    const slot = inState(state);
    let result: Slot | undefined;
    const code = codeOf(() => {
      result = applySlotEvent(cal, halfYear, slot, events[ev]!);
    });
    if (!expected.startsWith('!')) {
      expect(code).toBe('ok');
      expect(result!.state).toBe(expected);
      expect(result!.version).toBe(slot.version + 1);
      expect(slot.state).toBe(state); // the input is not mutated
      if (!isOwing(result!)) expect(result!.nextActionDate).toBeNull();
    } else {
      expect(code).toBe(expected.slice(1));
    }
  });
});

describe('received', () => {
  it('the first version sets submittedAt, onTime, lateDays; later versions do not', () => {
    let slot = applySlotEvent(cal, halfYear, inState('overdue'), {
      type: 'received',
      at: at('2026-07-09'),
      submissionId: 'a',
    });
    expect(slot).toMatchObject({ state: 'submitted', onTime: false, lateDays: 3, latestSubmissionId: 'a' });
    expect(slot.submittedAt).toBe(at('2026-07-09').toISOString());
    expect(slot.nextActionDate).toBeNull();
    slot = applySlotEvent(cal, halfYear, slot, { type: 'received', at: at('2026-07-20'), submissionId: 'b' });
    expect(slot).toMatchObject({ state: 'submitted', onTime: false, lateDays: 3, latestSubmissionId: 'b' });
    expect(slot.submittedAt).toBe(at('2026-07-09').toISOString());
  });

  it('on time at 23:59:59 of the effective due date (a Monday after a Sunday due date)', () => {
    const slot = applySlotEvent(cal, halfYear, base(), {
      type: 'received',
      at: at('2026-07-06', '23:59:59'),
      submissionId: 'a',
    });
    expect(slot).toMatchObject({ onTime: true, lateDays: 0 });
  });

  it('a returned slot becomes submitted again and keeps the timing of the first version', () => {
    const slot = applySlotEvent(cal, halfYear, inState('returned'), {
      type: 'received',
      at: at('2026-07-14'),
      submissionId: 'c',
    });
    expect(slot).toMatchObject({ state: 'submitted', onTime: true, lateDays: 0, latestSubmissionId: 'c' });
  });

  it('the same submission twice is a conflict; after the cut-off day it is closed', () => {
    const slot = applySlotEvent(cal, halfYear, base(), {
      type: 'received',
      at: at('2026-07-01'),
      submissionId: 'a',
    });
    expect(
      codeOf(() =>
        applySlotEvent(cal, halfYear, slot, { type: 'received', at: at('2026-07-02'), submissionId: 'a' }),
      ),
    ).toBe('conflict');
    // cut-off 2026-08-05: accepted through 23:59:59.999, refused from 00:00 on 08-06
    expect(
      applySlotEvent(cal, halfYear, base(), {
        type: 'received',
        at: at('2026-08-05', '23:59:59.999'),
        submissionId: 'x',
      }).lateDays,
    ).toBe(22);
    expect(
      codeOf(() =>
        applySlotEvent(cal, halfYear, base(), {
          type: 'received',
          at: at('2026-08-06', '00:00:00'),
          submissionId: 'x',
        }),
      ),
    ).toBe('closed');
  });

  it('quota: each record adds one; submitted at minCount; on time if met by the effective due date', () => {
    let slot = newSlot(cal, lawStudy, unit, '2026');
    slot = applySlotEvent(cal, lawStudy, slot, {
      type: 'received',
      at: at('2026-03-10'),
      submissionId: 'r1',
    });
    expect(slot).toMatchObject({ state: 'open', count: 1, onTime: null, submittedAt: null });
    expect(slot.nextActionDate).toBe('2026-12-24');
    slot = applySlotEvent(cal, lawStudy, slot, {
      type: 'received',
      at: at('2026-06-10'),
      submissionId: 'r2',
    });
    slot = applySlotEvent(cal, lawStudy, slot, { type: 'became-overdue' }, '2027-01-01');
    expect(slot).toMatchObject({ state: 'overdue', count: 2 });
    slot = applySlotEvent(cal, lawStudy, slot, {
      type: 'received',
      at: at('2027-01-05'),
      submissionId: 'r3',
    });
    expect(slot).toMatchObject({ state: 'submitted', count: 3, onTime: false, lateDays: 2 });
    slot = applySlotEvent(cal, lawStudy, slot, {
      type: 'received',
      at: at('2027-01-06'),
      submissionId: 'r4',
    });
    expect(slot).toMatchObject({ state: 'submitted', count: 4, onTime: false, lateDays: 2 });
  });

  it('quota met on time', () => {
    let slot = newSlot(cal, lawStudy, unit, '2026');
    for (const [i, d] of ['2026-03-10', '2026-06-10', '2026-12-31'].entries()) {
      slot = applySlotEvent(cal, lawStudy, slot, {
        type: 'received',
        at: at(d, '20:00:00'),
        submissionId: `r${i}`,
      });
    }
    expect(slot).toMatchObject({ state: 'submitted', count: 3, onTime: true, lateDays: 0 });
  });
});

describe('review, waiver, extension, closing', () => {
  it('returned sets resubmitBy, resets the escalation level and plans reminders from it', () => {
    const slot = applySlotEvent(
      cal,
      halfYear,
      { ...inState('submitted'), escalationLevel: 2 },
      { type: 'returned', resubmitBy: '2026-07-15' },
      '2026-07-08',
    );
    expect(slot).toMatchObject({ state: 'returned', resubmitBy: '2026-07-15', escalationLevel: 0 });
    expect(slot.nextActionDate).toBe('2026-07-08');
  });

  it('a malformed resubmitBy is invalid_input', () => {
    expect(
      codeOf(() =>
        applySlotEvent(cal, halfYear, inState('submitted'), { type: 'returned', resubmitBy: '2026-02-30' }),
      ),
    ).toBe('invalid_input');
  });

  it('waived has no next action', () => {
    const slot = applySlotEvent(cal, halfYear, inState('overdue'), { type: 'waived' });
    expect(slot.nextActionDate).toBeNull();
  });

  it('extension: not after the current effective deadline → invalid_input on until', () => {
    for (const until of ['2026-07-06', '2026-07-01', 'soon']) {
      try {
        applySlotEvent(cal, halfYear, base(), { type: 'extended', until });
        expect.unreachable();
      } catch (e) {
        expect((e as AppError).code).toBe('invalid_input');
        expect((e as AppError).details?.[0]?.field).toBe('until');
      }
    }
  });

  it('extension of an overdue slot reopens it with escalation reset', () => {
    const slot = applySlotEvent(
      cal,
      halfYear,
      { ...inState('overdue'), escalationLevel: 2 },
      { type: 'extended', until: '2026-07-20' },
      '2026-07-10',
    );
    expect(slot).toMatchObject({
      state: 'open',
      effectiveDeadline: '2026-07-20',
      extendedUntil: '2026-07-20',
      escalationLevel: 0,
      deadline: '2026-07-05',
    });
    expect(slot.nextActionDate).toBe('2026-07-13');
  });

  it('extension after a late submission re-judges its timing against the new deadline', () => {
    const late = applySlotEvent(cal, halfYear, base(), {
      type: 'received',
      at: at('2026-07-08'),
      submissionId: 'a',
    });
    expect(late.onTime).toBe(false);
    const excused = applySlotEvent(cal, halfYear, late, { type: 'extended', until: '2026-07-10' });
    expect(excused).toMatchObject({ state: 'submitted', onTime: true, lateDays: 0 });
  });

  it('closing only from open or overdue', () => {
    expect(applySlotEvent(cal, halfYear, inState('overdue'), { type: 'closed' }).state).toBe('closed');
    expect(codeOf(() => applySlotEvent(cal, halfYear, inState('returned'), { type: 'closed' }))).toBe(
      'conflict',
    );
  });
});

describe('isOwing and isOpenForUpload', () => {
  it('owing: open, overdue, returned', () => {
    const owing = (
      ['open', 'overdue', 'submitted', 'returned', 'accepted', 'waived', 'closed'] as const
    ).filter((s) => isOwing({ state: s }));
    expect(owing).toEqual(['open', 'overdue', 'returned']);
  });

  it('open for uploads until the end of the cut-off day, unless waived, accepted or closed', () => {
    const slot = base();
    expect(isOpenForUpload(slot, at('2026-08-05', '23:59:59.999'), cal, halfYear)).toBe(true);
    expect(isOpenForUpload(slot, at('2026-08-06', '00:00:00'), cal, halfYear)).toBe(false);
    expect(isOpenForUpload(inState('submitted'), at('2026-07-10'), cal, halfYear)).toBe(true);
    for (const s of ['waived', 'accepted', 'closed'] as const) {
      expect(isOpenForUpload(inState(s), at('2026-07-01'), cal, halfYear)).toBe(false);
    }
    // returned: the cut-off also runs from resubmitBy (07-15 + 30 = 08-14)
    expect(isOpenForUpload(inState('returned'), at('2026-08-14', '12:00:00'), cal, halfYear)).toBe(true);
    expect(isOpenForUpload(inState('returned'), at('2026-08-15', '00:00:00'), cal, halfYear)).toBe(false);
  });
});

describe('versions arriving out of order', () => {
  it('keeps the newest id as latest and the earliest receipt as the first version’s timing', async () => {
    const { makeCalendar } = await import('../../../shared/domain/calendar');
    const { newSlot } = await import('../../../shared/domain/due');
    const { defaultObligations } = await import('../../../shared/domain/defaults');
    const { applySlotEvent: apply } = await import('../../../shared/domain/slotState');
    const cal = makeCalendar();
    const ob = defaultObligations.find((o) => o.obligationId === 'annual-plan')!;
    const unit = {
      unitId: 'town-a',
      name: '甲镇',
      kind: 'town' as const,
      tags: [],
      active: true,
      contacts: [],
    };
    const open = newSlot(cal, ob, unit, '2026');
    const older = {
      type: 'received' as const,
      at: new Date('2026-04-17T10:00:00+08:00'),
      submissionId: '01A',
    };
    const newer = {
      type: 'received' as const,
      at: new Date('2026-04-23T10:00:00+08:00'),
      submissionId: '01B',
    };
    const inOrder = apply(cal, ob, apply(cal, ob, open, older), newer);
    const reversed = apply(cal, ob, apply(cal, ob, open, newer), older);
    for (const s of [inOrder, reversed]) {
      expect(s).toMatchObject({ state: 'submitted', latestSubmissionId: '01B', onTime: true, lateDays: 0 });
      expect(s.submittedAt).toBe(older.at.toISOString());
    }
  });
});

describe('the state as of now (stateAt)', () => {
  const open = base();
  it('reads an open slot as overdue from the day after its effective deadline, Shanghai time', () => {
    const last = open.effectiveDeadline;
    expect(stateAt(open, at(last, '23:59:59'))).toBe('open');
    expect(stateAt(open, new Date(at(last, '23:59:59').getTime() + 1000))).toBe('overdue');
  });
  it('leaves every other state as stored', () => {
    for (const s of ['submitted', 'returned', 'accepted', 'waived', 'closed', 'overdue'] as SlotState[])
      expect(stateAt(inState(s), at('2027-03-01'))).toBe(s);
  });
});

describe('the resubmit-by date of a returned submission (resubmitDate)', () => {
  it('is DEFAULT_RESUBMIT_WORKDAYS working days on when the office names none', () => {
    expect(DEFAULT_RESUBMIT_WORKDAYS).toBe(5);
    // Friday 2026-07-03 + 5 working days = Friday 2026-07-10.
    expect(resubmitDate(cal, '2026-07-03')).toBe('2026-07-10');
  });
  it('keeps the office’s date, and refuses one before today', () => {
    expect(resubmitDate(cal, '2026-07-03', '2026-07-03')).toBe('2026-07-03');
    expect(codeOf(() => resubmitDate(cal, '2026-07-03', '2026-07-02'))).toBe('invalid_input');
  });
});
