// The office console's other pages: 逾期, 考核, 单位 (list, a unit's page, add/edit), 事项, 设置, 日历.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import {
  KIND_ZH,
  localTime,
  longDate,
  monthDay,
  periodLabel,
  SUBMISSION_ZH,
  shanghaiDay,
  thisYear,
  timing,
  UNIT_KIND_ZH,
  workingDaysAfter,
} from './format';
import { loadObligations } from './office';
import { ContactsEditor } from './portal';
import { go, href } from './route';
import type {
  Assessment,
  AuditPage,
  CalendarBody,
  CalendarYear,
  Contact,
  Obligation,
  ObligationBody,
  OverdueRow,
  Page,
  Settings,
  SettingsBody,
  SlotView,
  Unit,
  UnitBody,
} from './types';
import { allPages, Problem, Show, StateBadge, useLoad } from './ui';

const input = (e: Event) => (e.target as HTMLInputElement).value;

export function OverduePage() {
  const r = useLoad(async () => {
    const items = await allPages((c) => api.get<Page<OverdueRow>>(`/v1/overdue${c ? `?cursor=${encodeURIComponent(c)}` : ''}`));
    const years = [...new Set([thisYear(), ...items.map((i) => Number(i.effectiveDeadline.slice(0, 4)))])];
    const cals = await Promise.all(years.map((y) => api.get<CalendarYear>(`/v1/calendar/${y}`)));
    return { items, cals: new Map(cals.map((c) => [c.year, c])) };
  }, []);
  const today = shanghaiDay();
  return (
    <section>
      <h1>逾期</h1>
      <p class="hint">当前已过截止日期仍未报送（或退回后未重新报送）的事项，截止最早的在前。</p>
      <Show r={r}>
        {({ items, cals }) =>
          items.length === 0 ? (
            <p>当前没有逾期事项。</p>
          ) : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">单位</th>
                    <th scope="col">报送事项</th>
                    <th scope="col">期次</th>
                    <th scope="col">截止日期</th>
                    <th scope="col">逾期工作日</th>
                    <th scope="col">状态</th>
                    <th scope="col">催告级别</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <tr key={`${s.obligationId}/${s.period}/${s.unitId}`}>
                      <td>
                        <a href={href('o', 'units', s.unitId)}>{s.name}</a>
                      </td>
                      <td>
                        <a href={href('o', 'board', s.obligationId, s.period)}>{s.obligationName}</a>
                      </td>
                      <td>{periodLabel(s.period)}</td>
                      <td>{longDate(s.effectiveDeadline)}</td>
                      <td class="late">{workingDaysAfter(s.effectiveDeadline, today, cals)}</td>
                      <td>
                        <StateBadge state={s.state} />
                      </td>
                      <td>{s.escalationLevel || ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </section>
  );
}

export function AssessmentPage({ year }: { year: number }) {
  const r = useLoad(() => api.get<Assessment>(`/v1/assessment?year=${year}`), [year]);
  const [err, setErr] = useState<unknown>(null);
  return (
    <section>
      <div class="heading">
        <h1>考核</h1>
        <div class="toolbar">
          <label class="inline">
            年度
            <select value={year} onChange={(e) => go(href('o', 'assessment', (e.target as HTMLSelectElement).value))}>
              {[thisYear(), thisYear() - 1, thisYear() - 2].map((y) => (
                <option key={y} value={y}>
                  {y}年
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => api.download(`/v1/assessment?year=${year}&format=csv`, `考核-${year}.csv`).catch(setErr)}
          >
            下载 CSV
          </button>
        </div>
      </div>
      {err !== null && <Problem error={err} />}
      <Show r={r}>
        {(a) => (
          <>
            <p class="hint">
              统计至 {a.asOf}。按时 100 分，逾期按工作日扣分（有下限），缺报 0 分，免报不计；按次数报送的事项按完成比例计分。
            </p>
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">排名</th>
                    <th scope="col">单位</th>
                    <th scope="col">得分</th>
                    <th scope="col">按时</th>
                    <th scope="col">逾期</th>
                    <th scope="col">缺报</th>
                    <th scope="col">免报</th>
                  </tr>
                </thead>
                <tbody>
                  {a.items.map((x) => (
                    <tr key={x.unitId}>
                      <td>{x.rank}</td>
                      <td>
                        <a href={href('o', 'units', x.unitId)}>{x.name}</a>
                      </td>
                      <td>{x.score ?? '—'}</td>
                      <td>{x.onTime}</td>
                      <td>{x.late}</td>
                      <td>{x.missing}</td>
                      <td>{x.waived}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}

const loadUnits = () => allPages((c) => api.get<Page<Unit>>(`/v1/units${c ? `?cursor=${encodeURIComponent(c)}` : ''}`));

export function UnitsPage() {
  const r = useLoad(loadUnits, []);
  const [q, setQ] = useState('');
  return (
    <section>
      <div class="heading">
        <h1>单位</h1>
        <a class="button primary" href={href('o', 'units', 'new')}>
          添加单位
        </a>
      </div>
      <label class="inline">
        搜索
        <input type="search" value={q} onInput={(e) => setQ(input(e))} placeholder="名称或编号" />
      </label>
      <Show r={r}>
        {(units) => (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">单位</th>
                  <th scope="col">编号</th>
                  <th scope="col">类别</th>
                  <th scope="col">标签</th>
                  <th scope="col">联络员</th>
                  <th scope="col">启用</th>
                </tr>
              </thead>
              <tbody>
                {units
                  .filter((u) => !q || u.name.includes(q) || u.unitId.includes(q))
                  .map((u) => (
                    <tr key={u.unitId}>
                      <td>
                        <a href={href('o', 'units', u.unitId)}>{u.name}</a>
                      </td>
                      <td>{u.unitId}</td>
                      <td>{UNIT_KIND_ZH[u.kind]}</td>
                      <td>{u.tags.join('、')}</td>
                      <td>{u.contacts.filter((c) => c.role === 'liaison').map((c) => c.name).join('、')}</td>
                      <td>{u.active ? '是' : '否'}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}

function UnitForm({ unit, onSaved }: { unit: Unit | null; onSaved: (u: Unit) => void }) {
  const [unitId, setUnitId] = useState(unit?.unitId ?? '');
  const [name, setName] = useState(unit?.name ?? '');
  const [kind, setKind] = useState<Unit['kind']>(unit?.kind ?? 'town');
  const [tags, setTags] = useState((unit?.tags ?? []).join(' '));
  const [active, setActive] = useState(unit?.active ?? true);
  const [contacts, setContacts] = useState<Contact[]>(unit?.contacts ?? [{ role: 'liaison', name: '' }]);
  const [err, setErr] = useState<unknown>(null);
  const [msg, setMsg] = useState('');
  const save = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    setMsg('');
    const body: UnitBody = {
      name,
      kind,
      tags: tags.split(/[\s,，、]+/).filter(Boolean),
      active,
      contacts: contacts.map((c) => ({
        role: c.role,
        name: c.name,
        ...(c.email ? { email: c.email } : {}),
        ...(c.phone ? { phone: c.phone } : {}),
      })),
    };
    try {
      const saved = await api.send<Unit>('PUT', `/v1/units/${encodeURIComponent(unitId)}`, body);
      setMsg('已保存。');
      onSaved(saved);
    } catch (x) {
      setErr(x);
    }
  };
  return (
    <form class="card" onSubmit={save}>
      <h2>{unit ? '编辑单位' : '添加单位'}</h2>
      <label>
        单位编号（小写字母、数字、-）
        <input required pattern="^[a-z0-9][a-z0-9\-]{1,39}$" disabled={!!unit} value={unitId} onInput={(e) => setUnitId(input(e))} />
      </label>
      <label>
        名称
        <input required maxLength={100} value={name} onInput={(e) => setName(input(e))} />
      </label>
      <label>
        类别
        <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as Unit['kind'])}>
          {Object.entries(UNIT_KIND_ZH).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label>
        标签（空格分隔，如 law-enforcement）
        <input value={tags} onInput={(e) => setTags(input(e))} />
      </label>
      <label class="inline">
        <input type="checkbox" checked={active} onChange={(e) => setActive((e.target as HTMLInputElement).checked)} /> 启用
      </label>
      <h3>联系人</h3>
      <ContactsEditor contacts={contacts} onChange={setContacts} />
      <p>
        <button type="submit" class="primary">
          保存
        </button>
      </p>
      <div aria-live="polite">{msg && <p class="ok">{msg}</p>}</div>
      {err !== null && <Problem error={err} />}
    </form>
  );
}

const AUDIT_ZH: Record<string, string> = {
  'upload-requested': '申请上传',
  'submission-received': '收到文件',
  'submission-rejected': '拒收文件',
  'slot-extended': '延期',
  'slot-waived': '免报',
  'submission-accepted': '审核通过',
  'submission-returned': '退回修改',
  'contacts-replaced': '更新联系人',
  'unit-created': '添加单位',
  'unit-replaced': '修改单位',
  chased: '催报',
};

export function UnitPage({ unitId, year }: { unitId: string | null; year: number }) {
  const r = useLoad(
    async () =>
      unitId
        ? Promise.all([
            api.get<Unit>(`/v1/units/${unitId}`),
            allPages((c) => api.get<Page<SlotView>>(`/v1/units/${unitId}/slots?year=${year}${c ? `&cursor=${encodeURIComponent(c)}` : ''}`)),
            api.get<AuditPage>(`/v1/audit?unitId=${unitId}&year=${year}&limit=200`),
            loadObligations(),
          ])
        : null,
    [unitId, year],
  );
  if (!unitId)
    return (
      <section>
        <h1>添加单位</h1>
        <UnitForm unit={null} onSaved={(u) => go(href('o', 'units', u.unitId))} />
      </section>
    );
  return (
    <Show r={r}>
      {(d) => {
        const [unit, slots, audit, obs] = d!;
        const names = new Map(obs.map((o) => [o.obligationId, o.name]));
        return (
          <section>
            <p>
              <a href="#/o/units">← 单位</a>
            </p>
            <h1>
              {unit.name} <span class="period">{unit.unitId}</span>
            </h1>
            <p>
              {UNIT_KIND_ZH[unit.kind]} · {unit.active ? '启用' : '停用'}
              {unit.tags.length > 0 && ` · 标签：${unit.tags.join('、')}`}
            </p>
            <div class="card">
              <h2>{year}年报送事项</h2>
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">事项</th>
                    <th scope="col">期次</th>
                    <th scope="col">截止日期</th>
                    <th scope="col">状态</th>
                    <th scope="col">报送情况</th>
                    <th scope="col">版本</th>
                  </tr>
                </thead>
                <tbody>
                  {slots.map((s) => (
                    <tr key={`${s.obligationId}/${s.period}`}>
                      <td>
                        <a href={href('o', 'board', s.obligationId, s.period)}>{names.get(s.obligationId) ?? s.obligationId}</a>
                      </td>
                      <td>{periodLabel(s.period)}</td>
                      <td>
                        {longDate(s.effectiveDeadline)}
                        {s.extendedUntil && <div class="sub">已延期（原定{monthDay(s.deadline)}）</div>}
                      </td>
                      <td>
                        <StateBadge state={s.state} />
                        {s.minCount !== undefined && (
                          <div class="sub">
                            {s.count ?? 0}/{s.minCount} 条
                          </div>
                        )}
                      </td>
                      <td>{timing(s.onTime, s.lateDays)}</td>
                      <td>
                        {s.submissions.map((x, i) => (
                          <div key={x.submissionId}>
                            <a href={href('o', 's', x.submissionId)}>
                              第{i + 1}版 {SUBMISSION_ZH[x.state]}
                            </a>
                          </div>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <UnitForm unit={unit} onSaved={() => r.reload()} />
            <div class="card">
              <h2>操作记录（{year}年，最新在前）</h2>
              <table class="table audit">
                <thead>
                  <tr>
                    <th scope="col">时间</th>
                    <th scope="col">操作人</th>
                    <th scope="col">操作</th>
                    <th scope="col">事项</th>
                    <th scope="col">详情</th>
                  </tr>
                </thead>
                <tbody>
                  {audit.items.map((e, i) => (
                    <tr key={`${e.at}-${i}`}>
                      <td>{localTime(e.at)}</td>
                      <td>{e.actor}</td>
                      <td>{AUDIT_ZH[e.action] ?? e.action}</td>
                      <td>{e.obligationId ? `${names.get(e.obligationId) ?? e.obligationId} ${e.period ?? ''}` : ''}</td>
                      <td class="detail">{e.detail ? JSON.stringify(e.detail) : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      }}
    </Show>
  );
}

export function ObligationsPage() {
  const r = useLoad(loadObligations, []);
  return (
    <section>
      <div class="heading">
        <h1>报送事项</h1>
        <a class="button primary" href={href('o', 'obligations', 'new')}>
          新增事项
        </a>
      </div>
      <Show r={r}>
        {(obs) => (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">名称</th>
                  <th scope="col">编号</th>
                  <th scope="col">类型</th>
                  <th scope="col">截止</th>
                  <th scope="col">适用单位</th>
                  <th scope="col">提醒（截止前天数）</th>
                  <th scope="col">启用</th>
                </tr>
              </thead>
              <tbody>
                {obs.map((o) => (
                  <tr key={o.obligationId}>
                    <td>
                      <a href={href('o', 'obligations', o.obligationId)}>{o.name}</a>
                    </td>
                    <td>{o.obligationId}</td>
                    <td>{KIND_ZH[o.kind] ?? o.kind}</td>
                    <td>{dueText(o)}</td>
                    <td>{appliesText(o.appliesTo)}</td>
                    <td>{o.reminderDays.join('、')}</td>
                    <td>{o.active === false ? '否' : '是'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}

function dueText(o: Obligation): string {
  const x = o as Obligation & { due?: string; dueDay?: number; minCount?: number; dueDate?: string };
  if (x.kind === 'monthly') return `次月${x.dueDay}日前`;
  if (x.due) return `每年${Number(x.due.slice(0, 2))}月${Number(x.due.slice(3))}日前${x.minCount ? `，至少 ${x.minCount} 条` : ''}`;
  if (x.dueDate) return x.dueDate;
  if (x.dueDay) return `次月${x.dueDay}日前`;
  return '';
}
function appliesText(a: Obligation['appliesTo']): string {
  if (a === 'all') return '全部单位';
  const parts = [
    ...(a.kinds ?? []).map((k) => UNIT_KIND_ZH[k] ?? k),
    ...(a.tags ?? []).map((t) => `标签 ${t}`),
    ...(a.unitIds ?? []),
  ];
  return parts.join('、') || '（无）';
}

const FILE_TYPES = ['pdf', 'docx', 'doc', 'ofd', 'wps', 'xlsx'] as const;

export function ObligationPage({ obligationId }: { obligationId: string | null }) {
  const r = useLoad(async () => (await loadObligations()).find((o) => o.obligationId === obligationId) ?? null, [obligationId]);
  return (
    <section>
      <p>
        <a href="#/o/obligations">← 报送事项</a>
      </p>
      <Show r={r}>{(o) => <ObligationForm key={obligationId ?? 'new'} ob={o} />}</Show>
    </section>
  );
}

function ObligationForm({ ob }: { ob: Obligation | null }) {
  const x = ob as (Obligation & { due?: string; dueDay?: number; minCount?: number }) | null;
  const [id, setId] = useState(ob?.obligationId ?? '');
  const [f, setF] = useState({
    kind: (ob?.kind ?? 'deadline') as 'deadline' | 'monthly' | 'quota',
    name: ob?.name ?? '',
    due: x?.due ?? '12-31',
    dueDay: x?.dueDay ?? 5,
    minCount: x?.minCount ?? 1,
    reminderDays: (ob?.reminderDays ?? [7, 3, 1, 0]).join(' '),
    gracePeriodDays: ob?.gracePeriodDays ?? 30,
    holidayRule: ob?.holidayRule ?? 'next-workday',
    maxMb: Math.round(((ob?.maxBytes ?? 50 * 1024 * 1024) / 1024 / 1024) * 10) / 10,
    allowedTypes: [...(ob?.allowedTypes ?? FILE_TYPES)] as string[],
    active: ob?.active ?? true,
  });
  const [err, setErr] = useState<unknown>(null);
  const [msg, setMsg] = useState('');
  const set = (p: Partial<typeof f>) => setF({ ...f, ...p });
  const save = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    setMsg('');
    // Fields this form does not edit (appliesTo, escalation, and those of other kinds) are sent back as read.
    const { obligationId: _id, ...rest } = (ob ?? {}) as Partial<Obligation>;
    const common = {
      ...rest,
      name: f.name,
      reminderDays: f.reminderDays.split(/[\s,，、]+/).filter(Boolean).map(Number),
      gracePeriodDays: Number(f.gracePeriodDays),
      holidayRule: f.holidayRule,
      maxBytes: Math.round(Number(f.maxMb) * 1024 * 1024),
      allowedTypes: f.allowedTypes as ObligationBody['allowedTypes'],
      active: f.active,
    };
    delete (common as Record<string, unknown>).due;
    delete (common as Record<string, unknown>).dueDay;
    delete (common as Record<string, unknown>).minCount;
    const body = (
      f.kind === 'monthly'
        ? { ...common, kind: 'monthly', dueDay: Number(f.dueDay) }
        : f.kind === 'quota'
          ? { ...common, kind: 'quota', due: f.due, minCount: Number(f.minCount) }
          : { ...common, kind: 'deadline', due: f.due }
    ) as ObligationBody;
    try {
      await api.send('PUT', `/v1/obligations/${encodeURIComponent(id)}`, body);
      setMsg('已保存。');
      if (!ob) go(href('o', 'obligations', id));
    } catch (x) {
      setErr(x);
    }
  };
  return (
    <form class="card" onSubmit={save}>
      <h1>{ob ? `编辑事项：${ob.name}` : '新增事项'}</h1>
      <label>
        事项编号
        <input required disabled={!!ob} pattern="^[a-z0-9][a-z0-9\-]{1,39}$" value={id} onInput={(e) => setId(input(e))} />
      </label>
      <label>
        名称
        <input required maxLength={100} value={f.name} onInput={(e) => set({ name: input(e) })} />
      </label>
      <label>
        类型
        <select disabled={!!ob} value={f.kind} onChange={(e) => set({ kind: (e.target as HTMLSelectElement).value as typeof f.kind })}>
          <option value="deadline">年度报送（每年一次）</option>
          <option value="monthly">按月报送</option>
          <option value="quota">按次数报送（每年至少若干条）</option>
        </select>
      </label>
      {f.kind === 'monthly' ? (
        <label>
          次月截止日（1–28）
          <input type="number" min={1} max={28} required value={f.dueDay} onInput={(e) => set({ dueDay: Number(input(e)) })} />
        </label>
      ) : (
        <label>
          每年截止日（MM-DD）
          <input required pattern="^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$" value={f.due} onInput={(e) => set({ due: input(e) })} />
        </label>
      )}
      {f.kind === 'quota' && (
        <label>
          每年至少条数
          <input type="number" min={1} max={100} required value={f.minCount} onInput={(e) => set({ minCount: Number(input(e)) })} />
        </label>
      )}
      <label>
        提醒：截止前天数（空格分隔）
        <input value={f.reminderDays} onInput={(e) => set({ reminderDays: input(e) })} />
      </label>
      <label>
        截止后仍接收的天数（宽限期）
        <input type="number" min={0} max={365} value={f.gracePeriodDays} onInput={(e) => set({ gracePeriodDays: Number(input(e)) })} />
      </label>
      <label>
        节假日规则
        <select value={f.holidayRule} onChange={(e) => set({ holidayRule: (e.target as HTMLSelectElement).value as typeof f.holidayRule })}>
          <option value="next-workday">遇节假日顺延至下一工作日</option>
          <option value="none">不顺延</option>
        </select>
      </label>
      <label>
        文件大小上限（MB）
        <input type="number" min={0.1} step={0.1} value={f.maxMb} onInput={(e) => set({ maxMb: Number(input(e)) })} />
      </label>
      <fieldset>
        <legend>允许的文件类型</legend>
        {FILE_TYPES.map((t) => (
          <label key={t} class="inline check">
            <input
              type="checkbox"
              checked={f.allowedTypes.includes(t)}
              onChange={(e) =>
                set({
                  allowedTypes: (e.target as HTMLInputElement).checked
                    ? [...f.allowedTypes, t]
                    : f.allowedTypes.filter((y) => y !== t),
                })
              }
            />
            .{t}
          </label>
        ))}
      </fieldset>
      <label class="inline">
        <input type="checkbox" checked={f.active} onChange={(e) => set({ active: (e.target as HTMLInputElement).checked })} /> 启用
      </label>
      <p>适用单位：{appliesText(ob?.appliesTo ?? 'all')}</p>
      <p>
        <button type="submit" class="primary">
          保存
        </button>
      </p>
      <div aria-live="polite">{msg && <p class="ok">{msg}</p>}</div>
      {err !== null && <Problem error={err} />}
    </form>
  );
}

export function SettingsPage() {
  const r = useLoad(() => api.get<Settings>('/v1/settings'), []);
  return (
    <section>
      <h1>设置</h1>
      <Show r={r}>{(s) => <SettingsForm s={s} />}</Show>
    </section>
  );
}

function SettingsForm({ s }: { s: Settings }) {
  const [f, setF] = useState(s);
  const [err, setErr] = useState<unknown>(null);
  const [msg, setMsg] = useState('');
  const set = (p: Partial<Settings>) => setF({ ...f, ...p });
  const contacts = f.officeContacts;
  const save = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    setMsg('');
    const body: SettingsBody = {
      ...f,
      officeContacts: contacts.map((c) => ({
        name: c.name,
        ...(c.email ? { email: c.email } : {}),
        ...(c.phone ? { phone: c.phone } : {}),
      })),
    };
    try {
      await api.send('PUT', '/v1/settings', body);
      setMsg('已保存。');
    } catch (x) {
      setErr(x);
    }
  };
  const setContact = (i: number, p: Partial<Settings['officeContacts'][number]>) =>
    set({ officeContacts: contacts.map((c, j) => (j === i ? { ...c, ...p } : c)) });
  return (
    <form class="card" onSubmit={save}>
      <h2>法制办联系人（接收每日逾期汇总）</h2>
      {contacts.map((c, i) => (
        <fieldset key={`c${i}`} class="contact">
          <legend>联系人 {i + 1}</legend>
          <label>
            姓名
            <input required value={c.name} onInput={(e) => setContact(i, { name: input(e) })} />
          </label>
          <label>
            邮箱
            <input type="email" value={c.email ?? ''} onInput={(e) => setContact(i, { email: input(e) })} />
          </label>
          <label>
            手机
            <input type="tel" value={c.phone ?? ''} onInput={(e) => setContact(i, { phone: input(e) })} />
          </label>
          <button type="button" class="link" onClick={() => set({ officeContacts: contacts.filter((_, j) => j !== i) })}>
            删除
          </button>
        </fieldset>
      ))}
      <p>
        <button type="button" onClick={() => set({ officeContacts: [...contacts, { name: '' }] })}>
          添加联系人
        </button>
      </p>
      <label>
        短信签名（如【区法制办】）
        <input required value={f.smsSignature} onInput={(e) => set({ smsSignature: input(e) })} />
      </label>
      <label>
        发件邮箱
        <input type="email" required value={f.senderEmail} onInput={(e) => set({ senderEmail: input(e) })} />
      </label>
      <label>
        邮件发送速率（封/秒）
        <input type="number" min={0.1} step={0.1} value={f.sesRatePerSecond} onInput={(e) => set({ sesRatePerSecond: Number(input(e)) })} />
      </label>
      <label>
        考核：逾期每工作日扣分
        <input type="number" min={0} max={100} value={f.latePenaltyPerDay} onInput={(e) => set({ latePenaltyPerDay: Number(input(e)) })} />
      </label>
      <label>
        考核：逾期最低得分
        <input type="number" min={0} max={100} value={f.lateFloor} onInput={(e) => set({ lateFloor: Number(input(e)) })} />
      </label>
      <p>
        <button type="submit" class="primary">
          保存设置
        </button>
      </p>
      <div aria-live="polite">{msg && <p class="ok">{msg}</p>}</div>
      {err !== null && <Problem error={err} />}
    </form>
  );
}

const SOURCE_ZH: Record<CalendarYear['source'], string> = {
  package: '国务院节假日安排（内置数据）',
  office: '法制办录入',
  provisional: '暂定（仅周末和固定节日）',
};

export function CalendarPage() {
  const years = [thisYear() - 1, thisYear(), thisYear() + 1];
  const r = useLoad(() => Promise.all(years.map((y) => api.get<CalendarYear>(`/v1/calendar/${y}`))), []);
  const [edit, setEdit] = useState<number | null>(null);
  return (
    <section>
      <h1>日历</h1>
      <Show r={r}>
        {(cals) => {
          const next = cals.find((c) => c.year === thisYear() + 1);
          return (
            <>
              {next?.source === 'provisional' && (
                <p class="warning" role="alert">
                  {next.year}年的节假日安排尚未录入，目前按暂定日历（仅周末和元旦、劳动节、国庆节）计算截止日期。国务院公布安排后请在此录入。
                </p>
              )}
              <div class="table-wrap">
                <table class="table">
                  <thead>
                    <tr>
                      <th scope="col">年度</th>
                      <th scope="col">来源</th>
                      <th scope="col">节假日（天）</th>
                      <th scope="col">调休上班日</th>
                      <th scope="col">操作</th>
                    </tr>
                  </thead>
                  <tbody>
                    {cals.map((c) => (
                      <tr key={c.year}>
                        <td>{c.year}年</td>
                        <td class={c.source === 'provisional' ? 'late' : ''}>{SOURCE_ZH[c.source]}</td>
                        <td>{c.holidays.length}</td>
                        <td>{c.workdays.map(monthDay).join('、')}</td>
                        <td>
                          <button type="button" class="small" onClick={() => setEdit(c.year)}>
                            录入 / 修改
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {edit !== null && (
                <CalendarForm
                  key={edit}
                  cal={cals.find((c) => c.year === edit)!}
                  onSaved={() => {
                    setEdit(null);
                    r.reload();
                  }}
                />
              )}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function CalendarForm({ cal, onSaved }: { cal: CalendarYear; onSaved: () => void }) {
  const [holidays, setHolidays] = useState(cal.holidays.join('\n'));
  const [workdays, setWorkdays] = useState(cal.workdays.join('\n'));
  const [err, setErr] = useState<unknown>(null);
  const ref = useFocus();
  const save = async (e: Event) => {
    e.preventDefault();
    const split = (s: string) => s.split(/[\s,，、]+/).filter(Boolean);
    const body: CalendarBody = { holidays: split(holidays), workdays: split(workdays) };
    try {
      await api.send('PUT', `/v1/calendar/${cal.year}`, body);
      onSaved();
    } catch (x) {
      setErr(x);
    }
  };
  return (
    <form class="card" onSubmit={save}>
      <h2 ref={ref} tabIndex={-1}>
        录入{cal.year}年节假日安排
      </h2>
      <label>
        放假日期（每行一个，YYYY-MM-DD）
        <textarea rows={8} value={holidays} onInput={(e) => setHolidays((e.target as HTMLTextAreaElement).value)} />
      </label>
      <label>
        调休上班日期（周末上班，每行一个）
        <textarea rows={4} value={workdays} onInput={(e) => setWorkdays((e.target as HTMLTextAreaElement).value)} />
      </label>
      <button type="submit" class="primary">
        保存
      </button>
      {err !== null && <Problem error={err} />}
    </form>
  );
}

function useFocus() {
  const [el, setEl] = useState<HTMLElement | null>(null);
  useEffect(() => el?.focus(), [el]);
  return setEl;
}
