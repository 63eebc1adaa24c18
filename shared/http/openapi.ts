// The OpenAPI 3.1 document, generated from the very zod schemas that validate requests and from
// the route table (roles), so it cannot drift from the code.
import * as z from 'zod';
import { type Access, type Route, routeKey, routes } from './route-table';
import { UPLOAD_FORM_WINDOW_SECONDS, UPLOAD_FORMS_PER_WINDOW } from '../app/submissions';
import type { RouteDef } from './router';

const ROLE_TEXT: Record<Access, string> = {
  public: 'anyone (no token)',
  any: 'office staff or a unit',
  office: 'office staff',
  unit: 'a reporting unit',
  'office-or-unit': 'office staff, or the unit that owns the resource',
};

/**
 * Each operation's `operationId` (what generated clients name their methods). A route not listed
 * here gets one derived from its method and path (`POST /v1/units/{unitId}/events` →
 * `postUnitsByUnitIdEvents`); the OpenAPI test checks that they are all unique.
 */
const OPERATION_IDS: Record<string, string> = {
  'GET /v1/health': 'getHealth',
  'GET /v1/openapi.json': 'getOpenApiDocument',
  'GET /v1/me': 'getMe',
  'GET /v1/units': 'listUnits',
  'GET /v1/units/{unitId}': 'getUnit',
  'PUT /v1/units/{unitId}': 'putUnit',
  'PUT /v1/units/{unitId}/contacts': 'putUnitContacts',
  'GET /v1/units/{unitId}/slots': 'listUnitSlots',
  'GET /v1/obligations': 'listObligations',
  'PUT /v1/obligations/{obligationId}': 'putObligation',
  'GET /v1/settings': 'getSettings',
  'PUT /v1/settings': 'putSettings',
  'GET /v1/calendar/{year}': 'getCalendarYear',
  'PUT /v1/calendar/{year}': 'putCalendarYear',
  'GET /v1/status': 'getStatusBoard',
  'GET /v1/overdue': 'listOverdue',
  'POST /v1/slots/{obligationId}/{period}/{unitId}/extension': 'extendSlot',
  'POST /v1/slots/{obligationId}/{period}/{unitId}/waiver': 'waiveSlot',
  'GET /v1/assessment': 'getAssessment',
  'GET /v1/audit': 'listAudit',
  'POST /v1/uploads': 'requestUpload',
  'GET /v1/submissions/{submissionId}': 'getSubmission',
  'POST /v1/submissions/{submissionId}/review': 'reviewSubmission',
  'POST /v1/chase': 'chase',
  'GET /v1/users': 'listUsers',
  'POST /v1/users': 'createUser',
  'POST /v1/users/{username}/disable': 'disableUser',
  'POST /v1/users/{username}/enable': 'enableUser',
  'POST /v1/units/{unitId}/events': 'declareEvent',
  'GET /v1/units/{unitId}/events': 'listUnitEvents',
  'POST /v1/slots/{obligationId}/{period}/{unitId}/acknowledge': 'acknowledgeSlot',
  'POST /v1/obligations/{obligationId}/templates': 'requestTemplateUpload',
  'GET /v1/obligations/{obligationId}/templates/{name}': 'downloadTemplate',
};

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
export function operationIdOf(r: Pick<Route, 'method' | 'path'>): string {
  const known = OPERATION_IDS[routeKey(r)];
  if (known) return known;
  const words = r.path
    .replace(/^\/v1\//, '')
    .split('/')
    .flatMap((seg) => {
      const param = /^\{(\w+)\}$/.exec(seg)?.[1];
      return param ? ['By', cap(param)] : seg.split(/[^A-Za-z0-9]+/).filter(Boolean).map(cap);
    });
  return `${r.method.toLowerCase()}${words.join('')}`;
}

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
            'too_many_requests',
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
    // API Gateway's stage throttling answers 429 for any route, before any function runs.
    responses['429'] = {
      description: 'too_many_requests: over the API’s rate limit; retry later (API Gateway answers it)',
    };
    if (routeKey(r) === 'POST /v1/uploads')
      responses['429'] = {
        ...err(
          `too_many_requests: more than ${UPLOAD_FORMS_PER_WINDOW} upload forms for this unit in the current ` +
            `${UPLOAD_FORM_WINDOW_SECONDS / 60}-minute window (nothing is recorded); retry after \`Retry-After\` ` +
            'seconds. API Gateway’s own throttling also answers 429, with no error body.',
        ),
        headers: {
          'Retry-After': {
            description: 'seconds until the unit’s window ends',
            schema: { type: 'integer', minimum: 1 },
          },
        },
      };
    paths[r.path]![r.method.toLowerCase()] = {
      operationId: operationIdOf(r),
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
      // The project is private (package.json) and names no licence: an SPDX LicenseRef says so.
      license: { name: 'Proprietary: not licensed for reuse', identifier: 'LicenseRef-Proprietary' },
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
