import type { SlotState } from './model';

/** A slot's state as the office and the units read it (board, CSV, pages): one table for all. */
export const STATE_ZH: Record<SlotState, string> = {
  open: '待报送',
  overdue: '已逾期',
  submitted: '已报送',
  returned: '退回修改',
  accepted: '已通过',
  waived: '免报',
  closed: '已截止（缺报）',
};
