// The OpenAPI document covers every route of the route table, with its roles and errors, and its
// schemas are the ones that validate requests.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/api/handler';
import { routes } from '../../shared/http/route-table';
import { operationIdOf } from '../../shared/http/openapi';
import type { HttpEvent } from '../../shared/http/router';

type Op = {
  operationId: string;
  summary: string;
  'x-roles': string;
  parameters: { name: string; in: string }[];
  requestBody?: {
    content: {
      'application/json': { schema: { properties?: Record<string, unknown>; required?: string[] } };
    };
  };
  responses: Record<string, unknown>;
};

async function fetchDoc() {
  const r = await handler(
    { routeKey: 'GET /v1/openapi.json', headers: {}, requestContext: {} } as unknown as HttpEvent,
    {} as never,
  );
  expect(r.statusCode).toBe(200);
  return JSON.parse(r.body as string) as { openapi: string; paths: Record<string, Record<string, Op>> };
}

describe('GET /v1/openapi.json', () => {
  it('is OpenAPI 3.1 and documents every route with its roles and errors', async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toBe('3.1.0');
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!['x-roles']).toBe(r.access);
      if (r.access !== 'public')
        expect(Object.keys(op!.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('takes its schemas from the validators (unit body, upload body, status query)', async () => {
    const doc = await fetchDoc();
    const putUnit = doc.paths['/v1/units/{unitId}']!.put!;
    const unitSchema = putUnit.requestBody!.content['application/json'].schema;
    expect(Object.keys(unitSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['name', 'kind', 'tags', 'contacts']),
    );
    expect(putUnit.parameters.map((p) => `${p.in}:${p.name}`)).toContain('path:unitId');
    const upload = doc.paths['/v1/uploads']!.post!;
    expect(upload.requestBody!.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['obligationId', 'period', 'fileName', 'contentType', 'size']),
    );
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['413', '415']));
    const status = doc.paths['/v1/status']!.get!;
    expect(status.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      expect.arrayContaining(['obligationId', 'period', 'format', 'limit', 'cursor']),
    );
  });
});

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
type LintReport = { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };

/** Redocly CLI's lint (recommended ruleset, `servers` off: redocly.yaml), offline, telemetry off. */
async function redoclyLint(doc: unknown): Promise<LintReport> {
  const dir = await mkdtemp(join(tmpdir(), 'baosong-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const cli = join(projectRoot, 'node_modules/@redocly/cli/bin/cli.js');
    const args = [cli, 'lint', '--config', join(projectRoot, 'redocly.yaml'), '--format=json', file];
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
    // Exit status 1 means problems were found; the JSON report says which.
    const out = await promisify(execFile)(process.execPath, args, { env, cwd: dir }).catch(
      (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
    );
    return JSON.parse(out.stdout) as LintReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the document as generated clients and linters see it', () => {
  it('gives every operation a unique operationId', async () => {
    const doc = await fetchDoc();
    const ids = routes.map((r) => doc.paths[r.path]![r.method.toLowerCase()]!.operationId);
    expect(ids.every((id) => /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(routes.length);
    expect(doc.paths['/v1/units/{unitId}/contacts']!.put!.operationId).toBe('putUnitContacts');
    // a route added without a name of its own still gets one
    expect(operationIdOf({ method: 'POST', path: '/v1/units/{unitId}/archive' })).toBe('postUnitsByUnitIdArchive');
    expect(doc.paths['/v1/units/{unitId}/events']!.post!.operationId).toBe('declareEvent');
  });

  it('passes Redocly’s recommended lint with no error and no warning', async () => {
    const report = await redoclyLint(await fetchDoc());
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('(negative control) the same lint flags an operation without operationId', async () => {
    const doc = await fetchDoc();
    delete (doc.paths['/v1/me']!.get as Partial<Op>).operationId;
    const report = await redoclyLint(doc);
    expect(report.problems.map((p) => p.ruleId)).toContain('operation-operationId');
  }, 60_000);
});
