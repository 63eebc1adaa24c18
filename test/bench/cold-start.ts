// Cold start: each function's bundle as the stack builds it (esbuild with infra/stack.ts's
// bundlingFor('global') options) — its size against the 400 KB limit, and its module initialisation time
// (median over fresh Node processes that import it) against the same handler loaded unbundled:
// our own code compiled to one file (the same profile fixed at build time, so the same code paths),
// every package imported from node_modules as published.
//
// What keeps the section fast (docs/decisions.md, "Cold-start bench"): every bundle is built by one
// esbuild call (and every unbundled handler by another), each child is plain `node` importing a
// prebuilt .mjs (no tsx, no TypeScript compile per sample), the child times only the `import()` of
// the handler (hrtime around it, printed to stdout; Node's own start-up is not part of either side),
// and as many children run at once as the machine has cores (at most 4), always identical ones: a
// batch is that many processes of one side of one function. Batches go in rounds — each round one
// bundled and one unbundled batch per function, their order alternating — so whatever else the
// machine does falls on both sides alike.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { functionSpecs, type LambdaName } from '../../infra/functions';
import { bundlingFor, projectRoot } from '../../infra/stack';
import { type BenchOptions, type Line, line, median } from './lib';

const run = promisify(execFile);
const LIMIT_KB = 400;
/** The default (global) profile's bundling, as the stack applies it. */
const lambdaBundling = bundlingFor('global');

/** esbuild's aliases from the stack's `--alias` arguments (`from=to`, relative to the project root). */
function aliases(): Record<string, string> {
  const list = (lambdaBundling.esbuildArgs as Record<string, string[]>)['--alias'] ?? [];
  return Object.fromEntries(
    list.map((a) => {
      const [from, to] = a.split('=') as [string, string];
      return [from, resolve(projectRoot, to)];
    }),
  );
}

const entries = (names: LambdaName[], suffix: string) =>
  Object.fromEntries(names.map((n) => [`${n}.${suffix}`, join(projectRoot, functionSpecs[n].entry)]));

/** Every function's bundle, as the stack builds it, in one esbuild call: `<dir>/<name>.bundle.mjs`. */
async function bundles(names: LambdaName[], outdir: string) {
  await build({
    entryPoints: entries(names, 'bundle'),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: lambdaBundling.target,
    minify: lambdaBundling.minify,
    sourcemap: lambdaBundling.sourceMap,
    mainFields: [...lambdaBundling.mainFields],
    banner: { js: lambdaBundling.banner },
    alias: aliases(),
    define: lambdaBundling.define,
    external: [...lambdaBundling.externalModules],
    logLevel: 'error',
  });
}

/** The same handlers, unbundled: our code in one file each, every package from node_modules.
 *  The profile is fixed as in the bundle (the global build's code paths, not the china ones). */
async function unbundled(names: LambdaName[], outdir: string) {
  await build({
    entryPoints: entries(names, 'plain'),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: lambdaBundling.target,
    define: lambdaBundling.define,
    logLevel: 'error',
  });
}

/** The child: times the handler module's import alone (Node's start-up is outside the timer). */
const CHILD = `const t = process.hrtime.bigint(); await import(process.argv[1]); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
const env = {
  ...process.env,
  TABLE_NAME: 'bench',
  BUCKET_NAME: 'bench',
  NOTIFY_QUEUE_URL: 'https://sqs.ap-southeast-1.amazonaws.com/000000000000/notify',
  OPEN_SLOTS_QUEUE_URL: 'https://sqs.ap-southeast-1.amazonaws.com/000000000000/open-slots',
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  NODE_OPTIONS: '',
};

async function initMs(file: string): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', CHILD, pathToFileURL(file).href],
    { env, cwd: projectRoot },
  );
  const ms = Number(stdout);
  if (!Number.isFinite(ms)) throw new Error(`cold-start child printed ${JSON.stringify(stdout)} for ${file}`);
  return ms;
}

type Side = 'bundled' | 'plain';
type Batch = { name: LambdaName; side: Side; file: string };

/** Runs each batch as `width` identical child processes started together (so a bundled sample
 *  shares the machine with bundled siblings, an unbundled one with unbundled ones), one batch
 *  after another. */
async function runBatches(batches: Batch[], width: number, record: (b: Batch, ms: number) => void) {
  for (const b of batches) {
    const ms = await Promise.all(Array.from({ length: width }, () => initMs(b.file)));
    for (const m of ms) record(b, m);
  }
}

export async function coldStart(opts: BenchOptions): Promise<Line[]> {
  // --quick: fewer processes, and three functions (the three SDK mixes) instead of all eight.
  const runs = opts.quick ? 4 : 20;
  const width = Math.max(1, Math.min(availableParallelism(), 4));
  const dir = join(projectRoot, 'bench', 'tmp', 'cold-start');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const all = Object.keys(functionSpecs) as LambdaName[];
  const names = opts.quick ? all.filter((n) => ['api', 'receipt', 'sender'].includes(n)) : all;
  const t0 = Date.now();
  await bundles(all, dir);
  await unbundled(names, dir);
  process.stderr.write(`bench: cold-start: built in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  const file = (name: LambdaName, side: Side) =>
    join(dir, `${name}.${side === 'bundled' ? 'bundle' : 'plain'}.mjs`);

  // Rounds of one bundled and one unbundled batch per function, their order alternating so that
  // neither side always goes first; `width` processes per batch.
  const batches: Batch[] = [];
  for (let i = 0; i < Math.ceil(runs / width); i++)
    for (const [k, name] of names.entries()) {
      const pair: Batch[] = [
        { name, side: 'bundled', file: file(name, 'bundled') },
        { name, side: 'plain', file: file(name, 'plain') },
      ];
      batches.push(...((i + k) % 2 ? pair.reverse() : pair));
    }
  const times = new Map(names.map((n) => [n, { bundled: [] as number[], plain: [] as number[] }]));
  await runBatches(batches, width, (b, ms) => times.get(b.name)![b.side].push(ms));

  const lines: Line[] = [];
  for (const name of all) {
    const kb = statSync(file(name, 'bundled')).size / 1024;
    lines.push(
      line({
        what: `bundle size: ${name}`,
        measured: kb,
        unit: 'KB',
        baseline: LIMIT_KB,
        baselineWhat: 'limit',
        goal: '≤ 1.0× (400 KB)',
        met: kb <= LIMIT_KB,
      }),
    );
  }
  for (const name of names) {
    const t = times.get(name)!;
    const b = median(t.bundled);
    const p = median(t.plain);
    const n = Math.min(t.bundled.length, t.plain.length);
    lines.push(
      line({
        what: `cold start (module init): ${name}`,
        measured: b,
        unit: 'ms',
        baseline: p,
        baselineWhat: 'same handler unbundled from node_modules',
        goal: '≤ 0.5×',
        met: b <= 0.5 * p,
        note:
          `median of ${n} fresh node processes per side${opts.quick ? ' (--quick: 3 of the 8 functions)' : ''}, ` +
          `the import() alone timed in each; ${width} identical ones at a time, the two sides alternating`,
      }),
    );
  }
  rmSync(dir, { recursive: true, force: true });
  return lines;
}
