// The HTTP layer: one plain async handler per function that turns JWT claims into a role (SPEC §5),
// validates path, query and body with zod, maps every error to the SPEC's error shape, and logs one
// JSON line per request with no email address or phone number in it.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import type * as z from 'zod';
import { routeKey, routes, type Access } from './route-table';
import { AppError, type ErrorCode, type ErrorDetail, TooManyRequests } from '../domain/errors';
import type { Principal } from '../domain/model';
import { type ClaimNames, claimNames, groupsOf, usernameOf } from './claims';
import { logger } from '../adapters/logger';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = Exclude<APIGatewayProxyResultV2, string>;

export type Request<P, Q, B> = {
  params: P;
  query: Q;
  body: B;
  principal: Principal | null;
  headers: Record<string, string | undefined>;
};

export type RouteDef<P = unknown, Q = unknown, B = unknown> = {
  summary: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Success status (default 200). */
  status?: number;
  /** Response schema, for the OpenAPI document. */
  response?: z.ZodType;
  run(req: Request<P, Q, B>): Promise<unknown>;
};

/** Declares a route with inferred types (its answer's type too, for shared/http/api-types.ts). */
export const def = <P = unknown, Q = unknown, B = unknown, R = unknown>(
  d: RouteDef<P, Q, B> & { run(req: Request<P, Q, B>): Promise<R> },
) =>
  d as RouteDef<unknown, unknown, unknown> & RouteDef<P, Q, B> & { run(req: Request<P, Q, B>): Promise<R> };

/** A raw response (CSV, custom headers); anything else a handler returns is sent as JSON. */
export class HttpResponse {
  constructor(
    readonly statusCode: number,
    readonly body: string,
    readonly headers: Record<string, string>,
  ) {}
}

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  closed: 409,
  too_large: 413,
  unsupported_type: 415,
  too_many_requests: 429,
};

const json = (statusCode: number, body: unknown): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

export const errorBody = (code: ErrorCode, message: string, details?: ErrorDetail[]) => ({
  error: { code, message, ...(details?.length ? { details } : {}) },
});

export function zodDetails(err: z.ZodError, prefix: string): ErrorDetail[] {
  return err.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

/** JWT claims (as the API Gateway JWT authorizer passes them) → principal; claim names from ./claims. */
export function principalOf(
  claims: Record<string, unknown> | undefined,
  names: ClaimNames = claimNames(),
): Principal | null {
  if (!claims) return null;
  const sub = typeof claims.sub === 'string' ? claims.sub : 'unknown';
  const username = usernameOf(claims);
  const who = { sub, ...(username ? { username } : {}) };
  // HTTP APIs flatten array claims into "[office unit]"; a verified local token keeps the array.
  const groups = groupsOf(claims[names.role]);
  if (groups.includes('office')) return { role: 'office', ...who };
  const unitId = claims[names.unit];
  if (groups.includes('unit') && typeof unitId === 'string' && unitId) return { role: 'unit', ...who, unitId };
  return null;
}

function authorize(access: Access, principal: Principal | null, hasToken: boolean) {
  if (access === 'public') return;
  if (!hasToken) throw new AppError('unauthorized', 'a bearer token is required');
  if (!principal) throw new AppError('forbidden', 'the token carries no office or unit role');
  if (access === 'office' && principal.role !== 'office')
    throw new AppError('forbidden', 'office staff only');
  if (access === 'unit' && principal.role !== 'unit') throw new AppError('forbidden', 'reporting units only');
}

/** A unit may only see its own resources. */
export function assertOwnUnit(principal: Principal | null, unitId: string) {
  if (principal?.role === 'unit' && principal.unitId !== unitId)
    throw new AppError('forbidden', "another unit's resource");
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success)
    throw new AppError(
      'invalid_input',
      `invalid ${where}`,
      zodDetails(r.error, where === 'body' ? '' : where),
    );
  return r.data;
}

function readBody(event: HttpEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_input', 'the body is not valid JSON', [
      { field: 'body', message: 'not valid JSON' },
    ]);
  }
}

const accessByKey = new Map(routes.map((r) => [routeKey(r), r.access]));

/**
 * Every API response is `Cache-Control: no-store`, whatever its route or status: most carry contact
 * details or other units' data (units, unit, settings, boards, audit, submissions), and one rule
 * for all leaves no route to forget. Nothing the API answers is worth caching.
 */
export const NO_STORE = { 'cache-control': 'no-store' } as const;

export function httpRouter(defs: Record<string, RouteDef<unknown, unknown, unknown>>) {
  // Lambda passes (event, context); the context is not used.
  const routed = async (event: HttpEvent, _context?: unknown): Promise<HttpResult> => {
    const out = await base(event);
    return { ...out, headers: { ...out.headers, ...NO_STORE } };
  };
  const base = async (event: HttpEvent): Promise<HttpResult> => {
    const started = Date.now();
    let status = 500;
    let code: string | undefined;
    try {
      const d = defs[event.routeKey];
      const access = accessByKey.get(event.routeKey);
      if (!d || !access) throw new AppError('not_found', 'no such route');
      const headers = event.headers ?? {};
      const hasToken = /^Bearer\s+\S+/i.test(headers.authorization ?? headers.Authorization ?? '');
      const principal = principalOf(
        event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined,
      );
      authorize(access, principal, hasToken || principal !== null);
      const params = parse(d.params, event.pathParameters ?? {}, 'path');
      const query = parse(d.query, event.queryStringParameters ?? {}, 'query');
      const body = d.body ? parse(d.body, readBody(event), 'body') : undefined;
      const out = await d.run({ params, query, body, principal, headers });
      if (out instanceof HttpResponse) {
        status = out.statusCode;
        return { statusCode: out.statusCode, headers: out.headers, body: out.body };
      }
      status = d.status ?? 200;
      return json(status, out);
    } catch (err) {
      if (err instanceof AppError) {
        status = STATUS[err.code];
        code = err.code;
        const out = json(status, errorBody(err.code, err.message, err.details));
        if (err instanceof TooManyRequests)
          out.headers = {
            ...out.headers,
            'retry-after': String(Math.max(1, Math.ceil(err.retryAfterSeconds))),
          };
        return out;
      }
      status = 500;
      code = 'internal';
      logger.error('unhandled error', {
        route: event.routeKey,
        error: err instanceof Error ? err.name : 'unknown',
      });
      return json(500, { error: { code: 'internal', message: 'internal error' } });
    } finally {
      logger.info('request', { route: event.routeKey, status, code, ms: Date.now() - started });
    }
  };
  return routed;
}
