// The five obligations of SPEC §1 (names as in the seed text) and the default settings.
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
