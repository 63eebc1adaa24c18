// Chinese notice templates (SPEC §3, §4.2, §4.4). Each returns an email subject and text and an
// SMS text WITHOUT the signature (the caller prefixes settings.smsSignature; an SMS should stay
// within 70 characters including a signature of about 6).
import { daysBetween, formatDateZh, shanghaiDate, shanghaiDateTime, weekday } from './dates';
import type { FileType, IsoDate, SlotState } from './model';
import { typeList } from './sniff';
import { type SmsTemplate, sms } from './sms-templates';

/** `sms` is `smsTemplate` rendered (./sms-templates.ts): text for End User Messaging, template +
 *  parameters for Alibaba Cloud SMS. */
export type Message = { subject: string; text: string; sms: string; smsTemplate: SmsTemplate };

/** What every notice names: the unit, the report, the period and the effective deadline. */
export type SlotRef = {
  unitName: string;
  obligationName: string;
  period: string;
  /** The date that counts (effective deadline, or resubmit-by date for a returned slot). */
  effectiveDeadline: IsoDate;
  /** The web page this notice is about (`<webBaseUrl>/#/u/…`); the email ends with it. */
  link?: string;
  /** What the report is called, when not `<period><obligation name>` (one-off requests, events). */
  label?: string;
};

export const OFFICE_NAME = '区依法行政工作领导小组办公室（区政府法制办公室）';
const HOW_TO_UPLOAD = '请登录报送系统上传';
const WEEKDAYS_SHORT = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;

const QUARTERS_ZH = ['一', '二', '三', '四'] as const;

/** '2026' → '2026年度', '2026-09' → '2026年9月', '2026-Q4' → '2026年第四季度', an event id → the day it occurred. */
export function periodLabel(period: string): string {
  if (/^\d{4}-Q[1-4]$/.test(period)) return `${period.slice(0, 4)}年第${QUARTERS_ZH[Number(period[6]) - 1]}季度`;
  if (period.length > 7) return formatDateZh(period.slice(0, 10), false);
  return period.length === 7 ? `${period.slice(0, 4)}年${Number(period.slice(5, 7))}月` : `${period}年度`;
}

/**
 * What a slot's report is called when `<period><obligation name>` does not fit: a one-off request
 * is just its name; an event's duty names the event (规范性文件备案（《…》）).
 */
export function reportLabel(
  ob: { kind: string; name: string },
  slot: { event?: { title: string } },
): string | undefined {
  if (ob.kind === 'once') return ob.name;
  if (ob.kind === 'event') return slot.event ? `${ob.name}（${slot.event.title}）` : ob.name;
  return undefined;
}

/** '7月6日（周一）' — or '7月6日周一' without the brackets — for SMS and subjects. */
export function shortDateZh(d: IsoDate, brackets = true): string {
  const w = WEEKDAYS_SHORT[weekday(d)];
  return `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日${brackets ? `（${w}）` : w}`;
}

/** '2026年度集体学法记录', but '2026年年度工作总结' rather than '2026年度年度工作总结'. */
const report = (r: SlotRef) =>
  r.label ??
  (r.period.length === 4 && r.obligationName.startsWith('年度')
    ? `${r.period}年${r.obligationName}`
    : `${periodLabel(r.period)}${r.obligationName}`);

/** The body, the office's signature and date, and — last — the link to the page it is about. */
function signed(lines: string[], date?: IsoDate, link?: { label: string; url?: string }): string {
  return [
    ...lines,
    '',
    OFFICE_NAME,
    ...(date ? [formatDateZh(date, false)] : []),
    ...(link?.url ? ['', `${link.label}：${link.url}`] : []),
  ].join('\n');
}
const toSlot = (url?: string) => ({ label: '在线报送', url });

const groupDigits = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** '1.2 MB（1,234,567字节）'. */
export function formatSize(bytes: number): string {
  const exact = `${groupDigits(bytes)}字节`;
  if (bytes < 1024) return exact;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  return `${value.toFixed(1)} ${unit}（${exact}）`;
}

/** '50 MB', '1.5 MB', '800 KB'. */
function formatLimit(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A receipt number: 'BS' + the Shanghai date received + the last 8 characters of the submission id. */
export function receiptNumber(submissionId: string, receivedAt: Date): string {
  const id = submissionId.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  // The last characters: a ULID's first ones are its timestamp, shared by uploads in the same second.
  return `BS${shanghaiDate(receivedAt).replaceAll('-', '')}-${id.slice(-8)}`;
}

// ---------------------------------------------------------------------------------------------

export type ReminderInput = SlotRef & {
  offset: number;
  /** The day the reminder is sent; the days left are counted from it (else the offset is used). */
  today?: IsoDate;
  /** The slot was returned for revision: the date is the resubmit-by date. */
  returned?: boolean;
};

/** A reminder before the deadline, to the unit's liaison. */
export function reminderMessage(input: ReminderInput): Message {
  const due = input.effectiveDeadline;
  const daysLeft = Math.max(0, input.today ? daysBetween(input.today, due) : input.offset);
  const when = daysLeft === 0 ? '今天截止' : `距截止还有${daysLeft}天`;
  const what = input.returned ? `退回修改的${report(input)}` : report(input);
  const lead = input.returned
    ? `贵单位报送的${report(input)}已退回修改，请于${formatDateZh(due)}前重新报送，${when}。`
    : `根据年度依法行政工作安排，贵单位应于${formatDateZh(due)}前报送${report(input)}，目前尚未报送，${when}。`;
  return {
    subject: `【报送提醒】${input.unitName}：${what}${daysLeft === 0 ? '今天截止' : `将于${shortDateZh(due)}截止`}`,
    text: signed(
      [
        `${input.unitName}：`,
        '',
        lead,
        `${HOW_TO_UPLOAD}。逾期未报送的，将提请单位负责人督办，并纳入年度目标责任考核。`,
        '如已报送，请忽略本提醒。',
      ],
      input.today,
      toSlot(input.link),
    ),
    ...sms('reminder', {
      unit: input.unitName,
      report: what,
      deadline:
        daysLeft === 0
          ? `今天截止（${shortDateZh(due, false)}）`
          : `${shortDateZh(due)}截止，还剩${daysLeft}天`,
    }),
  };
}

export type EscalationInput = SlotRef & {
  lateDays: number;
  leaderName?: string;
  today?: IsoDate;
  returned?: boolean;
};

/** Escalation level 1: to the unit's leader (负责人). */
export function escalationMessage(input: EscalationInput): Message {
  const due = input.effectiveDeadline;
  const to = input.leaderName ? `${input.unitName}${input.leaderName}同志` : `${input.unitName}负责人`;
  const what = input.returned ? `退回修改的${report(input)}` : report(input);
  return {
    subject: `【逾期督办】${input.unitName}${what}已逾期${input.lateDays}个工作日`,
    text: signed(
      [
        `${to}：`,
        '',
        `贵单位应于${formatDateZh(due)}前报送的${what}，至今尚未报送，已逾期${input.lateDays}个工作日。`,
        '请督促本单位联络员尽快登录报送系统上传。逾期情况将报区政府法制办公室，并纳入年度目标责任考核。',
      ],
      input.today,
      toSlot(input.link),
    ),
    ...sms('escalation', { recipient: to, report: what, due: shortDateZh(due), days: input.lateDays }),
  };
}

export type DigestItem = SlotRef & {
  lateDays: number;
  /** Newly overdue today (else: at escalation level 2). */
  newlyOverdue?: boolean;
};

/** A unit contact whose email address bounces or complained (the sender skips it). */
export type BouncingContact = {
  unitName: string;
  role: 'liaison' | 'leader';
  name: string;
  type: 'bounce' | 'complaint';
};

/**
 * The office's one daily digest: slots at escalation level 2 and the day's newly overdue slots;
 * then the unit contacts whose email bounces, so the office gets them corrected.
 */
export function officeDigestMessage(
  items: DigestItem[],
  date?: IsoDate,
  overdueLink?: string,
  bouncing: BouncingContact[] = [],
): Message {
  const escalated = items.filter((i) => !i.newlyOverdue).sort((a, b) => b.lateDays - a.lateDays);
  const fresh = items.filter((i) => i.newlyOverdue);
  const line = (i: DigestItem, n: number) =>
    `${n + 1}. ${i.unitName}：${report(i)}，应于${formatDateZh(i.effectiveDeadline)}前报送，已逾期${i.lateDays}个工作日`;
  const sections: string[] = [];
  if (escalated.length)
    sections.push(`一、逾期较长、已升级督办的（${escalated.length}项）：`, ...escalated.map(line), '');
  if (fresh.length) {
    sections.push(
      `${escalated.length ? '二' : '一'}、今日新增逾期的（${fresh.length}项）：`,
      ...fresh.map(line),
      '',
    );
  }
  if (!items.length) sections.push('今日无逾期未报送事项。', '');
  if (bouncing.length) {
    const role = { liaison: '联络员', leader: '负责人' } as const;
    sections.push(
      `另：以下联系人的邮箱退信或投诉，系统已暂停向其发送邮件，请核实并更新联系方式（${bouncing.length}人）：`,
      ...bouncing.map(
        (b, n) =>
          `${n + 1}. ${b.unitName} ${role[b.role]} ${b.name}（${b.type === 'bounce' ? '退信' : '投诉'}）`,
      ),
      '',
    );
  }
  const day = date ? formatDateZh(date) : '今日';
  return {
    subject: `【逾期汇总】${date ? formatDateZh(date, false) : ''}逾期未报送情况（升级督办${escalated.length}项，新增逾期${fresh.length}项）`,
    text: signed(
      [
        '区政府法制办公室：',
        '',
        `截至${day}，逾期未报送情况如下：`,
        '',
        ...sections,
        '请登录报送系统查看逾期清单，并督促相关单位尽快报送（可在清单中逐一催报）。',
      ],
      date,
      { label: '逾期清单', url: overdueLink },
    ),
    ...sms('digest', { escalated: escalated.length, fresh: fresh.length }),
  };
}

export type ChaseInput = SlotRef & {
  state?: SlotState;
  lateDays?: number;
  today?: IsoDate;
};

/** 催报: an immediate reminder from the office to a unit that has not submitted. */
export function chaseMessage(input: ChaseInput): Message {
  const due = input.effectiveDeadline;
  const overdue = input.today ? input.today > due : input.state === 'overdue';
  const late = overdue && input.lateDays ? `，已逾期${input.lateDays}个工作日` : overdue ? '，已逾期' : '';
  const status =
    input.state === 'returned'
      ? `贵单位报送的${report(input)}已退回修改，尚未重新报送（应于${formatDateZh(due)}前报送${late}）。`
      : `经查，贵单位${report(input)}尚未报送（截止日期：${formatDateZh(due)}${late}）。`;
  return {
    subject: `【催报】请尽快报送${report(input)}`,
    text: signed(
      [
        `${input.unitName}：`,
        '',
        status,
        '请于收到本通知后尽快登录报送系统上传。如有特殊情况，请及时与区政府法制办公室联系。',
      ],
      input.today,
      toSlot(input.link),
    ),
    ...sms('chase', {
      unit: input.unitName,
      report: report(input),
      status: overdue
        ? `已逾期${input.lateDays ? `${input.lateDays}个工作日` : ''}`
        : `${shortDateZh(due)}截止`,
    }),
  };
}

export type ReceiptInput = Omit<SlotRef, 'effectiveDeadline'> & {
  effectiveDeadline?: IsoDate;
  fileName: string;
  size: number;
  sha256: string | null;
  receivedAt: Date;
  onTime: boolean | null;
  lateDays: number | null;
  /** Given, or computed from submissionId. */
  receiptNumber?: string;
  submissionId?: string;
};

function timeliness(onTime: boolean | null, lateDays: number | null): string {
  if (onTime === false) return `逾期${lateDays ?? 0}个工作日`;
  return '按时';
}

/** 回执: the receipt for a received file. */
export function receiptMessage(input: ReceiptInput): Message {
  const number = input.receiptNumber ?? receiptNumber(input.submissionId ?? '', input.receivedAt);
  const status = timeliness(input.onTime, input.lateDays);
  const ref = { ...input, effectiveDeadline: input.effectiveDeadline ?? '' };
  return {
    subject: `【报送回执】${number} ${input.unitName}${report(ref)}`,
    text: signed(
      [
        `${input.unitName}：`,
        '',
        `贵单位报送的${report(ref)}已收到，回执如下：`,
        '',
        `回执编号：${number}`,
        `报送单位：${input.unitName}`,
        `报送事项：${input.obligationName}`,
        `报送期间：${periodLabel(input.period)}`,
        ...(input.effectiveDeadline ? [`截止日期：${formatDateZh(input.effectiveDeadline)}`] : []),
        `文件名称：${input.fileName}`,
        `文件大小：${formatSize(input.size)}`,
        `SHA-256：${input.sha256 ?? '—'}`,
        `接收时间：${shanghaiDateTime(input.receivedAt)}（北京时间）`,
        `报送情况：${status === '按时' ? '按时报送' : status}`,
        '',
        '材料将由区政府法制办公室审核，审核结果另行通知。请妥善保存本回执。',
      ],
      shanghaiDate(input.receivedAt),
      { label: '查看回执', url: input.link },
    ),
    ...sms('receipt', {
      unit: input.unitName,
      report: report(ref),
      number,
      status: status === '按时' ? '按时报送' : status,
    }),
  };
}

export type RejectionInput = Omit<SlotRef, 'effectiveDeadline'> & {
  effectiveDeadline?: IsoDate;
  fileName: string;
  reason: string;
  receivedAt?: Date;
  allowedTypes?: readonly FileType[];
  maxBytes?: number;
};

/** A file that failed the checks: why, and how to fix it. */
export function rejectionMessage(input: RejectionInput): Message {
  const ref = { ...input, effectiveDeadline: input.effectiveDeadline ?? '' };
  const when = input.receivedAt ? `于${shanghaiDateTime(input.receivedAt)}` : '';
  const limits = [
    input.allowedTypes?.length ? `接受格式：${typeList(input.allowedTypes)}` : '',
    input.maxBytes ? `单个文件不超过${formatLimit(input.maxBytes)}` : '',
  ].filter(Boolean);
  const due = input.effectiveDeadline;
  const passed = due && input.receivedAt && shanghaiDate(input.receivedAt) > due;
  const fix = !due
    ? '请按上述原因修正后登录报送系统重新上传。'
    : passed
      ? `截止日期${formatDateZh(due)}已过，请按上述原因修正后尽快登录报送系统重新上传，是否逾期以实际接收时间认定。`
      : `请按上述原因修正后，于${formatDateZh(due)}前登录报送系统重新上传。`;
  return {
    subject: `【报送未通过】${input.unitName}${report(ref)}文件未通过校验，请重新上传`,
    text: signed(
      [
        `${input.unitName}：`,
        '',
        `贵单位${when}上传的${report(ref)}文件《${input.fileName}》未通过校验，未予接收。`,
        `原因：${input.reason}`,
        '',
        `${fix}${limits.length ? `本事项${limits.join('，')}。` : ''}`,
      ],
      input.receivedAt ? shanghaiDate(input.receivedAt) : undefined,
      toSlot(input.link),
    ),
    ...sms('rejection', { unit: input.unitName, report: report(ref) }),
  };
}

export type ReturnedInput = SlotRef & { resubmitBy: IsoDate; comment?: string; today?: IsoDate };

/** 退回修改: the office returned the latest version for revision. */
export function returnedMessage(input: ReturnedInput): Message {
  return {
    subject: `【退回修改】${input.unitName}${report(input)}，请于${shortDateZh(input.resubmitBy)}前重新报送`,
    text: signed(
      [
        `${input.unitName}：`,
        '',
        `贵单位报送的${report(input)}经审核需修改完善，现予退回。`,
        ...(input.comment ? [`审核意见：${input.comment}`] : []),
        `请于${formatDateZh(input.resubmitBy)}前修改完善，并登录报送系统重新上传。`,
      ],
      input.today,
      toSlot(input.link),
    ),
    ...sms('returned', { unit: input.unitName, report: report(input), due: shortDateZh(input.resubmitBy) }),
  };
}

export type RequestInput = SlotRef & {
  instructions?: string;
  /** The templates' file names, and where to download each. */
  templates?: { name: string; url?: string }[];
  today?: IsoDate;
};

/** 报送通知: what is asked, by when, the instructions and templates, and where to report. */
export function requestMessage(input: RequestInput): Message {
  const due = input.effectiveDeadline;
  const templates = input.templates ?? [];
  return {
    subject: `【报送通知】${input.unitName}：请于${shortDateZh(due)}前报送${report(input)}`,
    text: signed(
      [
        `${input.unitName}：`,
        '',
        `请贵单位于${formatDateZh(due)}前报送${report(input)}。`,
        ...(input.instructions ? ['', '报送要求：', input.instructions] : []),
        ...(templates.length
          ? ['', '附件模板（请下载填写后报送）：', ...templates.map((t) => `  ${t.name}${t.url ? `：${t.url}` : ''}`)]
          : []),
        '',
        `${HOW_TO_UPLOAD}。收到本通知后，请登录报送系统签收。逾期未报送的，将提请单位负责人督办，并纳入年度目标责任考核。`,
      ],
      input.today,
      toSlot(input.link),
    ),
    ...sms('request', { unit: input.unitName, due: shortDateZh(due), report: report(input) }),
  };
}
