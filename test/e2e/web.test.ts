// The web pages end to end, in Debian's Chromium driven by playwright-core: the local runtime
// (the same one `npm start` runs) serves the built pages at `/`; a unit and the office use them as
// people do — sign in, upload, read receipts, work the board — and every page is checked with
// axe-core and photographed (test/e2e/screenshots/, not committed).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugins } from '../../infra/local/plugins';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import { shanghaiDate } from '../../shared/domain/dates';
import { buildWeb } from '../../web/build';

/** The machine is slow and shared: polls wait up to 30 s (they end as soon as the page is right). */
const WAIT = { timeout: 30_000, interval: 100 };
/** A browser step on a loaded 2-core machine can take tens of seconds (axe, first page loads). */
const SLOW = { timeout: 180_000 };
const SHOTS = resolve(import.meta.dirname, 'screenshots');
const UNIT = 'nanhu-town';
const OB = 'annual-summary';
const OB_NAME = '年度工作总结';

let rt: LocalRuntime;
let unit: BrowserContext;
let office: BrowserContext;
let page: Page; // the unit's
let desk: Page; // the office's
let browser: Browser;
let tmp: string;
const year = shanghaiDate(new Date()).slice(0, 4);
const axeFindings: Record<string, string[]> = {};

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

function pdf(text: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n% ${text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
}
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function signIn(ctx: BrowserContext, who: 'office' | string, hash = ''): Promise<Page> {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${rt.url}/${hash}`);
  if (who === 'office') await page.getByRole('button', { name: '以法制办身份登录' }).click();
  else {
    await page.getByLabel('单位').selectOption(who);
    await page.getByRole('button', { name: '以该单位身份登录' }).click();
  }
  await page.getByRole('button', { name: '退出' }).waitFor();
  return page;
}

/** axe-core on the page as it stands: serious and critical findings, by rule id. */
async function axe(page: Page, name: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  axeFindings[name] = bad;
  return bad;
}
/** Records every value the upload progress bar shows, into `window.__pct`. */
const recordProgress = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __pct: number[] };
    w.__pct = [];
    new MutationObserver(() => {
      const bar = document.querySelector<HTMLProgressElement>('.upload-status progress');
      if (bar) w.__pct.push(bar.value);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'baosong-web-'));
  await buildWeb();
  rt = await startLocal({ plugins });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  unit = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', acceptDownloads: true });
  office = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', acceptDownloads: true });
}, 180_000);
afterAll(async () => {
  await unit?.close();
  await office?.close();
  await browser?.close();
  await rt?.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);


const row = (unitId: string) => desk.locator(`tr[data-unit="${unitId}"]`);
const boardUrl = () => `${rt.url}/#/o/board/${OB}/${year}`;
async function openBoard() {
  await desk.goto('about:blank');
  await desk.goto(boardUrl());
  await row(UNIT).waitFor();
}
async function outbox(): Promise<{ emails: Array<{ to: string[] | string; subject: string; text: string }> }> {
  return (await fetch(`${rt.url}/dev/outbox`)).json() as never;
}
const mailTo = (m: { to: string[] | string }, addr: string) => (Array.isArray(m.to) ? m.to : [m.to]).includes(addr);

describe('the unit portal', SLOW, () => {
  it('lists the unit’s slots for the year, each with its state and deadline', async () => {
    page = await signIn(unit, UNIT);
    const card = page.locator('li.slot', { hasText: OB_NAME });
    await expect.poll(() => card.count(), WAIT).toBe(1);
    expect(await card.locator('.badge').textContent()).toBe('待报送');
    expect(await card.locator('.deadline').textContent()).toMatch(/^\d{4}年\d+月\d+日（周.）$/);
    await shot(page, 'portal-phone');
    expect(await axe(page, 'portal')).toEqual([]);
  });

  it('uploads a PDF with a progress bar to 100 % and shows its receipt with the right SHA-256', async () => {
    await page.goto(`${rt.url}/#/u/${OB}/${year}`);
    await page.locator('input[type=file]').waitFor({ state: 'attached' });
    await recordProgress(page);
    const file = pdf('first version');
    await page.locator('input[type=file]').setInputFiles({ name: '年度工作总结.pdf', mimeType: 'application/pdf', buffer: file });
    await page.locator('.ok .hash').waitFor({ timeout: 60_000 });
    expect(await page.locator('.ok .hash').textContent()).toBe(sha256(file));
    const seen = await page.evaluate(() => (window as unknown as { __pct: number[] }).__pct);
    expect(Math.max(...seen)).toBe(100);
    await shot(page, 'portal-slot-phone');
    expect(await axe(page, 'portal-slot')).toEqual([]);
  });

  it('shows the rejection of a PNG renamed .pdf, without a reload', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from('not a pdf at all')]);
    await page.locator('input[type=file]').setInputFiles({ name: '照片.pdf', mimeType: 'application/pdf', buffer: png });
    const rejected = page.locator('.upload-status .rejected');
    await rejected.waitFor({ timeout: 60_000 });
    expect(await rejected.textContent()).toMatch(/^文件未被接收：.+/);
  });

  it('refuses a 60 MB file in the page before anything is sent', async () => {
    const big = join(tmp, '大文件.pdf');
    writeFileSync(big, Buffer.alloc(60 * 1024 * 1024, 0x25));
    const posts: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST') posts.push(r.url());
    };
    page.on('request', onRequest);
    await page.locator('input[type=file]').setInputFiles(big);
    const refused = page.locator('.upload-status .problem');
    await refused.waitFor();
    page.off('request', onRequest);
    expect(await refused.textContent()).toContain('文件过大：60.0 MB，本事项上限 50.0 MB');
    expect(posts).toEqual([]);
  });

  it('prints a version’s receipt (回执) and offers the unit its own file', async () => {
    await page.goto(`${rt.url}/#/u/${OB}/${year}`);
    await page.getByRole('link', { name: '回执' }).first().click();
    await page.locator('.receipt .hash').waitFor();
    expect(await page.locator('.receipt .receipt-no').textContent()).toMatch(/^BS\d{8}-[0-9A-Z]{8}$/);
    expect(await page.getByRole('link', { name: '下载报送文件' }).getAttribute('href')).toMatch(/^http/);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '打印回执' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await shot(page, 'portal-receipt-phone');
    expect(await axe(page, 'portal-receipt')).toEqual([]);
  });

  it('lets the unit edit its contacts (单位信息)', async () => {
    await page.goto(`${rt.url}/#/unit`);
    await page.getByRole('button', { name: '添加联系人' }).click();
    const last = page.locator('fieldset.contact').last();
    await last.getByLabel('姓名').fill('王新');
    await last.getByLabel('邮箱').fill('wang.xin@nanhu.example.gov.cn');
    await page.getByRole('button', { name: '保存联系人' }).click();
    await page.getByText('联系人已保存。').waitFor();
    const saved = (await rt.deps.store.getUnit(UNIT))!;
    expect(saved.contacts.map((c) => c.name)).toContain('王新');
    await shot(page, 'portal-unit-phone');
    expect(await axe(page, 'portal-unit')).toEqual([]);
  });
});

describe('duties of other kinds: 签收, templates, a normative document', SLOW, () => {
  it('the unit signs for the request (签收) on the slot: 未签收 becomes 已签收 with the time', async () => {
    await page.goto(`${rt.url}/#/u/${OB}/${year}`);
    const facts = page.locator('main .card dl.facts').first();
    await expect.poll(() => facts.textContent(), WAIT).toContain('未签收');
    await facts.getByRole('button', { name: '签收' }).click();
    await expect
      .poll(() => facts.locator('dd.signed').textContent(), WAIT)
      .toMatch(/^已签收（\d{4}-\d\d-\d\d \d\d:\d\d:\d\d）$/);
    expect(await facts.getByRole('button', { name: '签收' }).count()).toBe(0);
    const slot = (await rt.deps.store.getSlot(OB, year, UNIT))!;
    expect(slot.acknowledgedAt).toBeTruthy();
  });

  it('lists the templates (附件模板) the office attached and downloads one, byte for byte', async () => {
    const office = await (
      await fetch(`${rt.url}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'office' }),
      })
    ).json();
    const form = pdf('总结模板');
    const ticket = await (
      await fetch(`${rt.url}/v1/obligations/${OB}/templates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${office.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ fileName: '总结模板.pdf', contentType: 'application/pdf', size: form.length }),
      })
    ).json();
    const fd = new FormData();
    for (const [k, v] of Object.entries(ticket.fields as Record<string, string>)) fd.append(k, v);
    fd.append('file', new Blob([new Uint8Array(form)], { type: 'application/pdf' }), '总结模板.pdf');
    expect((await fetch(ticket.url, { method: 'POST', body: fd })).status).toBeLessThan(300);

    await page.goto('about:blank');
    await page.goto(`${rt.url}/#/u/${OB}/${year}`);
    const link = page.getByRole('button', { name: '总结模板.pdf' });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('总结模板.pdf');
    expect(sha256(readFileSync((await download.path())!))).toBe(sha256(form));
    await shot(page, 'portal-slot-templates');
    expect(await axe(page, 'portal-slot-templates')).toEqual([]);
  });

  it('the unit files a normative document (报备规范性文件): its filing and anniversary-report slots open', async () => {
    const today = shanghaiDate(new Date());
    await page.goto(`${rt.url}/#/e`);
    await page.getByLabel('文件标题').fill('关于规范城镇管理的通知');
    await page.getByLabel('文号（选填）').fill('南政发〔2026〕3号');
    await page.getByLabel('发布日期').fill(today);
    await page.getByRole('button', { name: '报备', exact: true }).click();
    const done = page.getByRole('status');
    await expect.poll(() => done.textContent(), WAIT).toContain('已报备《关于规范城镇管理的通知》');
    expect(await done.locator('li').count()).toBe(2); // 规范性文件备案 and its 周年报告
    expect(await done.textContent()).toContain('规范性文件备案');
    const events = await rt.deps.store.eventsOf(Number(today.slice(0, 4)), UNIT);
    expect(events.map((e) => [e.title, e.ref, e.occurredOn])).toEqual([['关于规范城镇管理的通知', '南政发〔2026〕3号', today]]);
    const listed = page.locator('table.events tbody tr');
    await expect.poll(() => listed.count(), WAIT).toBe(1);
    await shot(page, 'portal-events');
    expect(await axe(page, 'portal-events')).toEqual([]);
    // its slot shows the document's title, not the event id
    await listed.getByRole('link').click();
    await expect.poll(() => page.locator('h1 .period').textContent(), WAIT).toBe('关于规范城镇管理的通知（南政发〔2026〕3号）');
    // the page offers no date after today (the API refuses one with 400: test/e2e/kinds.test.ts)
    await page.goto(`${rt.url}/#/e`);
    expect(await page.getByLabel('发布日期').getAttribute('max')).toBe(today);
  });
});

describe('the office console', SLOW, () => {
  it('shows the unit 已报送 on the board, with counts and the on-time rate', async () => {
    desk = await signIn(office, 'office');
    await openBoard();
    expect(await row(UNIT).locator('.badge').textContent()).toBe('已报送');
    // the unit signed for the request above: the board shows when (签收); others 未签收
    expect(await row(UNIT).locator('td.signed').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(await row('dongcheng-street').locator('td.signed').textContent()).toBe('未签收');
    expect(await desk.locator('.rate').textContent()).toBe('100.0%');
    await shot(desk, 'board');
    expect(await axe(desk, 'board')).toEqual([]);
  });

  it('sorts, filters by state and searches by name', async () => {
    await desk.getByRole('button', { name: /^单位/ }).click();
    const names = await desk.locator('table.board tbody tr td:first-child').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'zh-CN')));
    await desk.getByLabel('按状态筛选').selectOption('submitted');
    expect(await desk.locator('table.board tbody tr').count()).toBe(1);
    await desk.getByLabel('按状态筛选').selectOption('');
    await desk.getByLabel('搜索单位').fill('北山');
    expect(await desk.locator('table.board tbody tr td:first-child').allTextContents()).toEqual(['北山镇']);
    await desk.getByLabel('搜索单位').fill('');
  });

  it('returns the submission with a comment; the unit sees the comment and the resubmit-by date', async () => {
    await row(UNIT).getByRole('button', { name: '退回' }).click();
    await desk.getByLabel('退回意见').fill('请补充第三季度执法数据');
    await desk.getByRole('button', { name: '退回', exact: true }).last().click();
    await expect.poll(() => row(UNIT).locator('.badge').textContent(), WAIT).toBe('退回修改');

    await page.goto(`${rt.url}/#/u/${OB}/${year}`);
    const comment = page.locator('dd.returned');
    await comment.waitFor();
    expect(await comment.textContent()).toMatch(/请补充第三季度执法数据请于 \d{4}年\d+月\d+日（周.） 前重新报送/);
  });

  it('the unit uploads again; the office accepts', async () => {
    const file = pdf('second version');
    await page.locator('input[type=file]').setInputFiles({ name: '年度工作总结（修改稿）.pdf', mimeType: 'application/pdf', buffer: file });
    await page.locator('.ok .hash').waitFor({ timeout: 60_000 });
    expect(await page.locator('.ok .hash').textContent()).toBe(sha256(file));

    await openBoard();
    expect(await row(UNIT).locator('.badge').textContent()).toBe('已报送');
    await row(UNIT).getByRole('button', { name: '通过' }).click();
    await expect.poll(() => row(UNIT).locator('.badge').textContent(), WAIT).toBe('已通过');
  });

  it('grants an extension: the board and the unit both show the new deadline', async () => {
    const other = 'beishan-town';
    await row(other).getByRole('button', { name: '延期' }).click();
    const until = `${Number(year) + 1}-01-20`;
    await desk.getByLabel('延期至').fill(until);
    await desk.getByLabel('理由').fill('镇机构调整，经分管领导同意延期');
    await desk.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => row(other).locator('.sub').textContent(), WAIT).toBe('延期至 1月20日');

    const theirs = await signIn(await browser.newContext({ viewport: { width: 390, height: 844 } }), other);
    const card = theirs.locator('li.slot', { hasText: OB_NAME });
    await card.waitFor();
    expect(await card.locator('.deadline').textContent()).toBe(`${Number(year) + 1}年1月20日（周${'日一二三四五六'[new Date(`${until}T00:00:00Z`).getUTCDay()]}）`);
    expect(await card.textContent()).toContain('已延期');
    await theirs.context().close();
  });

  it('waives a slot', async () => {
    await row('dongcheng-street').getByRole('button', { name: '免报' }).click();
    await desk.getByLabel('理由').fill('该街道本年度撤并');
    await desk.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => row('dongcheng-street').locator('.badge').textContent(), WAIT).toBe('免报');
  });

  it('chases one unit up (催报): the email is in /dev/outbox', async () => {
    await row('xicheng-street').getByRole('button', { name: '催报' }).click();
    await desk.getByText('催报已发出：1 个单位。').waitFor();
    const to = 'xicheng-street.liaison@example.gov.cn';
    await expect
      .poll(async () => (await outbox()).emails.filter((m) => mailTo(m, to) && m.subject.includes('催报')).length, WAIT)
      .toBe(1);
  });

  it('downloads the board as CSV, which starts with the BOM', async () => {
    const [download] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('button', { name: '下载 CSV' }).click()]);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('南湖镇');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
  });

  it('works from the keyboard: every control on the board is reachable with Tab, sorting and dialogs with keys', async () => {
    await openBoard();
    const controls = await desk.evaluate(() => {
      const els = [...document.querySelectorAll<HTMLElement>('main a[href], main button, main input, main select, header a, header button')];
      els.forEach((el, i) => {
        el.dataset.k = String(i);
      });
      return els.length;
    });
    const reached = new Set<string>();
    for (let i = 0; i < controls + 10; i++) {
      await desk.keyboard.press('Tab');
      const k = await desk.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.k);
      if (k !== undefined) reached.add(k);
    }
    expect(reached.size).toBe(controls);
    await desk.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await shot(desk, 'board');
    await desk.getByRole('button', { name: /^状态/ }).focus();
    expect(await desk.locator('th[aria-sort="ascending"]').textContent()).toBe('状态 ▲');
    await desk.keyboard.press('Enter');
    expect(await desk.locator('th[aria-sort="descending"]').textContent()).toBe('状态 ▼');
    await row('xinqiao-street').getByRole('button', { name: '免报' }).focus();
    await desk.keyboard.press('Enter');
    await desk.getByRole('dialog').waitFor();
    expect(await desk.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await desk.keyboard.press('Escape');
    await desk.getByRole('dialog').waitFor({ state: 'detached' });
  }, 300_000);

  it('every office page passes axe and is photographed at 1280×800', async () => {
    const pages: Array<[string, string, string]> = [
      ['overdue', '#/o/overdue', 'h1'],
      ['assessment', '#/o/assessment', 'table'],
      ['units', '#/o/units', 'table'],
      ['unit', `#/o/units/${UNIT}`, 'table.audit'],
      ['obligations', '#/o/obligations', 'table'],
      ['obligation', `#/o/obligations/${OB}`, 'form'],
      ['settings', '#/o/settings', 'form'],
      ['calendar', '#/o/calendar', 'table'],
    ];
    const found: Record<string, string[]> = {};
    for (const [name, hash, ready] of pages) {
      await desk.goto(`${rt.url}/${hash}`);
      await desk.locator(`main ${ready}`).first().waitFor();
      await shot(desk, name);
      found[name] = await axe(desk, name);
    }
    expect(found).toEqual(Object.fromEntries(pages.map(([n]) => [n, []])));
  }, 600_000);

  it('shows the calendar’s source, warning when next year’s is provisional', async () => {
    await desk.goto(`${rt.url}/#/o/calendar`);
    await desk.locator('main table').waitFor();
    const next = await (await fetch(`${rt.url}/v1/calendar/${Number(year) + 1}`, {
      headers: { authorization: `Bearer ${await rt.tokens.issue({ role: 'office' })}` },
    })).json() as { source: string };
    expect(await desk.locator('.warning').count()).toBe(next.source === 'provisional' ? 1 : 0);
  });
});

describe('links and boundaries', SLOW, () => {
  it('the pages bundle no server code and load nothing from another host', () => {
    const dist = resolve(import.meta.dirname, '../../web/dist');
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    expect(html.match(/(?:src|href)="[^"]+"/g)).toEqual(['href="/assets/app.css"', 'src="/assets/app.js"']);
    for (const f of readdirSync(join(dist, 'assets')).filter((n) => n.endsWith('.js')))
      expect(readFileSync(join(dist, 'assets', f), 'utf8')).not.toMatch(/@aws-sdk|middy|ZodError|DynamoDB/);
  });

  it('the link in a chase-up email (from /dev/outbox) opens that slot after sign-in', async () => {
    const to = 'xicheng-street.liaison@example.gov.cn';
    const mail = (await outbox()).emails.find((m) => mailTo(m, to) && m.subject.includes('催报'))!;
    const link = /在线报送：(\S+)/.exec(mail.text)?.[1];
    expect(link).toBe(`${rt.url}/#/u/${OB}/${year}`);
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await ctx.newPage();
    await p.goto(link!);
    await p.getByLabel('单位').selectOption('xicheng-street');
    await p.getByRole('button', { name: '以该单位身份登录' }).click();
    await p.locator('h1', { hasText: OB_NAME }).waitFor();
    expect(new URL(p.url()).hash).toBe(`#/u/${OB}/${year}`);
    expect(await p.locator('input[type=file]').count()).toBe(1);
    await ctx.close();
  });

  it('a unit cannot open another unit’s receipt by editing the URL: the API says 403, the page says so', async () => {
    const ownSub = (await rt.deps.store.getSlot(OB, year, UNIT))!.latestSubmissionId!;
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await signIn(ctx, 'beishan-town');
    const answered = p.waitForResponse((r) => r.url().endsWith(`/v1/submissions/${ownSub}`));
    await p.goto(`${rt.url}/#/r/${ownSub}`);
    expect((await answered).status()).toBe(403);
    expect(await p.getByRole('alert').textContent()).toContain('无权访问');
    await ctx.close();
  });

  it('the sign-in page passes axe', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await ctx.newPage();
    await p.goto(`${rt.url}/`);
    await p.getByRole('button', { name: '以法制办身份登录' }).waitFor();
    await shot(p, 'signin');
    expect(await axe(p, 'signin')).toEqual([]);
    await ctx.close();
  });
});
