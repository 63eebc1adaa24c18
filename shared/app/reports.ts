// The office's downloads as tables (the HTTP layer writes them as CSV): the columns, their Chinese
// headers and the file's name.
import { shanghaiDateTime } from '../domain/dates';
import { STATE_ZH } from '../domain/labels';
import type { assessment, board } from './office';

export type Table = { fileName: string; header: string[]; rows: unknown[][] };

const yesNo = (b: boolean | null) => (b === null ? '' : b ? '是' : '否');
const localTime = (iso: string | null) => (iso ? shanghaiDateTime(new Date(iso)) : '');

/** A period's board, a row per unit. */
export function boardTable(b: Awaited<ReturnType<typeof board>>): Table {
  return {
    fileName: `${b.name}-${b.period}.csv`,
    header: [
      '单位编号',
      '单位名称',
      '状态',
      '按时报送',
      '逾期工作日',
      '首次报送时间',
      '延期至',
      '催告级别',
      '已提醒次数',
      '催报次数',
      '最新报送编号',
      '签收时间',
    ],
    rows: b.items.map((r) => [
      r.unitId,
      r.name,
      STATE_ZH[r.state],
      yesNo(r.onTime),
      r.lateDays ?? '',
      localTime(r.submittedAt),
      r.extendedUntil ?? '',
      r.escalationLevel,
      r.remindersSent,
      r.chaseCount,
      r.latestSubmissionId ?? '',
      localTime(r.acknowledgedAt),
    ]),
  };
}

/** A year's assessment, ranked. */
export function assessmentTable(a: Awaited<ReturnType<typeof assessment>>): Table {
  return {
    fileName: `依法行政报送考核-${a.year}.csv`,
    header: ['排名', '单位编号', '单位名称', '得分', '按时', '逾期', '缺报', '免报'],
    rows: a.items.map((r) => [
      r.rank,
      r.unitId,
      r.name,
      r.score ?? '',
      r.onTime,
      r.late,
      r.missing,
      r.waived,
    ]),
  };
}
