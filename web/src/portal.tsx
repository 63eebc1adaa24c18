// The units' portal: 我的报送事项 for a year, one slot (upload, versions), 回执, 单位信息.
import { useEffect, useState } from 'preact/hooks';
import { api, explain } from './api';
import {
  daysBetween,
  fileSize,
  localTime,
  longDate,
  monthDay,
  periodLabel,
  receiptNo,
  SUBMISSION_ZH,
  shanghaiDay,
  thisYear,
  timing,
  workingDaysAfter,
} from './format';
import { href, type Route } from './route';
import type {
  CalendarYear,
  Contact,
  ContactsBody,
  DeclaredEvent,
  DutyEventView,
  EventBody,
  Obligation,
  ObligationExtras,
  Page,
  SlotView,
  SubmissionDetail,
  SubmissionView,
  UploadRequest,
  UploadTicket,
  Unit,
} from './types';
import { allPages, Problem, Show, StateBadge, useLoad } from './ui';
import { awaitReceipt, checkFile, contentTypeOf, postFile } from './upload';

type Ob = Obligation & ObligationExtras;
type Ctx = { slots: SlotView[]; obligations: Map<string, Ob>; calendars: Map<number, CalendarYear> };

async function loadPortal(unitId: string, year: number): Promise<Ctx> {
  const years = [...new Set([year, thisYear()])];
  const [slots, obligations, cals] = await Promise.all([
    allPages((c) =>
      api.get<Page<SlotView>>(`/v1/units/${unitId}/slots?year=${year}${c ? `&cursor=${encodeURIComponent(c)}` : ''}`),
    ),
    allPages((c) => api.get<Page<Ob>>(`/v1/obligations${c ? `?cursor=${encodeURIComponent(c)}` : ''}`)),
    Promise.all(years.map((y) => api.get<CalendarYear>(`/v1/calendar/${y}`))),
  ]);
  slots.sort((a, b) => a.effectiveDeadline.localeCompare(b.effectiveDeadline) || a.obligationId.localeCompare(b.obligationId));
  return {
    slots,
    obligations: new Map(obligations.map((o) => [o.obligationId, o])),
    calendars: new Map(cals.map((c) => [c.year, c])),
  };
}

const UPLOADABLE = new Set(['open', 'overdue', 'returned', 'submitted']);
const latestReceived = (s: SlotView) =>
  [...s.submissions].reverse().find((x) => x.state !== 'awaiting-upload' && x.state !== 'rejected');

/** A slot's period as a liaison reads it: an event's document title, or 2026年第四季度 and the like. */
const slotPeriod = (s: SlotView) =>
  s.event ? `${s.event.title}${s.event.ref ? `（${s.event.ref}）` : ''}` : periodLabel(s.period);

/** 签收: the unit signs for the request (报送通知); once signed, when. */
function SignFor({ slot, onSigned }: { slot: SlotView; onSigned?: () => void }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  if (slot.acknowledgedAt) return <dd class="signed">已签收（{localTime(slot.acknowledgedAt)}）</dd>;
  const sign = async () => {
    setBusy(true);
    setErr(null);
    try {
      await api.send('POST', `/v1/slots/${slot.obligationId}/${encodeURIComponent(slot.period)}/${slot.unitId}/acknowledge`, undefined);
      onSigned?.();
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dd>
      未签收{' '}
      {onSigned && (
        <button type="button" class="small" disabled={busy} onClick={sign}>
          签收
        </button>
      )}
      {err !== null && <Problem error={err} />}
    </dd>
  );
}

/** The lines that explain a slot's timing, as a liaison needs them. */
function SlotFacts({ slot, ctx, onSigned }: { slot: SlotView; ctx: Ctx; onSigned?: () => void }) {
  const today = shanghaiDay();
  const eff = slot.effectiveDeadline;
  const last = latestReceived(slot);
  const returned = slot.state === 'returned' ? last?.review : undefined;
  const resubmitBy = slot.resubmitBy ?? returned?.resubmitBy;
  const left = daysBetween(today, eff);
  return (
    <dl class="facts">
      {slot.event && (
        <>
          <dt>发布日期</dt>
          <dd>{longDate(slot.event.occurredOn)}</dd>
        </>
      )}
      <dt>截止日期</dt>
      <dd>
        <strong class="deadline">{longDate(eff)}</strong>
        {slot.extendedUntil ? (
          <span class="note"> 已延期（原定{monthDay(slot.deadline)}）</span>
        ) : eff !== slot.deadline ? (
          <span class="note"> 原定{monthDay(slot.deadline)}，遇节假日顺延</span>
        ) : null}
      </dd>
      {slot.state === 'open' && (
        <>
          <dt>剩余</dt>
          <dd>{left === 0 ? '今天截止' : `还剩 ${left} 天`}</dd>
        </>
      )}
      {slot.state === 'overdue' && (
        <>
          <dt>逾期</dt>
          <dd class="late">已逾期 {workingDaysAfter(eff, today, ctx.calendars)} 个工作日，请尽快报送</dd>
        </>
      )}
      {slot.onTime !== null && (
        <>
          <dt>报送情况</dt>
          <dd class={slot.onTime ? '' : 'late'}>{timing(slot.onTime, slot.lateDays)}</dd>
        </>
      )}
      {slot.minCount !== undefined && (
        <>
          <dt>完成进度</dt>
          <dd>
            <progress max={slot.minCount} value={Math.min(slot.count ?? 0, slot.minCount)} aria-label="完成进度" />{' '}
            {slot.count ?? 0}/{slot.minCount} 条
          </dd>
        </>
      )}
      <dt>签收</dt>
      <SignFor slot={slot} onSigned={onSigned} />
      {returned && (
        <>
          <dt>退回意见</dt>
          <dd class="returned">
            {returned.comment || '（无）'}
            {resubmitBy && <div>请于 {longDate(resubmitBy)} 前重新报送</div>}
          </dd>
        </>
      )}
    </dl>
  );
}

function SlotList({ unitId, year }: { unitId: string; year: number }) {
  const r = useLoad(() => loadPortal(unitId, year), [unitId, year]);
  const years = [thisYear() + 1, thisYear(), thisYear() - 1];
  return (
    <section>
      <div class="heading">
        <h1>我的报送事项</h1>
        <a class="button" href="#/e">
          报备规范性文件
        </a>
        <label class="inline">
          年度
          <select
            value={year}
            onChange={(e) => {
              location.hash = `#/u?year=${(e.target as HTMLSelectElement).value}`;
            }}
          >
            {years.map((y) => (
              <option key={y} value={y}>
                {y}年
              </option>
            ))}
          </select>
        </label>
      </div>
      <Show r={r}>
        {(ctx) =>
          ctx.slots.length === 0 ? (
            <p>{year}年暂无报送事项。</p>
          ) : (
            <ul class="slots">
              {ctx.slots.map((s) => (
                <li key={`${s.obligationId}/${s.period}`} class={`slot card st-${s.state}`}>
                  <div class="slot-head">
                    <h2>
                      <a href={href('u', s.obligationId, s.period)}>
                        {ctx.obligations.get(s.obligationId)?.name ?? s.obligationId}
                      </a>
                      <span class="period">{slotPeriod(s)}</span>
                    </h2>
                    <StateBadge state={s.state} />
                  </div>
                  <SlotFacts slot={s} ctx={ctx} onSigned={r.reload} />
                  <a class="button" href={href('u', s.obligationId, s.period)}>
                    {UPLOADABLE.has(s.state) ? '报送 / 查看' : '查看'}
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

type UploadState =
  | { step: 'idle' }
  | { step: 'refused'; message: string }
  | { step: 'sending'; pct: number; name: string }
  | { step: 'waiting'; name: string }
  | { step: 'done'; sub: SubmissionDetail }
  | { step: 'failed'; message: string };

function Uploader({ ob, slot, onDone }: { ob: Ob; slot: SlotView; onDone: () => void }) {
  const [st, setSt] = useState<UploadState>({ step: 'idle' });
  const [drag, setDrag] = useState(false);
  const busy = st.step === 'sending' || st.step === 'waiting';
  const send = async (file: File) => {
    const refused = checkFile(file, ob);
    if (refused) return setSt({ step: 'refused', message: refused });
    try {
      setSt({ step: 'sending', pct: 0, name: file.name });
      const contentType = contentTypeOf(file);
      const req: UploadRequest = {
        obligationId: slot.obligationId,
        period: slot.period,
        fileName: file.name,
        contentType,
        size: file.size,
      };
      const ticket = await api.send<UploadTicket>('POST', '/v1/uploads', req);
      await postFile(ticket, file, contentType, (pct) => setSt({ step: 'sending', pct, name: file.name }));
      setSt({ step: 'waiting', name: file.name });
      const sub = await awaitReceipt(ticket.submissionId);
      setSt({ step: 'done', sub });
      onDone();
    } catch (e) {
      setSt({ step: 'failed', message: explain(e) });
    }
  };
  const pick = (files: FileList | null | undefined) => {
    const f = files?.[0];
    if (f && !busy) send(f);
  };
  return (
    <section class="card upload" aria-labelledby="up-h">
      <h2 id="up-h">{slot.minCount !== undefined ? '报送一条记录' : slot.submissions.length ? '报送新版本' : '报送文件'}</h2>
      <p class="hint">
        接收 {ob.allowedTypes.map((t) => `.${t}`).join('、')}，单个文件不超过 {fileSize(ob.maxBytes)}。
      </p>
      <section
        aria-label="拖放文件到此处上传"
        class={`drop${drag ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDrag(true);
        }}
        onDragLeave={() => setDrag(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDrag(false);
          pick(e.dataTransfer?.files);
        }}
      >
        <label class="button primary">
          选择文件
          <input
            type="file"
            class="visually-hidden"
            disabled={busy}
            accept={ob.allowedTypes.map((t) => `.${t}`).join(',')}
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              pick(input.files);
              input.value = '';
            }}
          />
        </label>
        <span> 或将文件拖到此处</span>
      </section>
      <div aria-live="polite" class="upload-status">
        {st.step === 'refused' && (
          <p class="problem" role="alert">
            {st.message}
          </p>
        )}
        {st.step === 'sending' && (
          <p>
            正在上传 {st.name}：<progress max={100} value={st.pct} aria-label="上传进度" />{' '}
            <span class="pct">{st.pct}%</span>
          </p>
        )}
        {st.step === 'waiting' && (
          <p>
            <progress max={100} value={100} aria-label="上传进度" /> <span class="pct">100%</span>{' '}
            已上传 {st.name}，正在核验文件并生成回执…
          </p>
        )}
        {st.step === 'failed' && (
          <p class="problem" role="alert">
            {st.message}
          </p>
        )}
        {st.step === 'done' &&
          (st.sub.state === 'rejected' ? (
            <p class="problem rejected" role="alert">
              文件未被接收：{st.sub.rejectReason ?? '文件不符合要求'}
            </p>
          ) : (
            <div class="ok" role="status">
              <p>报送成功，回执如下。</p>
              <ReceiptBody sub={st.sub} />
              <a href={href('r', st.sub.submissionId)}>打印回执</a>
            </div>
          ))}
      </div>
    </section>
  );
}

function ReceiptBody({ sub }: { sub: SubmissionDetail | SubmissionView }) {
  return (
    <dl class="receipt-fields">
      <dt>回执编号</dt>
      <dd class="receipt-no">{receiptNo(sub.submissionId, sub.receivedAt)}</dd>
      <dt>文件名</dt>
      <dd>{sub.fileName}</dd>
      <dt>大小</dt>
      <dd>
        {sub.size < 1024 ? fileSize(sub.size) : `${fileSize(sub.size)}（${sub.size} 字节）`}
      </dd>
      <dt>SHA-256</dt>
      <dd class="hash">{sub.sha256}</dd>
      <dt>接收时间</dt>
      <dd>{localTime(sub.receivedAt)}</dd>
      <dt>是否按时</dt>
      <dd>{timing(sub.onTime, sub.lateDays)}</dd>
    </dl>
  );
}

function Versions({ slot }: { slot: SlotView }) {
  if (slot.submissions.length === 0) return null;
  return (
    <section class="card" aria-labelledby="v-h">
      <h2 id="v-h">报送记录</h2>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">版本</th>
            <th scope="col">文件</th>
            <th scope="col">状态</th>
            <th scope="col">接收时间</th>
            <th scope="col">回执</th>
          </tr>
        </thead>
        <tbody>
          {[...slot.submissions].reverse().map((s, i, all) => (
            <tr key={s.submissionId}>
              <td>第 {all.length - i} 版</td>
              <td>
                {s.fileName}
                <div class="sub">{fileSize(s.size)}</div>
              </td>
              <td>
                {SUBMISSION_ZH[s.state]}
                {s.rejectReason && <div class="sub late">{s.rejectReason}</div>}
                {s.review?.comment && <div class="sub">意见：{s.review.comment}</div>}
              </td>
              <td>{localTime(s.receivedAt)}</td>
              <td>{s.receivedAt && s.state !== 'rejected' ? <a href={href('r', s.submissionId)}>回执</a> : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** 附件模板: the forms the office attached, downloaded through the API (302 to a short-lived link). */
function Templates({ slot }: { slot: SlotView }) {
  const [err, setErr] = useState<unknown>(null);
  const list = slot.templates ?? [];
  if (list.length === 0) return null;
  return (
    <div>
      <h2>附件模板</h2>
      <ul class="templates">
        {list.map((t) => (
          <li key={t.name}>
            <button
              type="button"
              class="link"
              onClick={() => {
                setErr(null);
                api.download(t.url, t.name).catch(setErr);
              }}
            >
              {t.name}
            </button>{' '}
            <span class="sub">{fileSize(t.size)}</span>
          </li>
        ))}
      </ul>
      {err !== null && <Problem error={err} />}
    </div>
  );
}

function SlotPage({ unitId, obligationId, period }: { unitId: string; obligationId: string; period: string }) {
  const year = Number(period.slice(0, 4));
  const r = useLoad(() => loadPortal(unitId, year), [unitId, year]);
  return (
    <section>
      <p>
        <a href={`#/u?year=${year}`}>← 我的报送事项</a>
      </p>
      <Show r={r}>
        {(ctx) => {
          const slot = ctx.slots.find((s) => s.obligationId === obligationId && s.period === period);
          const ob = ctx.obligations.get(obligationId);
          if (!slot || !ob)
            return (
              <p class="problem" role="alert">
                未找到该报送事项（{obligationId} {period}）。
              </p>
            );
          return (
            <>
              <div class="heading">
                <h1>
                  {ob.name} <span class="period">{slotPeriod(slot)}</span>
                </h1>
                <StateBadge state={slot.state} />
              </div>
              <div class="card">
                <SlotFacts slot={slot} ctx={ctx} onSigned={r.reload} />
                {ob.instructions && (
                  <div class="instructions">
                    <h2>报送说明</h2>
                    <p>{ob.instructions}</p>
                  </div>
                )}
                <Templates slot={slot} />
              </div>
              {UPLOADABLE.has(slot.state) ? (
                <Uploader ob={ob} slot={slot} onDone={r.reload} />
              ) : (
                <p class="card">
                  {slot.state === 'accepted'
                    ? '本期报送已通过审核。'
                    : slot.state === 'waived'
                      ? '本期已免报。'
                      : '本期已截止，不再接收报送。如有特殊情况请联系区法制办。'}
                </p>
              )}
              <Versions slot={slot} />
            </>
          );
        }}
      </Show>
    </section>
  );
}

/** 回执: one version's receipt, printable (print CSS hides everything else). */
export function ReceiptPage({ submissionId }: { submissionId: string }) {
  const r = useLoad(() => api.get<SubmissionDetail>(`/v1/submissions/${submissionId}`), [submissionId]);
  return (
    <Show r={r}>
      {(sub) => (
        <section class="receipt card">
          <h1>报送回执</h1>
          <p>
            报送事项：{sub.obligationId} · {periodLabel(sub.period)} · 报送单位：{sub.unitId}
          </p>
          {sub.state === 'rejected' ? (
            <p class="problem">文件未被接收：{sub.rejectReason}</p>
          ) : (
            <ReceiptBody sub={sub} />
          )}
          <p class="no-print actions">
            <button type="button" class="primary" onClick={() => print()}>
              打印回执
            </button>
            {sub.downloadUrl && (
              <a class="button" href={sub.downloadUrl} download={sub.fileName}>
                下载报送文件
              </a>
            )}
            <a href={href('u', sub.obligationId, sub.period)}>返回该事项</a>
          </p>
        </section>
      )}
    </Show>
  );
}

function UnitInfo({ unitId }: { unitId: string }) {
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [name, setName] = useState('');
  const [msg, setMsg] = useState('');
  const [err, setErr] = useState<unknown>(null);
  useEffect(() => {
    // Reading a unit is the office's (SPEC §5); when the API lets a unit read its own, it is shown.
    api.get<Unit>(`/v1/units/${unitId}`).then(
      (u) => {
        setName(u.name);
        setContacts(u.contacts);
      },
      () => setContacts([]),
    );
  }, [unitId]);
  const save = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    setMsg('');
    try {
      const body: ContactsBody = (contacts ?? []).map((c) => ({
        role: c.role,
        name: c.name,
        ...(c.email ? { email: c.email } : {}),
        ...(c.phone ? { phone: c.phone } : {}),
      }));
      const u = await api.send<Unit>('PUT', `/v1/units/${unitId}/contacts`, body);
      setName(u.name);
      setContacts(u.contacts);
      setMsg('联系人已保存。');
    } catch (x) {
      setErr(x);
    }
  };
  return (
    <section>
      <h1>单位信息</h1>
      <p>
        {name && `${name} · `}单位编号：{unitId}
      </p>
      {contacts === null ? (
        <p class="loading">正在加载…</p>
      ) : (
        <form class="card" onSubmit={save}>
          <h2>联系人</h2>
          <p class="hint">联络员接收报送提醒和回执，负责人接收逾期催告。人员变动时请及时更新；保存后替换全部联系人。</p>
          <ContactsEditor contacts={contacts} onChange={setContacts} />
          <p>
            <button type="submit" class="primary">
              保存联系人
            </button>
          </p>
          {msg && <p role="status">{msg}</p>}
          {err !== null && <Problem error={err} />}
        </form>
      )}
    </section>
  );
}

export function ContactsEditor({ contacts, onChange }: { contacts: Contact[]; onChange: (c: Contact[]) => void }) {
  const set = (i: number, patch: Partial<Contact>) =>
    onChange(contacts.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <div class="contacts">
      {contacts.map((c, i) => (
        <fieldset key={i} class="contact">
          <legend>联系人 {i + 1}</legend>
          <label>
            角色
            <select value={c.role} onChange={(e) => set(i, { role: (e.target as HTMLSelectElement).value as Contact['role'] })}>
              <option value="liaison">联络员</option>
              <option value="leader">负责人</option>
            </select>
          </label>
          <label>
            姓名
            <input required value={c.name} onInput={(e) => set(i, { name: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            邮箱
            <input type="email" value={c.email ?? ''} onInput={(e) => set(i, { email: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            手机（+86…）
            <input
              type="tel"
              pattern="^\+[1-9]\d{6,14}$"
              value={c.phone ?? ''}
              onInput={(e) => set(i, { phone: (e.target as HTMLInputElement).value })}
            />
          </label>
          <button type="button" class="link" onClick={() => onChange(contacts.filter((_, j) => j !== i))}>
            删除
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => onChange([...contacts, { role: 'liaison', name: '' }])}>
        添加联系人
      </button>
    </div>
  );
}

/** 文件报备: the unit declares a normative document it published (an `event` duty); its slots open at once. */
function EventsPage({ unitId, year }: { unitId: string; year: number }) {
  const r = useLoad(
    async () => {
      const [events, obligations] = await Promise.all([
        allPages((c) =>
          api.get<Page<DutyEventView>>(
            `/v1/units/${unitId}/events?year=${year}${c ? `&cursor=${encodeURIComponent(c)}` : ''}`,
          ),
        ),
        allPages((c) => api.get<Page<Ob>>(`/v1/obligations${c ? `?cursor=${encodeURIComponent(c)}` : ''}`)),
      ]);
      // What a unit declares: event duties no other duty opens as its follow-up (e.g. 规范性文件备案,
      // whose 周年报告 follows by itself).
      const followUps = new Set(
        obligations.flatMap((o) => (o.kind === 'event' ? (o.followUps ?? []).map((f) => f.obligationId) : [])),
      );
      const kinds = obligations.filter((o) => o.kind === 'event' && o.active !== false && !followUps.has(o.obligationId));
      return { events, kinds, names: new Map(obligations.map((o) => [o.obligationId, o.name])) };
    },
    [unitId, year],
  );
  const today = shanghaiDay();
  const [form, setForm] = useState({ obligationId: '', title: '', ref: '', occurredOn: '' });
  const [err, setErr] = useState<unknown>(null);
  const [done, setDone] = useState<DeclaredEvent | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  const submit = async (e: Event, fallback: string) => {
    e.preventDefault();
    setErr(null);
    setDone(null);
    setBusy(true);
    try {
      const body: EventBody = {
        obligationId: form.obligationId || fallback,
        occurredOn: form.occurredOn,
        title: form.title.trim(),
        ...(form.ref.trim() ? { ref: form.ref.trim() } : {}),
      };
      setDone(await api.send<DeclaredEvent>('POST', `/v1/units/${unitId}/events`, body));
      setForm({ ...form, title: '', ref: '', occurredOn: '' });
      r.reload();
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <p>
        <a href="#/u">← 我的报送事项</a>
      </p>
      <h1>报备规范性文件</h1>
      <Show r={r}>
        {(ctx) => (
          <>
            {ctx.kinds.length === 0 ? (
              <p>目前没有需要报备的事项。</p>
            ) : (
              <form class="card" onSubmit={(e) => submit(e, ctx.kinds[0]!.obligationId)}>
                <p class="hint">本单位制发的规范性文件，请在发布后按时限报备；提交后即生成报送事项（含周年情况报告）。</p>
                <label>
                  报备事项
                  <select value={form.obligationId || ctx.kinds[0]!.obligationId} onChange={(e) => set({ obligationId: (e.target as HTMLSelectElement).value })}>
                    {ctx.kinds.map((o) => (
                      <option key={o.obligationId} value={o.obligationId}>
                        {o.name}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  文件标题
                  <input required maxLength={200} value={form.title} onInput={(e) => set({ title: (e.target as HTMLInputElement).value })} />
                </label>
                <label>
                  文号（选填）
                  <input maxLength={100} placeholder="如 城政发〔2026〕3号" value={form.ref} onInput={(e) => set({ ref: (e.target as HTMLInputElement).value })} />
                </label>
                <label>
                  发布日期
                  <input type="date" required max={today} value={form.occurredOn} onInput={(e) => set({ occurredOn: (e.target as HTMLInputElement).value })} />
                </label>
                <p>
                  <button type="submit" class="primary" disabled={busy}>
                    报备
                  </button>
                </p>
                {err !== null && <Problem error={err} />}
                {done && (
                  <div class="ok" role="status">
                    <p>已报备《{done.title}》，生成以下报送事项：</p>
                    <ul>
                      {done.slots.map((s) => (
                        <li key={s.obligationId}>
                          <a href={href('u', s.obligationId, s.period)}>{ctx.names.get(s.obligationId) ?? s.obligationId}</a>：请于{' '}
                          {longDate(s.effectiveDeadline)} 前报送
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
              </form>
            )}
            <h2>{year}年已报备的文件</h2>
            {ctx.events.length === 0 ? (
              <p>暂无。</p>
            ) : (
              <table class="table events">
                <thead>
                  <tr>
                    <th scope="col">发布日期</th>
                    <th scope="col">文件标题</th>
                    <th scope="col">文号</th>
                    <th scope="col">报备事项</th>
                  </tr>
                </thead>
                <tbody>
                  {ctx.events.map((ev) => (
                    <tr key={ev.eventId}>
                      <td>{ev.occurredOn}</td>
                      <td>
                        <a href={href('u', ev.obligationId, ev.eventId)}>{ev.title}</a>
                      </td>
                      <td>{ev.ref ?? ''}</td>
                      <td>{ctx.names.get(ev.obligationId) ?? ev.obligationId}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

export function Portal({ unitId, route }: { unitId: string; route: Route }) {
  const [a, b, c] = route.parts;
  if (a === 'r' && b) return <ReceiptPage submissionId={b} />;
  if (a === 'unit') return <UnitInfo unitId={unitId} />;
  if (a === 'e') return <EventsPage unitId={unitId} year={Number(route.query.get('year')) || thisYear()} />;
  if (a === 'u' && b && c) return <SlotPage unitId={unitId} obligationId={b} period={c} />;
  if (a === undefined || a === 'u') return <SlotList unitId={unitId} year={Number(route.query.get('year')) || thisYear()} />;
  return <p class="problem">没有这个页面。</p>;
}
