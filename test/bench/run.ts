// npm run bench [-- --quick] [-- --only=cold-start,receipt,...]
// One table: each line a measurement, the baseline or limit measured in the same run, their
// ratio, the goal, and whether it is met. The same lines go to bench/results.json (not committed).
// Never part of `npm test`: nothing here is an assertion that can fail the build.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../infra/stack';
import { silenceSdkNodeWarning } from '../../infra/local/standins';
import { setLogLevel } from '../../shared/adapters/logger';
import { type BenchOptions, fmt, type Line } from './lib';
import { stopSharedStandIns } from './seed';

silenceSdkNodeWarning();
setLogLevel('SILENT');
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const args = process.argv.slice(2);
const opts: BenchOptions = { quick: args.includes('--quick') };
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

type Section = { name: string; run: (o: BenchOptions) => Promise<Line[]> };
const sections: Section[] = [
  { name: 'cold-start', run: async (o) => (await import('./cold-start')).coldStart(o) },
  { name: 'receipt', run: async (o) => (await import('./receipt')).receiptBench(o) },
  { name: 'sweep', run: async (o) => (await import('./sweep')).sweepBench(o) },
  { name: 'office', run: async (o) => (await import('./office')).officeBench(o) },
  { name: 'pacing', run: async (o) => (await import('./pacing')).pacingBench(o) },
  { name: 'web', run: async (o) => (await import('./web-lines')).webLines(o) },
];

const started = Date.now();
const lines: Line[] = [];
const failures: string[] = [];
for (const s of sections) {
  if (only && !only.includes(s.name)) continue;
  const t = Date.now();
  process.stderr.write(`bench: ${s.name}…\n`);
  try {
    const got = await s.run(opts);
    lines.push(...got);
  } catch (err) {
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
    failures.push(`${s.name}: ${msg}`);
    lines.push({
      what: `${s.name}: did not run`,
      measured: Number.NaN,
      baseline: null,
      baselineWhat: '',
      unit: '',
      ratio: null,
      goal: '',
      met: false,
      note: (err instanceof Error ? err.message : String(err)).slice(0, 200),
    });
  }
  process.stderr.write(`bench: ${s.name} done in ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
}
await stopSharedStandIns();
const seconds = (Date.now() - started) / 1000;
process.stderr.write(`bench: total ${seconds.toFixed(0)} s\n`);

const header = ['what', 'measured', 'baseline / limit (same run)', 'ratio', 'goal', 'met'];
const rows = lines.map((l) => [
  l.what,
  `${fmt(l.measured)} ${l.unit}`.trim(),
  l.baseline === null ? l.baselineWhat || '–' : `${`${fmt(l.baseline)} ${l.unit}`.trim()} (${l.baselineWhat})`,
  l.ratio === null ? '–' : `${l.ratio.toFixed(l.ratio < 0.1 ? 3 : 2)}×`,
  l.goal,
  l.goal === 'reported' ? '–' : l.met ? 'yes' : 'NO',
]);
const table = [
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
const goals = lines.filter((l) => l.goal !== 'reported');
const command = `npm run bench${opts.quick ? ' -- --quick' : ''}`;
console.log(table);
const notes = lines.filter((l) => l.note).map((l) => `- ${l.what}: ${l.note}`);
if (notes.length) console.log(`\n${notes.join('\n')}`);
console.log(
  `\n${command}: ${goals.filter((l) => l.met).length} of ${goals.length} goals met, ${seconds.toFixed(0)} s, node ${process.version}, ${new Date().toISOString()}`,
);
for (const f of failures) console.error(`\n${f}`);

const dir = join(projectRoot, 'bench');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'results.json'),
  `${JSON.stringify({ command, quick: opts.quick, at: new Date().toISOString(), seconds, node: process.version, lines }, null, 2)}\n`,
);
process.exit(0);
