// A whole year end to end on the local runtime: the seeded obligations, three units, and the
// very sweep and sender handlers run for every day of 2026 at 09:00 Asia/Shanghai (the
// pipeline's sweep() is what POST /dev/sweep runs). What lands in the SES and SMS stand-ins is
// compared with SPEC §3, worked out by hand from the 2026 holiday arrangement:
//
//   half-year-report, due 07-05 (Sunday) → effective 07-06 (Monday):
//     reminders 06-29 (offset 7), 07-03 (offsets 3 and 1 both fall on Friday 07-03 → one, offset 1,
//     with SMS), 07-06 (offset 0, SMS); leader (email + SMS) 07-07; office digest level 2 on 07-09;
//     cut-off 07-06 + 30 = 08-05, closed at the 08-06 sweep.
//   annual-plan 04-20 (Mon): 04-13, 04-17 (offset 1), 04-20; leader 04-21; level 2 on 04-23.
//   annual-summary 12-05 (Sat) → 12-07 (Mon): 11-30, 12-04 (offset 1), 12-07; leader 12-08.
//   law-study 12-31 (Thu): 12-24, 12-28, 12-30, 12-31.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifyPipeline, notifyPipeline, notifyPipelinePlugin } from '../../infra/local/notify-pipeline';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import { loadCalendar } from '../../shared/app/calendar';
import { addDays, eachDate, shanghaiDate } from '../../shared/domain/dates';
import type { Slot } from '../../shared/domain/model';
import { applySlotEvent } from '../../shared/domain/slotState';
import { setLogLevel } from '../../shared/adapters/logger';

type Sent = { day: string; channel: 'email' | 'sms'; to: string; subject: string; text: string };

const OFFICE = { email: 'office@fzb.example.gov.cn', phone: '+8613700000000' };
const unit = (id: string, name: string, n: number) => ({
  name,
  kind: 'town',
  tags: [],
  contacts: [
    {
      role: 'liaison',
      name: `联络员${n}`,
      email: `${id}.liaison@year.example.gov.cn`,
      phone: `+86138000100${n}0`,
    },
    {
      role: 'leader',
      name: `负责人${n}`,
      email: `${id}.leader@year.example.gov.cn`,
      phone: `+86139000100${n}0`,
    },
  ],
});

let rt: LocalRuntime;
let pipe: NotifyPipeline;
let token = '';
const sent: Sent[] = [];
const slotsSeen = new Map<string, Slot | null>(); // `${unitId}:${obligationId}:${day}` → after that day's sweep
const summaries: Array<{ day: string; digests: number; sent: { email: number; sms: number } }> = [];

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${rt.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const at9 = (day: string) => new Date(`${day}T09:00:00+08:00`);
const days = (pred: (s: Sent) => boolean) => sent.filter(pred).map((s) => s.day);

beforeAll(async () => {
  setLogLevel('ERROR');
  rt = await startLocal({ demoUnits: false, plugins: [notifyPipelinePlugin] });
  pipe = notifyPipeline(rt);
  rt.clock.set(new Date('2026-01-01T08:00:00+08:00'));
  token = await rt.tokens.issue({ role: 'office' });
  const settings = {
    officeContacts: [{ name: '区政府法制办公室', ...OFFICE }],
    smsSignature: '【区法制办】',
    senderEmail: 'noreply@example.gov.cn',
    sesRatePerSecond: 1000,
  };
  expect((await api('PUT', '/v1/settings', settings)).status).toBe(200);
  for (const [id, name, n] of [
    ['never', '甲镇', 1],
    ['submits', '乙镇', 2],
    ['extended', '丙镇', 3],
  ] as const) {
    expect((await api('PUT', `/v1/units/${id}`, unit(id, name, n))).status).toBe(201);
  }
  await pipe.clearOutbox();

  const watch = ['never:half-year-report', 'extended:half-year-report', 'never:annual-plan'];
  for (const day of eachDate('2026-01-01', '2026-12-31')) {
    rt.clock.set(at9(day));
    if (day === '2026-06-30')
      await submit('submits', 'half-year-report', new Date('2026-06-30T10:00:00+08:00'));
    if (day === '2026-07-01') {
      const r = await api('POST', '/v1/slots/half-year-report/2026/extended/extension', {
        until: '2026-07-20',
        reason: '汛期抢险，申请延期',
      });
      expect(r.status).toBe(200);
    }
    const s = await pipe.sweep(at9(day));
    summaries.push({ day, digests: s.digests, sent: s.sent });
    const box = await pipe.outbox();
    for (const e of box.emails)
      sent.push({ day, channel: 'email', to: e.to, subject: e.subject, text: e.text });
    for (const m of box.sms) sent.push({ day, channel: 'sms', to: m.to, subject: '', text: m.text });
    await pipe.clearOutbox();
    for (const w of watch) {
      const [u, o] = w.split(':') as [string, string];
      slotsSeen.set(`${w}:${day}`, await rt.deps.store.getSlot(o, '2026', u));
    }
  }
}, 240_000);

afterAll(async () => {
  await rt?.stop();
});

/** Records a received version as the receipt function would (the sweep's view of a submission). */
async function submit(unitId: string, obligationId: string, at: Date) {
  const { store } = rt.deps;
  const [ob, slot] = await Promise.all([
    store.getObligation(obligationId),
    store.getSlot(obligationId, '2026', unitId),
  ]);
  const cal = await loadCalendar(store, [2026]);
  const next = applySlotEvent(
    cal,
    ob!,
    slot!,
    { type: 'received', at, submissionId: `sub-${unitId}` },
    shanghaiDate(at),
  );
  await store.write([{ type: 'putSlot', slot: next, ifVersion: slot!.version }]);
}

const liaisonMail = (id: string, report: string) => (s: Sent) =>
  s.channel === 'email' &&
  s.to === `${id}.liaison@year.example.gov.cn` &&
  s.subject.includes(report) &&
  !s.subject.startsWith('【报送通知】');
const requestMail = (id: string) => (s: Sent) =>
  s.channel === 'email' && s.to === `${id}.liaison@year.example.gov.cn` && s.subject.startsWith('【报送通知】');
const liaisonSms = (report: string, n: number) => (s: Sent) =>
  s.channel === 'sms' && s.to === `+86138000100${n}0` && s.text.includes(report);
const leaderMail = (id: string, report: string) => (s: Sent) =>
  s.channel === 'email' && s.to === `${id}.leader@year.example.gov.cn` && s.subject.includes(report);
const leaderSms = (report: string, n: number) => (s: Sent) =>
  s.channel === 'sms' && s.to === `+86139000100${n}0` && s.text.includes(report);
const digestMail = (s: Sent) => s.channel === 'email' && s.to === OFFICE.email;
const digestSms = (s: Sent) => s.channel === 'sms' && s.to === OFFICE.phone;

describe('a year of sweeps (2026) for a unit that never submits', () => {
  it('sends the half-year-report reminders of SPEC §3, one per day, the last ones also by SMS', () => {
    expect(days(liaisonMail('never', '半年工作进展情况'))).toEqual([
      '2026-06-29',
      '2026-07-03',
      '2026-07-06',
    ]);
    expect(days(liaisonSms('半年工作进展情况', 1))).toEqual(['2026-07-03', '2026-07-06']);
  });

  it('sends each period’s request notice (报送通知) on its first working day, once', () => {
    // 2026-01-01..03 are the New Year holiday; Sunday 01-04 is a make-up working day.
    const yearly = sent.filter((s) => requestMail('never')(s) && !s.subject.includes('宣传咨询'));
    expect(yearly.map((s) => s.day)).toEqual(['2026-01-04', '2026-01-04', '2026-01-04', '2026-01-04']);
    expect(yearly.map((s) => s.subject).sort()).toEqual([
      '【报送通知】甲镇：请于12月31日（周四）前报送2026年度集体学法记录',
      '【报送通知】甲镇：请于12月7日（周一）前报送2026年年度工作总结',
      '【报送通知】甲镇：请于4月20日（周一）前报送2026年年度依法行政工作计划',
      '【报送通知】甲镇：请于7月6日（周一）前报送2026年度半年工作进展情况',
    ]);
    expect(yearly[0]!.text).toContain('签收');
    // Never twice, and never by SMS.
    expect(sent.filter(requestMail('never')).length).toBe(4);
    expect(sent.filter((s) => s.channel === 'sms' && s.text.includes('报送通知'))).toEqual([]);
  });

  it('sends the other reports’ reminders on their working days', () => {
    expect(days(liaisonMail('never', '年度依法行政工作计划'))).toEqual([
      '2026-04-13',
      '2026-04-17',
      '2026-04-20',
    ]);
    expect(days(liaisonMail('never', '年度工作总结'))).toEqual(['2026-11-30', '2026-12-04', '2026-12-07']);
    expect(days(liaisonMail('never', '集体学法记录'))).toEqual([
      '2026-12-24',
      '2026-12-28',
      '2026-12-30',
      '2026-12-31',
    ]);
    expect(days(liaisonSms('集体学法记录', 1))).toEqual(['2026-12-30', '2026-12-31']);
  });

  it('escalates to the leader (email and SMS) on the first working day late, once', () => {
    expect(days(leaderMail('never', '半年工作进展情况'))).toEqual(['2026-07-07']);
    expect(days(leaderSms('半年工作进展情况', 1))).toEqual(['2026-07-07']);
    expect(days(leaderMail('never', '年度依法行政工作计划'))).toEqual(['2026-04-21']);
    expect(days(leaderMail('never', '年度工作总结'))).toEqual(['2026-12-08']);
    expect(slotsSeen.get('never:half-year-report:2026-07-06')?.escalationLevel).toBe(0);
    expect(slotsSeen.get('never:half-year-report:2026-07-07')?.escalationLevel).toBe(1);
    expect(slotsSeen.get('never:half-year-report:2026-07-08')?.escalationLevel).toBe(1);
    expect(slotsSeen.get('never:half-year-report:2026-07-09')?.escalationLevel).toBe(2);
  });

  it('tells the office through one digest a day: newly overdue, then level 2', () => {
    const digestDays = days(digestMail);
    expect(new Set(digestDays).size).toBe(digestDays.length); // at most one a day
    const on = (day: string) => sent.find((s) => digestMail(s) && s.day === day)?.text ?? '';
    expect(on('2026-07-07')).toMatch(/今日新增逾期[\s\S]*甲镇：2026年度半年工作进展情况/);
    expect(on('2026-07-09')).toMatch(/已升级督办[\s\S]*甲镇：2026年度半年工作进展情况/);
    expect(on('2026-04-23')).toMatch(/已升级督办[\s\S]*甲镇：2026年年度依法行政工作计划/);
    // Nothing owing past its deadline between the annual plan's cut-off and the half-year report.
    expect(digestDays.filter((d) => d > '2026-05-20' && d < '2026-07-07')).toEqual([]);
    // No unit-level message ever goes to the office.
    expect(sent.filter((s) => s.to === OFFICE.email && !s.subject.includes('逾期汇总'))).toEqual([]);
    // SMS to the office only on days with news (a new level 2 or newly overdue slots).
    expect(days(digestSms)).toEqual(
      expect.arrayContaining(['2026-04-21', '2026-04-23', '2026-07-07', '2026-07-09']),
    );
    expect(days(digestSms)).not.toContain('2026-07-08');
    expect(summaries.every((s) => s.digests <= 1)).toBe(true);
  });

  it('closes the slot at the cut-off (effective 07-06 + 30 days = 08-05): closed on 08-06', () => {
    expect(slotsSeen.get('never:half-year-report:2026-08-05')?.state).toBe('overdue');
    expect(slotsSeen.get('never:half-year-report:2026-08-06')?.state).toBe('closed');
    expect(slotsSeen.get('never:half-year-report:2026-08-06')?.nextActionDate).toBeNull();
    expect(slotsSeen.get('never:annual-plan:2026-05-21')?.state).toBe('closed');
    const neverHalfYear = /甲镇[^\n]*半年工作进展情况/;
    expect(sent.filter((s) => s.day > '2026-08-05' && neverHalfYear.test(`${s.subject}\n${s.text}`))).toEqual(
      [],
    );
    expect(sent.filter((s) => s.day === '2026-08-05' && neverHalfYear.test(s.text)).length).toBe(1); // the last digest
  });

  it('sends nothing on weekends or holidays', async () => {
    const cal = await loadCalendar(rt.deps.store, [2026]);
    const offDays = [...new Set(sent.map((s) => s.day))].filter((d) => !cal.isWorkday(d));
    expect(offDays).toEqual([]);
    expect(sent.length).toBeGreaterThan(40);
    // One UCS-2 part: every SMS, signature included, within 70 characters.
    expect(sent.filter((s) => s.channel === 'sms' && [...s.text].length > 70)).toEqual([]);
  });

  it('ends every email with the link to its page on this server, and names no API path', () => {
    const emails = sent.filter((s) => s.channel === 'email');
    for (const e of emails) {
      const last = e.text.split('\n').at(-1) ?? '';
      if (e.to === OFFICE.email) expect(last).toBe(`逾期清单：${rt.url}/#/o/overdue`);
      else expect(last).toMatch(new RegExp(`^在线报送：${rt.url}/#/u/[a-z-]+/2026(-\\d\\d)?$`));
      expect(e.text).not.toContain('/v1/');
    }
    const reminder = sent.find(liaisonMail('never', '半年工作进展情况'));
    expect(reminder?.text.endsWith(`${rt.url}/#/u/half-year-report/2026`)).toBe(true);
  });

  it('counts what it sent in the sweep summary', () => {
    const emails = summaries.reduce((n, s) => n + s.sent.email, 0);
    const sms = summaries.reduce((n, s) => n + s.sent.sms, 0);
    expect(emails).toBe(sent.filter((s) => s.channel === 'email').length);
    expect(sms).toBe(sent.filter((s) => s.channel === 'sms').length);
  });
});

describe('a unit that submits, and an extension', () => {
  it('sends no further reminder for a slot once a version is received', () => {
    expect(days(liaisonMail('submits', '半年工作进展情况'))).toEqual(['2026-06-29']);
    expect(days(leaderMail('submits', '半年工作进展情况'))).toEqual([]);
    // …but its other reports are still reminded.
    expect(days(liaisonMail('submits', '年度工作总结'))).toEqual(['2026-11-30', '2026-12-04', '2026-12-07']);
  });

  it('moves every later notice to the extended date (07-20, a Monday)', () => {
    expect(days(liaisonMail('extended', '半年工作进展情况'))).toEqual([
      '2026-06-29',
      '2026-07-13',
      '2026-07-17',
      '2026-07-20',
    ]);
    expect(days(leaderMail('extended', '半年工作进展情况'))).toEqual(['2026-07-21']);
    const on = (day: string) => sent.find((s) => digestMail(s) && s.day === day)?.text ?? '';
    expect(on('2026-07-23')).toMatch(/已升级督办[\s\S]*丙镇：2026年度半年工作进展情况/);
    expect(slotsSeen.get(`extended:half-year-report:${addDays('2026-08-19', 0)}`)?.state).toBe('overdue');
    expect(slotsSeen.get('extended:half-year-report:2026-08-20')?.state).toBe('closed');
  });
});

describe('over HTTP: chase-up, /dev/sweep, /dev/outbox', () => {
  it('chases once a day, answers the sweep summary, and shows what went out', async () => {
    const chase = (body: unknown, t = token) =>
      fetch(`${rt.url}/v1/chase`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const body = { obligationId: 'annual-summary', period: '2026', unitId: 'never' };
    const first = await chase(body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ queued: 1 });
    expect(await (await chase(body)).json()).toEqual({ queued: 0 });
    expect((await chase({ ...body, unitId: 'ghost' })).status).toBe(404);
    expect((await chase({ ...body, period: 'last year' })).status).toBe(400);
    const unitToken = await rt.tokens.issue({ role: 'unit', unitId: 'never' });
    expect((await chase(body, unitToken)).status).toBe(403);

    const r = await fetch(`${rt.url}/dev/sweep`, {
      method: 'POST',
      body: JSON.stringify({ at: '2026-12-31T09:00:00+08:00' }),
    });
    expect(r.status).toBe(200);
    const summary = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(summary).sort()).toEqual([
      'at',
      'digests',
      'escalations',
      'opened',
      'reminders',
      'sent',
    ]);
    expect(summary).toMatchObject({ at: '2026-12-31T01:00:00.000Z', reminders: 0, escalations: 0 });

    const box = (await (await fetch(`${rt.url}/dev/outbox`)).json()) as {
      emails: Array<{ to: string; subject: string; text: string; at: string }>;
      sms: Array<{ to: string; text: string; at: string }>;
    };
    const chased = box.emails.filter((e) => e.to === 'never.liaison@year.example.gov.cn');
    expect(chased).toHaveLength(1);
    expect(chased[0]!.subject).toContain('【催报】');
    expect(chased[0]!.text).toContain('2026年12月7日（星期一）');
    expect(chased[0]!.text.endsWith(`在线报送：${rt.url}/#/u/annual-summary/2026`)).toBe(true);
    expect(box.sms.filter((m) => m.to === '+8613800010010')).toHaveLength(1);
    expect(box.sms.every((m) => m.text.startsWith('【区法制办】'))).toBe(true);
    const slot = await rt.deps.store.getSlot('annual-summary', '2026', 'never');
    expect(slot?.chaseCount).toBe(1);
  });
});
