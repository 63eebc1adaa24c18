import { describe, expect, it } from 'vitest';
import { defaultObligations, defaultSettings } from '../../../shared/domain/defaults';
import {
  chaseMessage,
  escalationMessage,
  formatSize,
  type Message,
  officeDigestMessage,
  periodLabel,
  receiptMessage,
  receiptNumber,
  rejectionMessage,
  reminderMessage,
  returnedMessage,
} from '../../../shared/domain/messages';

const ref = {
  unitName: '城关镇人民政府',
  obligationName: '半年工作进展情况',
  period: '2026',
  effectiveDeadline: '2026-07-06',
};
const smsLength = (m: Message) => [...defaultSettings.smsSignature].length + [...m.sms].length;

function namesTheSlot(m: Message, r = ref) {
  for (const part of [m.subject + m.text]) {
    expect(part).toContain(r.unitName);
    expect(part).toContain(r.obligationName);
    expect(part).toContain(periodLabel(r.period));
  }
}

describe('notice templates', () => {
  it('periodLabel, formatSize, receiptNumber', () => {
    expect(periodLabel('2026')).toBe('2026年度');
    expect(periodLabel('2026-09')).toBe('2026年9月');
    expect(formatSize(512)).toBe('512字节');
    expect(formatSize(1_234_567)).toBe('1.2 MB（1,234,567字节）');
    // the Shanghai date received (02:03Z on 07-06 is 10:03 on 07-06; 16:30Z is already 07-07)
    expect(receiptNumber('01k0abcdef1234567890xyzwvu', new Date('2026-07-06T02:03:04Z'))).toBe(
      'BS20260706-90XYZWVU',
    );
    expect(receiptNumber('01K0ABCDEF1234567890XYZWVU', new Date('2026-07-06T16:30:00Z'))).toBe(
      'BS20260707-90XYZWVU',
    );
  });

  it('reminder: days left, the deadline with its weekday, what to do', () => {
    const m = reminderMessage({ ...ref, offset: 3, today: '2026-07-03' });
    namesTheSlot(m);
    expect(m.text).toContain('2026年7月6日（星期一）');
    expect(m.text).toContain('距截止还有3天');
    expect(m.text).toContain('请登录报送系统上传。');
    expect(m.sms).toContain('7月6日（周一）');
    const today = reminderMessage({ ...ref, offset: 0, today: '2026-07-06' });
    expect(today.subject).toContain('今天截止');
    expect(today.text).toContain('今天截止');
    expect(today.sms).toContain('今天截止');
    // without a date, the offset says how many days are left
    expect(reminderMessage({ ...ref, offset: 7 }).text).toContain('距截止还有7天');
    expect(reminderMessage({ ...ref, offset: 1, returned: true }).text).toContain('已退回修改');
  });

  it('escalation to the leader: days late', () => {
    const m = escalationMessage({ ...ref, lateDays: 1, today: '2026-07-07' });
    namesTheSlot(m);
    expect(m.text.startsWith('城关镇人民政府负责人：')).toBe(true);
    expect(m.text).toContain('已逾期1个工作日');
    expect(m.text).toContain('2026年7月6日（星期一）');
    expect(m.text).toContain('请督促本单位联络员尽快登录报送系统上传');
    expect(escalationMessage({ ...ref, lateDays: 2, leaderName: '张三' }).text).toContain('张三同志');
  });

  it('office digest: escalated slots and newly overdue ones, in one message', () => {
    const m = officeDigestMessage(
      [
        { ...ref, lateDays: 3 },
        { ...ref, unitName: '区司法局', lateDays: 5 },
        { ...ref, unitName: '东城街道办事处', lateDays: 1, newlyOverdue: true },
      ],
      '2026-07-09',
    );
    expect(m.subject).toContain('升级督办2项');
    expect(m.subject).toContain('新增逾期1项');
    const [escalated, fresh] = m.text.split('今日新增逾期');
    expect(escalated).toContain('1. 区司法局'); // longest overdue first
    expect(escalated).toContain('2. 城关镇人民政府');
    expect(fresh).toContain('东城街道办事处');
    expect(m.text).toContain('2026年7月6日（星期一）');
    expect(officeDigestMessage([], '2026-07-09').text).toContain('今日无逾期未报送事项');
  });

  it('chase-up (催报)', () => {
    const m = chaseMessage({ ...ref, state: 'overdue', lateDays: 4, today: '2026-07-10' });
    namesTheSlot(m);
    expect(m.subject).toContain('【催报】');
    expect(m.text).toContain('已逾期4个工作日');
    expect(m.text).toContain('尽快登录报送系统上传');
    expect(chaseMessage({ ...ref, state: 'open', today: '2026-07-01' }).text).not.toContain('逾期');
    expect(chaseMessage({ ...ref, state: 'returned', today: '2026-07-01' }).text).toContain('退回修改');
  });

  it('receipt (回执): number, unit, report, period, file, size, SHA-256, Shanghai time, timeliness', () => {
    const base = {
      ...ref,
      fileName: '半年总结.pdf',
      size: 1_234_567,
      sha256: 'a'.repeat(64),
      receivedAt: new Date('2026-07-07T02:03:04Z'),
      submissionId: '01K0ABCDEF1234567890XYZWVU',
    };
    const late = receiptMessage({ ...base, onTime: false, lateDays: 1 });
    namesTheSlot(late);
    for (const s of [
      '回执编号：BS20260707-90XYZWVU',
      '文件名称：半年总结.pdf',
      '1,234,567字节',
      `SHA-256：${'a'.repeat(64)}`,
    ]) {
      expect(late.text).toContain(s);
    }
    expect(late.text).toContain('接收时间：2026-07-07 10:03:04');
    expect(late.text).toContain('逾期1个工作日');
    expect(late.text).toContain('截止日期：2026年7月6日（星期一）');
    const onTime = receiptMessage({ ...base, onTime: true, lateDays: 0, receiptNumber: 'BS-GIVEN' });
    expect(onTime.text).toContain('按时报送');
    expect(onTime.text).toContain('BS-GIVEN');
  });

  it('rejection: why and how to fix', () => {
    const m = rejectionMessage({
      ...ref,
      fileName: 'scan.pdf',
      reason: '文件内容不是PDF格式（文件头不符），请上传真实的PDF文件后重新报送',
      receivedAt: new Date('2026-07-03T02:00:00Z'),
      allowedTypes: ['pdf', 'ofd'],
      maxBytes: 50 * 1024 * 1024,
    });
    namesTheSlot(m);
    expect(m.text).toContain('原因：文件内容不是PDF格式');
    expect(m.text).toContain('于2026年7月6日（星期一）前登录报送系统重新上传。');
    expect(m.text).toContain('PDF、OFD');
    expect(m.text).toContain('50 MB');
  });

  it('returned for revision', () => {
    const m = returnedMessage({ ...ref, resubmitBy: '2026-07-15', comment: '请补充数据' });
    namesTheSlot(m);
    expect(m.text).toContain('审核意见：请补充数据');
    expect(m.text).toContain('2026年7月15日（星期三）');
  });

  it('every email ends with the link to its page; no notice names an API path', () => {
    const link = 'https://d1234.cloudfront.net/#/u/half-year-report/2026';
    const overdue = 'https://d1234.cloudfront.net/#/o/overdue';
    const file = { fileName: 'a.pdf', receivedAt: new Date('2026-07-03T02:00:00Z') };
    const toUnits: Array<[Message, string]> = [
      [reminderMessage({ ...ref, link, offset: 3, today: '2026-07-03' }), '在线报送'],
      [reminderMessage({ ...ref, link, offset: 1, returned: true }), '在线报送'],
      [escalationMessage({ ...ref, link, lateDays: 1, today: '2026-07-07' }), '在线报送'],
      [chaseMessage({ ...ref, link, state: 'overdue', lateDays: 4, today: '2026-07-10' }), '在线报送'],
      [
        receiptMessage({ ...ref, ...file, link, size: 10, sha256: 'a'.repeat(64), onTime: true, lateDays: 0 }),
        '查看回执',
      ],
      [rejectionMessage({ ...ref, ...file, link, reason: '类型不符' }), '在线报送'],
      [returnedMessage({ ...ref, link, resubmitBy: '2026-07-15' }), '在线报送'],
    ];
    for (const [m, label] of toUnits) {
      expect(m.text.endsWith(`\n\n${label}：${link}`), m.subject).toBe(true);
      // the signature comes before the link
      expect(m.text.indexOf('区政府法制办公室）')).toBeLessThan(m.text.indexOf(link));
    }
    const digest = officeDigestMessage([{ ...ref, lateDays: 3 }], '2026-07-09', overdue);
    expect(digest.text.endsWith(`\n\n逾期清单：${overdue}`)).toBe(true);
    const all = [...toUnits.map(([m]) => m), digest];
    // nor do the same notices without a configured address (no link line then)
    all.push(reminderMessage({ ...ref, offset: 3 }), officeDigestMessage([{ ...ref, lateDays: 3 }]));
    for (const m of all) expect(`${m.subject}${m.text}${m.sms}`).not.toMatch(/\/v1\/|\b(GET|POST|PUT) \//);
    expect(reminderMessage({ ...ref, offset: 3 }).text).not.toContain('在线报送');
    // SMS stay without links (length, and mainland carriers' rules on links in texts)
    for (const m of all) expect(m.sms).not.toContain('http');
  });

  it('every SMS of the default obligations fits in 70 characters with the signature', () => {
    const unitName = '区市场监督管理局';
    for (const ob of defaultObligations) {
      const r = {
        unitName,
        obligationName: ob.name,
        period: ob.kind === 'monthly' ? '2026-12' : '2026',
        effectiveDeadline: '2026-12-31',
      };
      const all = [
        reminderMessage({ ...r, offset: 7, today: '2026-12-24' }),
        reminderMessage({ ...r, offset: 0, today: '2026-12-31' }),
        reminderMessage({ ...r, offset: 3, today: '2026-12-28', returned: true }),
        escalationMessage({ ...r, lateDays: 12 }),
        chaseMessage({ ...r, state: 'overdue', lateDays: 12, today: '2027-01-20' }),
        receiptMessage({
          ...r,
          fileName: 'a.pdf',
          size: 1,
          sha256: null,
          receivedAt: new Date(),
          onTime: false,
          lateDays: 12,
          submissionId: '01K0ABCDEF1234567890XYZWVU',
        }),
        rejectionMessage({ ...r, fileName: 'a.pdf', reason: '文件为空' }),
        returnedMessage({ ...r, resubmitBy: '2027-01-08' }),
        officeDigestMessage([{ ...r, lateDays: 3 }], '2027-01-05'),
      ];
      for (const m of all) expect(smsLength(m), m.sms).toBeLessThanOrEqual(70);
    }
  });
});

describe('report names', () => {
  it('never doubles 年度 when the report’s own name starts with it', async () => {
    const { chaseMessage } = await import('../../../shared/domain/messages');
    const m = chaseMessage({
      unitName: '北山镇',
      obligationName: '年度工作总结',
      period: '2026',
      effectiveDeadline: '2026-12-07',
    } as Parameters<typeof chaseMessage>[0]);
    expect(m.subject + m.text + m.sms).not.toContain('年度年度');
    expect(m.text).toContain('2026年年度工作总结');
  });
});
