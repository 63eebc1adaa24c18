// The office console (a lazy chunk: units never load it): 总览 board, a submission's review,
// 逾期, 考核, 单位, 事项, 设置, 日历.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from './api';
import {
  fileSize,
  localTime,
  longDate,
  monthDay,
  periodLabel,
  SLOT_STATES,
  STATE_ZH,
  SUBMISSION_ZH,
  shanghaiDay,
  thisYear,
  timing,
} from './format';
import { AssessmentPage, CalendarPage, ObligationPage, ObligationsPage, OverduePage, SettingsPage, UnitPage, UnitsPage } from './office-admin';
import { nearestPeriod, periodsOf } from './periods';
import { ReceiptPage } from './portal';
import { go, href, type Route } from './route';
import type {
  Board,
  BoardRow,
  ChaseRequest,
  ChaseResult,
  ExtensionRequest,
  Obligation,
  Page,
  ReviewRequest,
  SlotState,
  SubmissionDetail,
  WaiverRequest,
} from './types';
import { allPages, Dialog, Problem, Show, StateBadge, useLoad } from './ui';

const COLOURS: Record<SlotState, string> = {
  open: '#2f7bd1',
  overdue: '#d0342c',
  submitted: '#1b998b',
  returned: '#e08a00',
  accepted: '#2e9e4a',
  waived: '#8a96a3',
  closed: '#5c1a14',
};

export const loadObligations = () =>
  allPages((c) => api.get<Page<Obligation>>(`/v1/obligations${c ? `?cursor=${encodeURIComponent(c)}` : ''}`));

/** Counts by state as a small bar chart (SVG, no script), with the numbers written out. */
function CountsChart({ counts }: { counts: Board['counts'] }) {
  const max = Math.max(1, ...SLOT_STATES.map((s) => counts[s]));
  const rowH = 20;
  return (
    <figure class="card chart-card">
      <svg class="chart" width="360" height={SLOT_STATES.length * rowH + 4} role="img" aria-label="各状态单位数">
        {SLOT_STATES.map((s, i) => (
          <g key={s} transform={`translate(0 ${i * rowH + 2})`}>
            <text x="0" y="14" font-size="13" fill="#1d2733">
              {STATE_ZH[s]}
            </text>
            <rect x="110" y="3" height="13" width={Math.max(counts[s] ? 2 : 0, (counts[s] / max) * 200)} fill={COLOURS[s]} />
            <text x={116 + (counts[s] / max) * 200} y="14" font-size="13" fill="#1d2733">
              {counts[s]}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

type SortKey =
  | 'name'
  | 'state'
  | 'acknowledgedAt'
  | 'submittedAt'
  | 'lateDays'
  | 'escalationLevel'
  | 'remindersSent'
  | 'chaseCount';
const COLS: Array<[SortKey, string]> = [
  ['name', '单位'],
  ['state', '状态'],
  ['acknowledgedAt', '签收'],
  ['submittedAt', '首次报送'],
  ['lateDays', '按时 / 逾期'],
  ['escalationLevel', '催告级别'],
  ['remindersSent', '提醒'],
  ['chaseCount', '催报'],
];
/** Sorting by state puts what needs the office first: overdue, missing, returned, open, then the rest. */
const STATE_ORDER: Record<SlotState, number> = {
  overdue: 0,
  closed: 1,
  returned: 2,
  open: 3,
  submitted: 4,
  accepted: 5,
  waived: 6,
};

/** One collator for every comparison (`localeCompare` builds one per call: 10× slower on 2,000 rows). */
const ZH = new Intl.Collator('zh-CN');
/** Unit ids are ASCII (`[a-z0-9-]`): compared as the API orders them, with no collator. */
const byId = (a: BoardRow, b: BoardRow) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0);

/**
 * Each row's place among a board's rows by name (the collator's order, then unitId): the one
 * costly sort (thousands of Chinese collations), done once per board and kept with it.
 */
const nameRanks = new WeakMap<BoardRow[], Map<string, number>>();
export function nameRanksOf(items: BoardRow[]): Map<string, number> {
  let ranks = nameRanks.get(items);
  if (!ranks) {
    const sorted = [...items].sort((a, b) => ZH.compare(a.name, b.name) || byId(a, b));
    ranks = new Map(sorted.map((r, i) => [r.unitId, i]));
    nameRanks.set(items, ranks);
  }
  return ranks;
}

/**
 * `rows` (some of `all`, a board's rows) sorted by `key`, then by unitId. Each row's sort key is
 * computed once (a number, or an ASCII instant) and compared without a collator; names by their
 * rank among `all`.
 */
export function sortRows(rows: BoardRow[], key: SortKey, asc: boolean, all: BoardRow[] = rows): BoardRow[] {
  const ranks = key === 'name' ? nameRanksOf(all) : undefined;
  const keyOf = (r: BoardRow): string | number =>
    key === 'state'
      ? STATE_ORDER[r.state]
      : key === 'name'
        ? (ranks!.get(r.unitId) ?? -1)
        : key === 'submittedAt' || key === 'acknowledgedAt'
          ? (r[key] ?? '') // not yet: first
          : (r[key] ?? -1);
  const keyed = rows.map((row) => ({ k: keyOf(row), row }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : byId(a.row, b.row)));
  const out = keyed.map((x) => x.row);
  return asc ? out : out.reverse();
}

/** Rows drawn at once: a district's board fits; a city's (thousands) stays quick to sort and filter. */
const PAGE_ROWS = 200;

type Action =
  | { kind: 'extend'; row: BoardRow }
  | { kind: 'waive'; row: BoardRow }
  | { kind: 'return'; row: BoardRow };

function BoardTable({ board, onChanged }: { board: Board; onChanged: () => void }) {
  const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: 'state', asc: true });
  const [state, setState] = useState<SlotState | ''>('');
  const [q, setQ] = useState('');
  const [action, setAction] = useState<Action | null>(null);
  const [limit, setLimit] = useState(PAGE_ROWS);
  const [msg, setMsg] = useState('');
  const [err, setErr] = useState<unknown>(null);
  const rows = useMemo(() => {
    const f = board.items.filter((r) => (!state || r.state === state) && (!q || r.name.includes(q) || r.unitId.includes(q)));
    return sortRows(f, sort.key, sort.asc, board.items);
  }, [board, sort, state, q]);
  // The names' order, worked out while the page is idle, so that the first sort by name is quick too.
  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((f: () => void) => window.setTimeout(f, 200));
    idle(() => nameRanksOf(board.items));
  }, [board]);
  const slotPath = (r: BoardRow) => `/v1/slots/${board.obligationId}/${board.period}/${r.unitId}`;
  const run = async (what: string, f: () => Promise<unknown>) => {
    setErr(null);
    setMsg('');
    try {
      const said = await f();
      setMsg(typeof said === 'string' ? said : what);
      setAction(null);
      onChanged();
    } catch (e) {
      setErr(e);
    }
  };
  const chase = (unitId?: string) =>
    run(unitId ? '已催报。' : '已向全部未报送单位催报。', async () => {
      const body: ChaseRequest = { obligationId: board.obligationId, period: board.period, ...(unitId ? { unitId } : {}) };
      const r = await api.send<ChaseResult>('POST', '/v1/chase', body);
      return `催报已发出：${r.queued} 个单位。`;
    });
  const accept = (r: BoardRow) =>
    run('已通过。', () => {
      const body: ReviewRequest = { decision: 'accept' };
      return api.send('POST', `/v1/submissions/${r.latestSubmissionId}/review`, body);
    });
  return (
    <>
      <div class="toolbar">
        <label>
          按状态筛选
          <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value as SlotState | '')}>
            <option value="">全部状态</option>
            {SLOT_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_ZH[s]}（{board.counts[s]}）
              </option>
            ))}
          </select>
        </label>
        <label>
          搜索单位
          <input type="search" value={q} placeholder="单位名称" onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        </label>
        <button type="button" onClick={() => chase()}>
          催报全部未报送单位
        </button>
        <button
          type="button"
          onClick={() =>
            run('CSV 已下载。', async () => {
              await api.download(
                `/v1/status?obligationId=${board.obligationId}&period=${board.period}&format=csv`,
                `${board.name}-${board.period}.csv`,
              );
            })
          }
        >
          下载 CSV
        </button>
        <span class="hint" aria-live="polite">
          显示 {rows.length} / {board.items.length} 个单位
        </span>
      </div>
      <div aria-live="polite">
        {msg && (
          <p class="ok" role="status">
            {msg}
          </p>
        )}
        {err !== null && <Problem error={err} />}
      </div>
      <div class="table-wrap">
        <table class="table board">
          <thead>
            <tr>
              {COLS.map(([k, label]) => (
                <th key={k} scope="col" aria-sort={sort.key === k ? (sort.asc ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" onClick={() => setSort({ key: k, asc: sort.key === k ? !sort.asc : true })}>
                    {label}
                    {sort.key === k ? (sort.asc ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, limit).map((r) => (
              <tr key={r.unitId} data-unit={r.unitId}>
                <td>
                  <a href={href('o', 'units', r.unitId)}>{r.name}</a>
                </td>
                <td>
                  <StateBadge state={r.state} />
                  {r.extendedUntil && <div class="sub">延期至 {monthDay(r.extendedUntil)}</div>}
                </td>
                <td class="signed">{r.acknowledgedAt ? localTime(r.acknowledgedAt) : <span class="unsigned">未签收</span>}</td>
                <td>{localTime(r.submittedAt)}</td>
                <td class={r.onTime === false ? 'late' : ''}>{timing(r.onTime, r.lateDays)}</td>
                <td>{r.escalationLevel || ''}</td>
                <td>{r.remindersSent}</td>
                <td>{r.chaseCount}</td>
                <td class="row-actions">
                  {(r.state === 'open' || r.state === 'overdue' || r.state === 'returned') && (
                    <button type="button" class="small" onClick={() => chase(r.unitId)}>
                      催报
                    </button>
                  )}
                  {r.state !== 'accepted' && r.state !== 'waived' && (
                    <>
                      <button type="button" class="small" onClick={() => setAction({ kind: 'extend', row: r })}>
                        延期
                      </button>
                      <button type="button" class="small" onClick={() => setAction({ kind: 'waive', row: r })}>
                        免报
                      </button>
                    </>
                  )}
                  {r.state === 'submitted' && r.latestSubmissionId && (
                    <>
                      <button type="button" class="small" onClick={() => accept(r)}>
                        通过
                      </button>
                      <button type="button" class="small" onClick={() => setAction({ kind: 'return', row: r })}>
                        退回
                      </button>
                    </>
                  )}
                  {r.latestSubmissionId && (
                    <a class="small" href={href('o', 's', r.latestSubmissionId)}>
                      查看报送
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > limit && (
        <p class="actions">
          <span class="hint">
            已显示前 {limit} 个，共 {rows.length} 个
          </span>
          <button type="button" onClick={() => setLimit(limit + PAGE_ROWS)}>
            再显示 {Math.min(PAGE_ROWS, rows.length - limit)} 个
          </button>
          <button type="button" onClick={() => setLimit(rows.length)}>
            全部显示
          </button>
        </p>
      )}
      {action?.kind === 'extend' && (
        <ReasonDialog
          title={`延期：${action.row.name}`}
          withDate="延期至"
          minDate={shanghaiDay()}
          onClose={() => setAction(null)}
          onSubmit={(reason, until) =>
            run('已延期。', () => {
              const body: ExtensionRequest = { until: until!, reason };
              return api.send('POST', `${slotPath(action.row)}/extension`, body);
            })
          }
          error={err}
        />
      )}
      {action?.kind === 'waive' && (
        <ReasonDialog
          title={`免报：${action.row.name}`}
          onClose={() => setAction(null)}
          onSubmit={(reason) =>
            run('已免报。', () => {
              const body: WaiverRequest = { reason };
              return api.send('POST', `${slotPath(action.row)}/waiver`, body);
            })
          }
          error={err}
        />
      )}
      {action?.kind === 'return' && (
        <ReturnDialog
          name={action.row.name}
          onClose={() => setAction(null)}
          onSubmit={(body) => run('已退回修改。', () => api.send('POST', `/v1/submissions/${action.row.latestSubmissionId}/review`, body))}
          error={err}
        />
      )}
    </>
  );
}

function ReasonDialog(props: {
  title: string;
  withDate?: string;
  minDate?: string;
  onClose: () => void;
  onSubmit: (reason: string, date?: string) => void;
  error: unknown;
}) {
  const [reason, setReason] = useState('');
  const [date, setDate] = useState('');
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(reason, date || undefined);
        }}
      >
        {props.withDate && (
          <label>
            {props.withDate}
            <input type="date" required min={props.minDate} value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} />
          </label>
        )}
        <label>
          理由
          <textarea required maxLength={500} rows={3} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
        </label>
        {props.error !== null && props.error !== undefined && <Problem error={props.error} />}
        <p class="actions">
          <button type="submit" class="primary">
            确定
          </button>
          <button type="button" onClick={props.onClose}>
            取消
          </button>
        </p>
      </form>
    </Dialog>
  );
}

function ReturnDialog(props: { name: string; onClose: () => void; onSubmit: (b: ReviewRequest) => void; error: unknown }) {
  const [comment, setComment] = useState('');
  const [date, setDate] = useState('');
  return (
    <Dialog title={`退回修改：${props.name}`} onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit({ decision: 'return', comment, ...(date ? { resubmitBy: date } : {}) });
        }}
      >
        <label>
          退回意见
          <textarea required maxLength={2000} rows={4} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
        </label>
        <label>
          重新报送期限（不填则为 5 个工作日后）
          <input type="date" min={shanghaiDay()} value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} />
        </label>
        {props.error !== null && props.error !== undefined && <Problem error={props.error} />}
        <p class="actions">
          <button type="submit" class="primary">
            退回
          </button>
          <button type="button" onClick={props.onClose}>
            取消
          </button>
        </p>
      </form>
    </Dialog>
  );
}

/** One period's board, every page of it (the API pages by 5,000 units). */
export async function loadBoard(obligationId: string, period: string): Promise<Board> {
  const base = `/v1/status?obligationId=${encodeURIComponent(obligationId)}&period=${encodeURIComponent(period)}`;
  const first = await api.get<Board>(base);
  let items = first.items;
  let cursor = first.nextCursor;
  while (cursor) {
    const next = await api.get<Board>(`${base}&cursor=${encodeURIComponent(cursor)}`);
    items = items.concat(next.items);
    cursor = next.nextCursor;
  }
  return { ...first, items, nextCursor: undefined };
}

function BoardPage({ obligationId, period }: { obligationId?: string; period?: string }) {
  const obs = useLoad(loadObligations, []);
  const pick = useMemo(() => {
    if (obligationId && period) return { obligationId, period };
    return obs.data ? nearestPeriod(obs.data.filter((o) => o.active !== false), shanghaiDay()) : null;
  }, [obs.data, obligationId, period]);
  const board = useLoad(async () => (pick ? loadBoard(pick.obligationId, pick.period) : null), [
    pick?.obligationId,
    pick?.period,
  ]);
  const ob = obs.data?.find((o) => o.obligationId === pick?.obligationId);
  const year = pick ? Number(pick.period.slice(0, 4)) : thisYear();
  return (
    <section>
      <div class="heading">
        <h1>总览</h1>
      </div>
      <Show r={obs}>
        {(list) => (
          <div class="toolbar">
            <label>
              报送事项
              <select
                value={pick?.obligationId}
                onChange={(e) => {
                  const o = list.find((x) => x.obligationId === (e.target as HTMLSelectElement).value)!;
                  const ps = periodsOf(o, year);
                  const near = nearestPeriod([o], shanghaiDay());
                  go(href('o', 'board', o.obligationId, near?.period ?? ps[0]?.period ?? String(year)));
                }}
              >
                {list.map((o) => (
                  <option key={o.obligationId} value={o.obligationId}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
            {ob && (
              <label>
                期次
                <select value={pick?.period} onChange={(e) => go(href('o', 'board', ob.obligationId, (e.target as HTMLSelectElement).value))}>
                  {periodsOf(ob, year).map((p) => (
                    <option key={p.period} value={p.period}>
                      {periodLabel(p.period)}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
        )}
      </Show>
      <Show r={board}>
        {(b) =>
          b ? (
            <>
              <div class="stats">
                <CountsChart counts={b.counts} />
                <div class="card">
                  <h2>
                    {b.name} · {periodLabel(b.period)}
                  </h2>
                  <p>
                    截止：<strong class="deadline">{longDate(b.effectiveDeadline)}</strong>
                    {b.effectiveDeadline !== b.deadline && <span class="note"> 原定{monthDay(b.deadline)}，遇节假日顺延</span>}
                  </p>
                  <p>
                    按时率：<strong class="rate">{b.onTimeRate === null ? '—' : `${(b.onTimeRate * 100).toFixed(1)}%`}</strong>
                    <span class="hint">（已报送单位中按时报送的比例）</span>
                  </p>
                  <p>共 {b.items.length} 个单位</p>
                </div>
              </div>
              <BoardTable board={b} onChanged={board.reload} />
            </>
          ) : (
            <p>暂无报送事项。</p>
          )
        }
      </Show>
    </section>
  );
}

/** One submission, for the office: the receipt, the file, and the review. */
function SubmissionPage({ id }: { id: string }) {
  const r = useLoad(() => api.get<SubmissionDetail>(`/v1/submissions/${id}`), [id]);
  const [ret, setRet] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [msg, setMsg] = useState('');
  const review = async (body: ReviewRequest) => {
    setErr(null);
    try {
      await api.send('POST', `/v1/submissions/${id}/review`, body);
      setMsg(body.decision === 'accept' ? '已通过。' : '已退回修改。');
      setRet(false);
      r.reload();
    } catch (e) {
      setErr(e);
    }
  };
  return (
    <Show r={r}>
      {(s) => (
        <section>
          <p>
            <a href={href('o', 'board', s.obligationId, s.period)}>← 返回总览</a>
          </p>
          <h1>
            报送文件：{s.unitId} · {s.obligationId} · {periodLabel(s.period)}
          </h1>
          <div class="card">
            <dl class="receipt-fields">
              <dt>状态</dt>
              <dd class="sub-state">{SUBMISSION_ZH[s.state]}</dd>
              <dt>文件名</dt>
              <dd>{s.fileName}</dd>
              <dt>大小</dt>
              <dd>{fileSize(s.size)}</dd>
              <dt>SHA-256</dt>
              <dd class="hash">{s.sha256}</dd>
              <dt>接收时间</dt>
              <dd>{localTime(s.receivedAt)}</dd>
              <dt>是否按时</dt>
              <dd>{timing(s.onTime, s.lateDays)}</dd>
              {s.rejectReason && (
                <>
                  <dt>拒收原因</dt>
                  <dd>{s.rejectReason}</dd>
                </>
              )}
              {s.review && (
                <>
                  <dt>审核</dt>
                  <dd>
                    {s.review.decision === 'accept' ? '通过' : '退回'} · {localTime(s.review.at)}
                    {s.review.comment && <div>意见：{s.review.comment}</div>}
                    {s.review.resubmitBy && <div>重新报送期限：{longDate(s.review.resubmitBy)}</div>}
                  </dd>
                </>
              )}
            </dl>
            <p class="actions">
              {s.downloadUrl && (
                <a class="button" href={s.downloadUrl} download={s.fileName}>
                  下载文件
                </a>
              )}
              <a href={href('r', s.submissionId)}>回执</a>
              {s.state === 'received' && (
                <>
                  <button type="button" class="primary" onClick={() => review({ decision: 'accept' })}>
                    通过
                  </button>
                  <button type="button" onClick={() => setRet(true)}>
                    退回修改
                  </button>
                </>
              )}
            </p>
            <div aria-live="polite">{msg && <p class="ok">{msg}</p>}</div>
            {err !== null && !ret && <Problem error={err} />}
          </div>
          {ret && <ReturnDialog name={s.unitId} onClose={() => setRet(false)} onSubmit={review} error={err} />}
        </section>
      )}
    </Show>
  );
}

/** Office routes live under `#/o/…` (the digest links to `#/o/overdue`); `#/r/<id>` is a receipt. */
export function Office({ route }: { route: Route }) {
  const [a, b, c] = route.parts[0] === 'o' ? route.parts.slice(1) : route.parts;
  switch (a) {
    case undefined:
    case 'board':
      return <BoardPage key={`${b}/${c}`} obligationId={b} period={c} />;
    case 's':
      return b ? <SubmissionPage id={b} /> : null;
    case 'r':
      return b ? <ReceiptPage submissionId={b} /> : null;
    case 'overdue':
      return <OverduePage />;
    case 'assessment':
      return <AssessmentPage year={Number(b) || thisYear()} />;
    case 'units':
      return b ? <UnitPage unitId={b === 'new' ? null : b} year={Number(route.query.get('year')) || thisYear()} /> : <UnitsPage />;
    case 'obligations':
      return b ? <ObligationPage obligationId={b === 'new' ? null : b} /> : <ObligationsPage />;
    case 'settings':
      return <SettingsPage />;
    case 'calendar':
      return <CalendarPage />;
    default:
      return <p class="problem">没有这个页面。</p>;
  }
}

