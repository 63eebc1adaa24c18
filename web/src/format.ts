// Dates, sizes and labels as the pages show them. Dates are calendar dates in Asia/Shanghai.
import type { CalendarYear, SlotState, SubmissionState } from './types';
import { STATE_ZH } from '../../shared/domain/labels';

const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });
const timeFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Today (or the day of an instant) in Asia/Shanghai, YYYY-MM-DD. */
export const shanghaiDay = (d: Date = new Date()) => dayFmt.format(d);
export const thisYear = () => Number(shanghaiDay().slice(0, 4));

/** An ISO instant as `YYYY-MM-DD HH:mm:ss` in Asia/Shanghai. */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = Object.fromEntries(timeFmt.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const utc = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
};
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
export const weekday = (date: string) => WEEKDAYS[new Date(utc(date)).getUTCDay()]!;
/** `2026-07-06` → `7月6日`. */
export const monthDay = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
/** `2026-07-06` → `2026年7月6日（周一）`. */
export const longDate = (date: string) => `${date.slice(0, 4)}年${monthDay(date)}（${weekday(date)}）`;
/** Calendar days from `a` to `b` (b − a). */
export const daysBetween = (a: string, b: string) => Math.round((utc(b) - utc(a)) / 86_400_000);
export const addDays = (date: string, n: number) => new Date(utc(date) + n * 86_400_000).toISOString().slice(0, 10);

/** Working days in (from, to], by the year's calendar as the API gives it. */
export function workingDaysAfter(from: string, to: string, calendars: Map<number, CalendarYear>): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkday(d, calendars)) n++;
  return n;
}
export function isWorkday(date: string, calendars: Map<number, CalendarYear>): boolean {
  const cal = calendars.get(Number(date.slice(0, 4)));
  if (cal?.workdays.includes(date)) return true;
  if (cal?.holidays.includes(date)) return false;
  const wd = new Date(utc(date)).getUTCDay();
  return wd !== 0 && wd !== 6;
}

export function fileSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export { STATE_ZH };
export const SLOT_STATES = Object.keys(STATE_ZH) as SlotState[];

export const SUBMISSION_ZH: Record<SubmissionState, string> = {
  'awaiting-upload': '等待上传',
  received: '已接收',
  rejected: '已拒收',
  accepted: '已通过',
  returned: '已退回',
};

export const KIND_ZH: Record<string, string> = {
  deadline: '年度报送',
  monthly: '按月报送',
  quarterly: '按季报送',
  quota: '按次数报送',
  once: '临时报送',
  event: '事件报送',
};
export const UNIT_KIND_ZH: Record<string, string> = { town: '镇街', department: '区级部门', other: '其他' };

/** `2026` → `2026年`, `2026-05` → `2026年5月`, `2026-Q2` → `2026年第二季度`. */
export function periodLabel(period: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) return `${q[1]}年第${'一二三四'[Number(q[2]) - 1]}季度`;
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  if (/^\d{4}$/.test(period)) return `${period}年`;
  return period;
}

export const receiptNo = (submissionId: string, receivedAt: string | null) =>
  receivedAt ? `BS${shanghaiDay(new Date(receivedAt)).replaceAll('-', '')}-${submissionId.slice(-8)}` : '';

export const timing = (onTime: boolean | null, lateDays: number | null) =>
  onTime === null ? '' : onTime ? '按时' : `逾期 ${lateDays ?? 0} 个工作日`;
