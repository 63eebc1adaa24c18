// The OpenAPI 3.1 document, generated from the very zod schemas that validate requests and from
// the route table (roles), so it cannot drift from the code.
import * as z from 'zod';
import { type Access, routeKey, routes } from '../../infra/routes';
import type { RouteDef } from './router';

const ROLE_TEXT: Record<Access, string> = {
  public: 'anyone (no token)',
  any: 'office staff or a unit',
  office: 'office staff',
  unit: 'a reporting unit',
  'office-or-unit': 'office staff, or the unit that owns the resource',
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [
            'invalid_input',
            'unauthorized',
            'forbidden',
            'not_found',
            'conflict',
            'closed',
            'too_large',
            'unsupported_type',
          ],
        },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

const jsonSchema = (s: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
  }));
}

const err = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export function buildOpenApi(defs: Record<string, RouteDef<unknown, unknown, unknown>>) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const d = defs[routeKey(r)];
    if (!d) continue;
    const responses: Record<string, unknown> = {
      [String(d.status ?? 200)]: {
        description: 'success',
        content: { 'application/json': { schema: d.response ? jsonSchema(d.response) : {} } },
      },
    };
    if (d.params || d.query || d.body)
      responses['400'] = err('invalid_input: `details` names each offending field');
    if (r.access !== 'public') {
      responses['401'] = err('unauthorized: no valid bearer token');
      responses['403'] = err('forbidden: the caller’s role may not do this');
    }
    if (d.params) responses['404'] = err('not_found');
    if (r.method !== 'GET') responses['409'] = err('conflict or closed');
    if (routeKey(r) === 'POST /v1/uploads') {
      responses['413'] = err('too_large');
      responses['415'] = err('unsupported_type');
    }
    paths[r.path] ??= {};
    paths[r.path]![r.method.toLowerCase()] = {
      summary: d.summary,
      description: `Who: ${ROLE_TEXT[r.access]}.`,
      'x-roles': r.access,
      security: r.access === 'public' ? [] : [{ bearer: [] }],
      parameters: [...parameters(d.params, 'path'), ...parameters(d.query, 'query')],
      ...(d.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(d.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'baosong (报送) API',
      version: '1.0.0',
      description:
        'Collects the periodic rule-of-law reports a district office demands from its units, and chases late ones.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (Cognito ID token)' } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
