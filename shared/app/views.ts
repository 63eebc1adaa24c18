// What the API shows of stored items (SPEC §5 field names).
import type { Slot, Submission } from '../domain/model';
import { stateAt } from '../domain/slotState';

export function submissionView(s: Submission) {
  return {
    submissionId: s.submissionId,
    unitId: s.unitId,
    obligationId: s.obligationId,
    period: s.period,
    state: s.state,
    fileName: s.fileName,
    contentType: s.contentType,
    size: s.size,
    sha256: s.sha256,
    receivedAt: s.receivedAt,
    onTime: s.onTime,
    lateDays: s.lateDays,
    ...(s.rejectReason ? { rejectReason: s.rejectReason } : {}),
    ...(s.review ? { review: s.review } : {}),
  };
}

/** A template as a slot lists it (name, type, size, and the API path that downloads it). */
export type SlotTemplate = { name: string; contentType: string; size: number; uploadedAt: string; url: string };

export function slotView(slot: Slot, now: Date, submissions: Submission[] = [], templates?: SlotTemplate[]) {
  return {
    obligationId: slot.obligationId,
    period: slot.period,
    unitId: slot.unitId,
    state: stateAt(slot, now),
    deadline: slot.deadline,
    effectiveDeadline: slot.effectiveDeadline,
    extendedUntil: slot.extendedUntil,
    ...(slot.resubmitBy ? { resubmitBy: slot.resubmitBy } : {}),
    onTime: slot.onTime,
    lateDays: slot.lateDays,
    escalationLevel: slot.escalationLevel,
    remindersSent: slot.remindersSent,
    chaseCount: slot.chaseCount,
    ...(slot.kind === 'quota' ? { count: slot.count ?? 0, minCount: slot.minCount } : {}),
    ...(slot.event ? { event: slot.event } : {}),
    acknowledgedAt: slot.acknowledgedAt ?? null,
    ...(templates ? { templates } : {}),
    submissions: submissions.map(submissionView),
  };
}
