// The web pages' weight and speed (issue 9): what a first visit loads (JS + CSS, gzip), and the
// office board of N units in headless Chromium — navigation to a rendered, sortable table (the
// first frame painted with the first 200 rows drawn and all N sorted and counted), then a sort and
// a filter of all N. The units and their slots are seeded with BatchWriteItem. Measures; asserts nothing.
//
//   npx tsx test/bench/web.ts [units=2000] [runs=5]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { plugins } from '../../infra/local/plugins';
import { startLocal } from '../../infra/local/server';
import { loadCalendar } from '../../shared/app/calendar';
import type { WriteOp } from '../../shared/app/ports';
import { newSlot } from '../../shared/domain/due';
import type { DynamoStore } from '../../shared/adapters/dynamo/store';
import { shanghaiDate } from '../../shared/domain/dates';
import type { Unit } from '../../shared/domain/model';
import { buildWeb } from '../../web/build';
import { seedOps } from './seed';

const units = Number(process.argv[2] ?? 2000);
const runs = Number(process.argv[3] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---- first visit: index.html's script and stylesheet and every chunk the script imports statically
const { outdir } = await buildWeb();
const assets = join(outdir, 'assets');
const firstVisit = new Set<string>(['app.js', 'app.css']);
for (const name of [...firstVisit]) {
  if (!name.endsWith('.js')) continue;
  const text = readFileSync(join(assets, name), 'utf8');
  // static `import … from "./c-….js"` (dynamic `import("./…")` chunks load later, for the office or OIDC)
  for (const m of text.matchAll(/(?:^|[;}\s])import\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+)["']/g)) firstVisit.add(m[1]!);
}
let raw = 0;
let gz = 0;
for (const name of firstVisit) {
  const b = readFileSync(join(assets, name));
  raw += b.length;
  gz += gzipSync(b).length;
}
console.log(
  `first visit: ${[...firstVisit].join(' + ')} = ${(raw / 1024).toFixed(1)} KB, gzip ${(gz / 1024).toFixed(1)} KB (goal ≤ 100 KB)`,
);

// ---- the board of N units
const rt = await startLocal({ demoUnits: false, plugins });
const year = Number(shanghaiDate(new Date()).slice(0, 4));
const store = rt.deps.store as DynamoStore;
const table = (store as unknown as { table: string }).table;
const cal = await loadCalendar(store, [year]);
const ob = (await store.getObligation('annual-summary'))!;
// The units and their freshly opened slots of the year's annual summary (as the year's opening
// writes them), seeded with BatchWriteItem: the board is what is measured, not the seeding.
const ops: WriteOp[] = [];
for (let i = 0; i < units; i++) {
  const unit: Unit = {
    unitId: `unit-${String(i).padStart(5, '0')}`,
    name: `${['城关', '南湖', '北山', '东城', '西城'][i % 5]}第${i}单位`,
    kind: i % 2 ? 'town' : 'department',
    tags: [],
    active: true,
    contacts: [],
  };
  ops.push({ type: 'putUnit', unit });
  ops.push({ type: 'putSlot', slot: { ...newSlot(cal, ob, unit, String(year)), version: 1 }, ifVersion: 1 });
}
await seedOps(rt.clients.dynamodb, table, ops);
const token = await rt.tokens.issue({ role: 'office' });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
await page.goto(`${rt.url}/config.json`);
await page.evaluate((t) => sessionStorage.setItem('baosong.token', t), token);
const url = `${rt.url}/#/board/annual-summary/${year}`;
// A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
await page.addInitScript(`
  const n = ${units};
  const watch = new MutationObserver(() => {
    if (document.querySelectorAll('table.board tbody tr').length !== Math.min(n, 200)) return;
    if (!document.querySelector('.toolbar .hint')?.textContent?.includes('显示 ' + n + ' / ' + n + ' 个单位')) return;
    watch.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__rendered = performance.now(); }));
  });
  addEventListener('DOMContentLoaded', () =>
    watch.observe(document.body, { childList: true, subtree: true, characterData: true }));
`);
const render: number[] = [];
const api: number[] = [];
const sort: number[] = [];
const filter: number[] = [];
for (let i = 0; i < runs; i++) {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit' });
  // Rendered: the first frame painted after the table's first rows (200 at a time) and the count
  // of all N units are in the page — noted by the page itself (a MutationObserver set up before
  // any of its scripts run, see addInitScript above), so that waiting for it costs the page no
  // polling on every frame while it loads.
  await page.waitForFunction(() => (window as unknown as { __rendered?: number }).__rendered, undefined, {
    timeout: 120_000,
    polling: 100,
  });
  render.push(await page.evaluate(() => (window as unknown as { __rendered: number }).__rendered));
  api.push(
    await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/v1/status'))
        .reduce((s, e) => s + e.duration, 0),
    ),
  );
  // A sort (by name) and a filter (by state), each measured from the event to the next frame painted.
  sort.push(
    await page.evaluate(async () => {
      const t = performance.now();
      [...document.querySelectorAll<HTMLButtonElement>('th button')].find((b) => b.textContent?.startsWith('单位'))!.click();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      return performance.now() - t;
    }),
  );
  filter.push(
    await page.evaluate(async () => {
      const sel = [...document.querySelectorAll('label')].find((l) => l.textContent?.startsWith('按状态筛选'))!.querySelector('select')!;
      const t = performance.now();
      sel.value = 'open';
      sel.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      return performance.now() - t;
    }),
  );
}
console.log(
  `board of ${units} units in headless Chromium: navigation → rendered table median ${median(render).toFixed(0)} ms ` +
    `(of which GET /v1/status ${median(api).toFixed(0)} ms; goal ≤ 1000 ms); ` +
    `sort ${median(sort).toFixed(0)} ms, filter ${median(filter).toFixed(0)} ms (goal ≤ 100 ms); ${runs} runs`,
);
await browser.close();
await rt.stop();
