// Demo data for the local runtime: the five obligations, default settings, and units named as
// in the seed text (区司法局, 区财政局, 区人社局, 区编办, towns and sub-districts …).
import type { Unit } from '../../shared/domain/model';

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
