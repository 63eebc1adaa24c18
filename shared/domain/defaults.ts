// The five obligations of SPEC §1 and the normative-document duties of SPEC §2 (names as in the
// seed text and the SPEC), and the default settings.
import { type Obligation, obligationBodySchema, type Settings, settingsSchema } from './model';

const raw: Array<Record<string, unknown> & { obligationId: string }> = [
  { obligationId: 'annual-plan', kind: 'deadline', name: '年度依法行政工作计划', due: '04-20' },
  { obligationId: 'half-year-report', kind: 'deadline', name: '半年工作进展情况', due: '07-05' },
  { obligationId: 'annual-summary', kind: 'deadline', name: '年度工作总结', due: '12-05' },
  { obligationId: 'law-study', kind: 'quota', name: '集体学法记录', due: '12-31', minCount: 3 },
  {
    obligationId: 'monthly-publicity',
    kind: 'monthly',
    name: '依法行政宣传咨询活动记录',
    dueDay: 5,
    appliesTo: { tags: ['law-enforcement'] },
  },
  // "制定规范性文件要严格按照…规范文件起草、审核、公布、报备等制定程序" and "对规范性文件实施情况、
  // 开展合法性、必要性和可行性评估等方面内容进行周年情况报告": an event duty and its follow-up.
  {
    obligationId: 'normative-filing',
    kind: 'event',
    name: '规范性文件备案',
    withinDays: 30,
    dayCount: 'calendar',
    followUps: [{ obligationId: 'normative-review', afterDays: 365 }],
    instructions:
      '制定规范性文件要严格按照规范性文件制定办法规范文件起草、审核、公布、报备等制定程序。请于规范性文件公布之日起30日内报送备案，附文件正式文本（含文号）。',
  },
  {
    obligationId: 'normative-review',
    kind: 'event',
    name: '规范性文件实施情况周年报告',
    withinDays: 365,
    dayCount: 'calendar',
    instructions:
      '请对规范性文件实施情况、开展合法性、必要性和可行性评估等方面内容进行周年情况报告。',
  },
];

export const defaultObligations: Obligation[] = raw.map(({ obligationId, ...body }) => ({
  obligationId,
  ...obligationBodySchema.parse(body),
}));

export const defaultSettings: Settings = settingsSchema.parse({
  officeContacts: [{ name: '区政府法制办公室', email: 'fzb@example.gov.cn', phone: '+8613800000000' }],
  smsSignature: '【区法制办】',
  senderEmail: 'noreply@example.gov.cn',
});
