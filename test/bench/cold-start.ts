// Cold start: each function's bundle as the stack builds it (esbuild with infra/stack.ts's
// bundlingFor('global') options) — its size against the 400 KB limit, and its module initialisation time
// (median over fresh Node processes that import it) against the same handler loaded unbundled:
// our own code compiled to one file, every package imported from node_modules as published.
// The two are measured alternately in the same run.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
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

async function bundle(name: LambdaName, outfile: string) {
  await build({
    entryPoints: [join(projectRoot, functionSpecs[name].entry)],
    outfile,
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

/** The same handler, unbundled: our code in one file, every package from node_modules. */
async function unbundled(name: LambdaName, outfile: string) {
  await build({
    entryPoints: [join(projectRoot, functionSpecs[name].entry)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: lambdaBundling.target,
    logLevel: 'error',
  });
}

const CHILD = `const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));`;
const env = {
  ...process.env,
  TABLE_NAME: 'bench',
  BUCKET_NAME: 'bench',
  NOTIFY_QUEUE_URL: 'https://sqs.ap-southeast-1.amazonaws.com/000000000000/notify',
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
  return Number(stdout);
}

export async function coldStart(opts: BenchOptions): Promise<Line[]> {
  // --quick: fewer processes, and three functions (the three SDK mixes) instead of six.
  const runs = opts.quick ? 5 : 20;
  const dir = join(projectRoot, 'bench', 'tmp', 'cold-start');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const all = Object.keys(functionSpecs) as LambdaName[];
  const names = opts.quick ? all.filter((n) => ['api', 'receipt', 'sender'].includes(n)) : all;
  const files = new Map<LambdaName, { bundled: string; plain: string }>();
  for (const name of names) {
    const f = { bundled: join(dir, `${name}.bundle.mjs`), plain: join(dir, `${name}.plain.mjs`) };
    await bundle(name, f.bundled);
    await unbundled(name, f.plain);
    files.set(name, f);
  }
  const times = new Map(names.map((n) => [n, { bundled: [] as number[], plain: [] as number[] }]));
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const f = files.get(name)!;
      const t = times.get(name)!;
      // Alternate the order so neither side always runs first.
      if (i % 2) {
        t.bundled.push(await initMs(f.bundled));
        t.plain.push(await initMs(f.plain));
      } else {
        t.plain.push(await initMs(f.plain));
        t.bundled.push(await initMs(f.bundled));
      }
    }
  }
  const lines: Line[] = [];
  for (const name of all) {
    if (!files.has(name)) {
      const f = { bundled: join(dir, `${name}.bundle.mjs`), plain: '' };
      await bundle(name, f.bundled);
      files.set(name, f);
    }
  }
  for (const name of all) {
    const kb = statSync(files.get(name)!.bundled).size / 1024;
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
    lines.push(
      line({
        what: `cold start (module init): ${name}`,
        measured: b,
        unit: 'ms',
        baseline: p,
        baselineWhat: 'same handler unbundled from node_modules',
        goal: '≤ 0.5×',
        met: b <= 0.5 * p,
        note: `median of ${runs} fresh processes each`,
      }),
    );
  }
  rmSync(dir, { recursive: true, force: true });
  return lines;
}
