// The project stands alone (issue 15, item 6): no tracked file points outside the repository, and
// every "SPEC §n" citation names a section of docs/spec.md, the project's own contract.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const TEXT = /\.(md|ts|tsx|json|html)$/;

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return (
    out
      .split('\0')
      // biome.json's import rules hold import specifiers as written in the files they govern
      // (`../adapters/**` from shared/app/), not paths from the repository root.
      .filter(
        (f) =>
          TEXT.test(f) && !f.endsWith('package-lock.json') && f !== 'biome.json' && existsSync(join(ROOT, f)),
      )
  );
}

// Built from pieces so that this file does not name them itself.
const OUTSIDE_DOCS = new RegExp(`\\b(${['SPEC', 'ENGINEERING'].join('|')})\\.md\\b`, 'g');
const ABSOLUTE_SHARED = new RegExp(`/${'work'}/shared\\b`, 'g');
const RELATIVE_PATH = /(?:\.\.\/)+[\w@.-][^\s'"`)\]>,;]*/g;

/** Every way `text` (the content of `file`, a path relative to the root) points outside the repository. */
function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(OUTSIDE_DOCS)) found.push(m[0]);
  for (const m of text.matchAll(ABSOLUTE_SHARED)) found.push(m[0]);
  for (const m of text.matchAll(RELATIVE_PATH)) {
    const target = normalize(join(dirname(file), m[0]));
    if (target.startsWith('..')) found.push(m[0]);
  }
  return found;
}

// "SPEC §3", "SPEC §4.1, §4.2", "SPEC §4.4–§4.6, §5", "SPEC §3 and §4.3".
const CITATION = /SPEC\s*(§\s?\d+(?:\.\d+)?(?:\s*(?:,|–|-|and|&)\s*§\s?\d+(?:\.\d+)?)*)/g;

/** The section numbers `text` cites as "SPEC §n" or "SPEC §n.m". */
function citedSections(text: string): string[] {
  const cited: string[] = [];
  for (const m of text.matchAll(CITATION)) {
    for (const s of (m[1] ?? '').matchAll(/§\s?(\d+(?:\.\d+)?)/g)) cited.push(s[1] ?? '');
  }
  return cited;
}

/** Section numbers of the headings of a spec ("## 4. Flows" → 4, "### 4.3 The sweep" → 4.3). */
function sectionsOf(spec: string): Set<string> {
  return new Set([...spec.matchAll(/^#{2,3}\s+(\d+(?:\.\d+)?)\.?\s/gm)].map((m) => m[1] ?? ''));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces → hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1] ?? '')));
}

const files = trackedTextFiles();
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const spec = read('docs/spec.md');

describe('the checks themselves', () => {
  // The samples are assembled, so that this file itself points nowhere outside.
  const specMd = ['SPEC', 'md'].join('.');
  const engineeringMd = ['ENGINEERING', 'md'].join('.');
  const up = (n: number, rest: string) => `${'../'.repeat(n)}${rest}`;

  it('find a link outside the repository, and allow a relative import that stays inside', () => {
    expect(outsideReferences('README.md', `see [the spec](${up(1, `shared/${specMd}`)})`)).toEqual([
      specMd,
      up(1, `shared/${specMd}`),
    ]);
    expect(outsideReferences('docs/decisions.md', `read ${engineeringMd} first`)).toEqual([engineeringMd]);
    expect(
      outsideReferences('infra/stack.ts', `import { x } from '${up(1, 'shared/domain/users')}';`),
    ).toEqual([]);
    expect(outsideReferences('test/unit/domain/a.test.ts', `from '${up(3, 'shared/domain/due')}'`)).toEqual(
      [],
    );
    expect(outsideReferences('test/unit/a.test.ts', `from '${up(3, 'shared/domain/due')}'`)).toEqual([
      up(3, 'shared/domain/due'),
    ]);
    expect(outsideReferences('docs/spec.md', 'docs/spec.md and [spec](spec.md)')).toEqual([]);
  });

  it('read every section a citation names, and every numbered heading', () => {
    expect(citedSections('SPEC §4.4–§4.6, §5 and SPEC §3; ISO 32000 §7.5.5')).toEqual([
      '4.4',
      '4.6',
      '5',
      '3',
    ]);
    expect(citedSections('(SPEC §4.1, §4.2, review)')).toEqual(['4.1', '4.2']);
    expect([...sectionsOf('## 4. Flows\n### 4.3 The sweep\n#### Note\n## Other')]).toEqual(['4', '4.3']);
    expect(anchorOf('Submissions (SPEC §4.1, §4.2, review)')).toBe('submissions-spec-41-42-review');
    expect(anchorOf('Request notice (报送通知) and 签收')).toBe('request-notice-报送通知-and-签收');
  });
});

describe('the project stands alone', () => {
  it('has docs/spec.md with sections §1–§7 and the flows §4.1–§4.6', () => {
    const sections = sectionsOf(spec);
    for (const s of ['1', '2', '3', '4', '4.1', '4.2', '4.3', '4.4', '4.5', '4.6', '5', '6', '7']) {
      expect(sections, `§${s}`).toContain(s);
    }
    expect(spec).toMatch(/"SPEC §n" anywhere in this repository/);
  });

  it('no tracked file links to, or asks the reader to read, anything outside the repository', () => {
    expect(files.length).toBeGreaterThan(100);
    const offending = files.flatMap((f) => outsideReferences(f, read(f)).map((r) => `${f}: ${r}`));
    expect(offending).toEqual([]);
  });

  it('every "SPEC §n" citation names a section heading of docs/spec.md', () => {
    const sections = sectionsOf(spec);
    const citations = files.flatMap((f) => citedSections(read(f)).map((s) => ({ f, s })));
    expect(citations.length).toBeGreaterThan(50);
    expect(citations.filter(({ s }) => !sections.has(s)).map(({ f, s }) => `${f}: SPEC §${s}`)).toEqual([]);
  });

  it('every relative link in the Markdown files reaches a tracked file, and a heading there', () => {
    const tracked = new Set(
      execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0'),
    );
    const broken: string[] = [];
    for (const f of files.filter((x) => x.endsWith('.md'))) {
      const text = read(f);
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1] ?? '';
        if (/^[a-z]+:/i.test(link)) continue; // https:, mailto:
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? f : relative(ROOT, join(ROOT, dirname(f), decodeURI(path)));
        if (!tracked.has(target)) {
          broken.push(`${f}: ${link} (no file ${target})`);
          continue;
        }
        if (anchor && target.endsWith('.md') && !anchorsOf(read(target)).has(decodeURIComponent(anchor))) {
          broken.push(`${f}: ${link} (no heading #${anchor} in ${target})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the README’s map of the folders', () => {
  it('names every folder of the tree, two levels down, and no folder that is not there', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const map = readme.slice(readme.indexOf('## Map of the folders'));
    const block = map.slice(map.indexOf('```') + 3, map.indexOf('```', map.indexOf('```') + 3));
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    const folders = new Set<string>();
    for (const f of files) {
      const parts = f.split('/');
      if (parts.length > 1) folders.add(parts[0]!);
      if (parts.length > 2) folders.add(`${parts[0]}/${parts[1]}`);
    }
    // A folder is named by its path (`shared/app/`) or, under its parent's line, by its own name (`local/`).
    const missing = [...folders].filter((d) => {
      const name = d.split('/').at(-1)!;
      return !block.includes(`${d}/`) && !new RegExp(`(^|[\\s(,])${name.replace('.', '\\.')}/`, 'm').test(block);
    });
    expect(missing).toEqual([]);
    const named = [...block.matchAll(/^([\w.]+(?:\/[\w.]+)*)\//gm)].map((m) => m[1]!);
    expect(named.filter((d) => !folders.has(d))).toEqual([]);
  });
});
