// The web pages end to end, in Debian's Chromium driven by playwright-core: the local runtime
// (the same one `npm start` runs) serves the built pages at `/`; a unit and the office use them as
// people do — sign in, upload, read receipts, work the board — and every page is checked with
// axe-core and photographed (test/e2e/screenshots/, not committed).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugins } from '../../infra/local/plugins';
import { type LocalRuntime, startLocal } from '../../infra/local/server';
import { shanghaiDate } from '../../shared/domain/dates';
import { buildWeb } from '../../web/build';

const SHOTS = resolve(import.meta.dirname, 'screenshots');
const UNIT = 'nanhu-town';
const OB = 'annual-summary';
const OB_NAME = '年度工作总结';

let rt: LocalRuntime;
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
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await rt?.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe('unit portal', () => {
  let unit: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    unit = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    page = await signIn(unit, UNIT);
  });
  afterAll(async () => unit?.close());

  it('lists the unit’s slots for the year, each with its state and deadline', async () => {
    const card = page.locator('li.slot', { hasText: OB_NAME });
    await expect.poll(() => card.count()).toBe(1);
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
    expect(await page.locator('.upload-status progress').count()).toBe(0);
    expect(await page.locator('.ok .hash').textContent()).toBe(sha256(file));
    const seen = await page.evaluate(() => (window as unknown as { __pct: number[] }).__pct);
    expect(Math.max(...seen)).toBe(100);
    await shot(page, 'portal-slot-phone');
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
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') asked.push(r.url());
    });
    await page.locator('input[type=file]').setInputFiles(big);
    const refused = page.locator('.upload-status .problem');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('文件过大：60.0 MB，本事项上限 50.0 MB');
    expect(asked).toEqual([]);
  });
});
