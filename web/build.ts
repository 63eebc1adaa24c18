// Builds the web pages: web/src → web/dist (index.html, assets/app.js, assets/app.css and lazy
// chunks), minified ES modules for current browsers. `npm run build:web`; `npm start` calls it.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname);

export async function buildWeb(opts: { outdir?: string } = {}) {
  const outdir = opts.outdir ?? resolve(root, 'dist');
  await rm(outdir, { recursive: true, force: true });
  await mkdir(resolve(outdir, 'assets'), { recursive: true });
  const r = await build({
    entryPoints: { app: resolve(root, 'src/main.tsx') },
    outdir: resolve(outdir, 'assets'),
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    sourcemap: false,
    target: ['chrome105', 'edge105', 'firefox110', 'safari15.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]',
    chunkNames: 'c-[name]-[hash]',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  await copyFile(resolve(root, 'index.html'), resolve(outdir, 'index.html'));
  return { outdir, outputs: Object.keys(r.metafile.outputs) };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const started = Date.now();
  const { outdir } = await buildWeb();
  console.log(`web pages built into ${outdir} in ${Date.now() - started} ms`);
}
