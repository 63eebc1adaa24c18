// The web pages' lines: runs the `web` bench (test/bench/web.ts, a script of its own) as a child
// process and turns what it prints into table lines against its stated limits.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../infra/stack';
import { type BenchOptions, type Line, line } from './lib';

const run = promisify(execFile);

export async function webLines(opts: BenchOptions): Promise<Line[]> {
  const script = join(projectRoot, 'test', 'bench', 'web.ts');
  if (!existsSync(script)) throw new Error('test/bench/web.ts is not there');
  const units = 2000;
  const runs = opts.quick ? 2 : 5;
  const tsx = join(projectRoot, 'node_modules', '.bin', 'tsx');
  const { stdout } = await run(tsx, [script, String(units), String(runs)], {
    cwd: projectRoot,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    maxBuffer: 10 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  const first = /first visit: .*?= ([\d.]+) KB, gzip ([\d.]+) KB/.exec(stdout);
  const board =
    /rendered table median (\d+) ms \(of which GET \/v1\/status (\d+) ms.*?sort (\d+) ms, filter (\d+) ms/.exec(
      stdout,
    );
  if (!first || !board) throw new Error(`could not read test/bench/web.ts output: ${stdout.slice(0, 300)}`);
  const gz = Number(first[2]);
  const [render, api, sort, filter] = board.slice(1).map(Number) as [number, number, number, number];
  return [
    line({
      what: 'web: first-visit bytes (JS + CSS, gzip)',
      measured: gz,
      unit: 'KB',
      baseline: 100,
      baselineWhat: 'limit',
      goal: '≤ 1.0×',
      met: gz <= 100,
      note: `${first[1]} KB before gzip`,
    }),
    line({
      what: `web: board of ${units} units rendered in headless Chromium`,
      measured: render,
      unit: 'ms',
      baseline: 1000,
      baselineWhat: 'limit',
      goal: '≤ 1.0×',
      met: render <= 1000,
      note: `median of ${runs}: from navigation to the first frame painted with the table's first 200 rows and the count of all ${units}; of which GET /v1/status ${api} ms; sort ${sort} ms, filter ${filter} ms (goal ≤ 100 ms)`,
    }),
  ];
}
