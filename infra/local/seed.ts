// Demo data for the local runtime: units named as in the seed text (区司法局, 区财政局, 区人社局,
// 区编办, towns and sub-districts …), a quarterly report, a one-off request and a declared event.
import { addDays } from '../../shared/domain/dates';
import { type Obligation, obligationBodySchema, type Unit } from '../../shared/domain/model';

const contacts = (n: number, unitId: string) => [
  {
    role: 'liaison' as const,
    name: `联络员${n}`,
    email: `${unitId}.liaison@example.gov.cn`,
    phone: `+861380000${String(n).padStart(4, '0')}`,
  },
  {
    role: 'leader' as const,
    name: `负责人${n}`,
    email: `${unitId}.leader@example.gov.cn`,
    phone: `+861390000${String(n).padStart(4, '0')}`,
  },
];

const raw: Array<[string, string, Unit['kind'], string[]]> = [
  ['chengguan-town', '城关镇', 'town', []],
  ['nanhu-town', '南湖镇', 'town', []],
  ['beishan-town', '北山镇', 'town', []],
  ['dongcheng-street', '东城街道', 'town', []],
  ['xicheng-street', '西城街道', 'town', []],
  ['xinqiao-street', '新桥街道', 'town', []],
  ['district-justice', '区司法局', 'department', ['law-enforcement']],
  ['district-finance', '区财政局', 'department', []],
  ['district-hrss', '区人社局', 'department', ['law-enforcement']],
  ['district-staffing', '区编办', 'department', []],
  ['district-market', '区市场监管局', 'department', ['law-enforcement']],
  ['district-environment', '区生态环境局', 'department', ['law-enforcement']],
  ['district-urban', '区城管局', 'department', ['law-enforcement']],
  ['district-education', '区教育局', 'department', []],
];

export const demoUnits: Unit[] = raw.map(([unitId, name, kind, tags], i) => ({
  unitId,
  name,
  kind,
  tags,
  active: true,
  contacts: contacts(i + 1, unitId),
}));

/** A quarterly report and a one-off request (due three weeks after the demo starts). */
export function demoObligations(today: string): Obligation[] {
  return [
    {
      obligationId: 'enforcement-quarterly',
      kind: 'quarterly',
      name: '行政执法情况季度统计',
      dueDay: 10,
      appliesTo: { tags: ['law-enforcement'] },
      instructions: '请按季度统计本单位行政执法案件办理情况，于季度结束后次月10日前报送。',
    },
    {
      obligationId: 'self-inspection',
      kind: 'once',
      name: '依法行政工作自查报告',
      // Three weeks on, but within this year (so it is this year's duty in the demo).
      dueDate: [addDays(today, 21), `${today.slice(0, 4)}-12-31`].sort()[0]!,
      instructions: '请对照年度依法行政工作要点开展自查，将有关信息及时上报区政府法制办。',
    },
  ].map(({ obligationId, ...body }) => ({ obligationId, ...obligationBodySchema.parse(body) }));
}

/** A normative document 城关镇 published ten days before the demo starts (规范性文件备案). */
export const demoEvent = {
  unitId: 'chengguan-town',
  body: (today: string) => ({
    obligationId: 'normative-filing',
    occurredOn: addDays(today, -10),
    title: '《城关镇农村人居环境整治管理办法》',
    ref: '城政发〔2026〕3号',
  }),
};
