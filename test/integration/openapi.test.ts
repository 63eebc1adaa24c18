// The OpenAPI document covers every route of the route table, with its roles and errors, and its
// schemas are the ones that validate requests.
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/api/handler';
import { routes } from '../../infra/routes';
import type { HttpEvent } from '../../shared/http/router';

type Op = {
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
