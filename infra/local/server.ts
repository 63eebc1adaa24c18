// The local runtime: the very Lambda handlers behind a plain HTTP server, on local stand-ins
// that speak AWS's wire protocols. Each request becomes an API Gateway HTTP API v2 event with
// the claims the Cognito JWT authorizer would pass.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { handler as api } from '../../functions/api/handler';
import { handler as chase } from '../../functions/chase/handler';
import { handler as uploads } from '../../functions/uploads/handler';
import { loadCalendar } from '../../shared/app/calendar';
import { declareEvent } from '../../shared/app/events';
import { openSlots } from '../../shared/app/open-slots';
import { SettableClock } from '../../shared/adapters/clock';
import { type Deps, setDeps } from '../../shared/adapters/container';
import { startOpeningQueue } from './opening-queue';
import { createTable } from '../../shared/adapters/dynamo/create-table';
import { DynamoStore } from '../../shared/adapters/dynamo/store';
import { TableUserDirectory } from '../../shared/adapters/dynamo/users';
import { getSettings } from '../../shared/app/admin';
import { shanghaiDate, shanghaiYear } from '../../shared/domain/dates';
import { defaultObligations, defaultSettings } from '../../shared/domain/defaults';
import type { HttpEvent, HttpResult } from '../../shared/http/router';
import { errorBody } from '../../shared/http/router';
import { type FunctionName, routeKey, routes } from '../../shared/http/route-table';
import { demoEvent, demoObligations, demoUnits } from './seed';
import { type Endpoints, LOCAL_CREDENTIALS, LOCAL_REGION, type S3Event, startStandIns } from './standins';
import { LocalTokens } from './tokens';
import { redact } from '../../shared/adapters/logger';

type Handler = (event: HttpEvent, context: never) => Promise<HttpResult>;
const handlers: Record<FunctionName, Handler> = {
  api: api as unknown as Handler,
  uploads: uploads as unknown as Handler,
  chase: chase as unknown as Handler,
};

export const TABLE = 'baosong';
export const BUCKET = 'baosong-uploads';

export type DevRequest = { body: unknown; query: URLSearchParams };
export type DevRoute = (req: DevRequest) => Promise<{ status?: number; body: unknown }>;

export type LocalRuntime = {
  url: string;
  endpoints: Endpoints;
  deps: Deps;
  clock: SettableClock;
  tokens: LocalTokens;
  clients: { dynamodb: DynamoDBClient };
  /** Local-only routes (`POST /dev/…`); pipelines add theirs. */
  dev: Map<string, DevRoute>;
  /** S3 events from the stand-in; the uploads pipeline subscribes. */
  s3Listeners: Array<(e: S3Event) => void>;
  /** The web pages (GET `/`, `/assets/…`, `/config.json`), when a plugin serves them; see web.ts. */
  pages?: (pathname: string, res: ServerResponse) => Promise<boolean>;
  /** Stops what pipelines started (timers, queues) before the stand-ins go. */
  onStop: Array<() => Promise<void> | void>;
  stop(): Promise<void>;
};

const compiled = routes.map((r) => ({
  route: r,
  re: new RegExp(`^${r.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}));

/** A path segment, percent-decoded; null when its escapes are malformed (`%E4%B8`, `%zz`). */
function decodePathSegment(v: string): string | null {
  try {
    return decodeURIComponent(v);
  } catch {
    return null;
  }
}

function matchRoute(method: string, path: string) {
  for (const c of compiled) {
    const m = c.re.exec(path);
    if (m && c.route.method === method) {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) {
        const decoded = decodePathSegment(v);
        if (decoded === null) return { malformed: k };
        params[k] = decoded;
      }
      return { route: c.route, params };
    }
  }
  return compiled.some((c) => c.re.test(path)) ? 'method' : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

/**
 * Seeds the default obligations (those missing by id), settings and demo units on a fresh table,
 * and opens this year's slots. With the demo units come one obligation of each remaining kind — a
 * quarterly report and a one-off request — and one declared event, so the board shows all six kinds.
 */
async function seed(d: Deps, withDemoUnits: boolean) {
  const { store, clock } = d;
  const now = clock.now();
  const [obligations, settings, units] = await Promise.all([
    store.listObligations(),
    store.getSettings(),
    store.listUnits(),
  ]);
  const have = new Set(obligations.map((o) => o.obligationId));
  const ops = [];
  for (const o of defaultObligations)
    if (!have.has(o.obligationId)) ops.push({ type: 'putObligation' as const, obligation: o });
  if (!settings) ops.push({ type: 'putSettings' as const, settings: defaultSettings });
  const demo = withDemoUnits && units.length === 0;
  if (demo) {
    for (const u of demoUnits) ops.push({ type: 'putUnit' as const, unit: u });
    for (const o of demoObligations(shanghaiDate(now)))
      ops.push({ type: 'putObligation' as const, obligation: o });
  }
  for (const op of ops) await store.write([op]);
  const year = shanghaiYear(now);
  const cal = await loadCalendar(store, [year]);
  const opened = await openSlots(store, cal, {
    year,
    units: await store.listUnits(),
    obligations: await store.listObligations(),
    now,
  });
  if (demo)
    await declareEvent(
      { store },
      { role: 'office', sub: 'seed' },
      demoEvent.unitId,
      demoEvent.body(shanghaiDate(now)),
      now,
    );
  return opened;
}

export type LocalOptions = {
  port?: number;
  /** Where data persists; undefined = in memory (tests). */
  dataDir?: string;
  demoUnits?: boolean;
  quiet?: boolean;
  /** Extra wiring (S3 uploads pipeline, notification pipeline) run before the server listens. */
  plugins?: Array<(rt: LocalRuntime) => Promise<void> | void>;
};

export async function startLocal(opts: LocalOptions = {}): Promise<LocalRuntime> {
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
  const s3Listeners: LocalRuntime['s3Listeners'] = [];
  const standins = await startStandIns({
    dataDir,
    quiet: opts.quiet ?? true,
    onS3Event: (e) => {
      for (const l of s3Listeners) l(e);
    },
  });
  const { endpoints } = standins;
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
  await createTable(dynamodb, TABLE);
  const clock = new SettableClock();
  const store = new DynamoStore(dynamodb, TABLE);
  const deps: Deps = { store, clock };
  // The stand-in for the Cognito pool: users in the local table, the invitation through the mailer.
  deps.users = new TableUserDirectory(dynamodb, TABLE, {
    mailer: () => deps.mailer,
    from: async () => (await getSettings(store)).senderEmail,
  });
  // Slot opening as on AWS: jobs through the opener handler, drained before the caller answers.
  const opening = startOpeningQueue();
  deps.opener = opening;
  setDeps(deps);
  const tokens = LocalTokens.fromFile(dataDir ? resolve(dataDir, 'jwt-secret') : undefined);
  const dev = new Map<string, DevRoute>();
  const onStop: LocalRuntime['onStop'] = [];

  // { username } signs in as a user of the local directory (created with POST /v1/users);
  // { role, unitId? } mints a token for any role, as before.
  dev.set('POST /dev/token', async ({ body }) => {
    const b = z
      .union([
        z.strictObject({ username: z.string().min(1).max(64) }),
        z
          .object({ role: z.enum(['office', 'unit']), unitId: z.string().optional() })
          .refine((v) => v.role === 'office' || !!v.unitId, {
            message: 'a unit token needs unitId',
            path: ['unitId'],
          }),
      ])
      .safeParse(body ?? {});
    if (!b.success)
      return {
        status: 400,
        body: errorBody(
          'invalid_input',
          'invalid body: { username } or { role, unitId? }',
          b.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        ),
      };
    if (!('username' in b.data)) return { body: { token: await tokens.issue(b.data) } };
    const user = await deps.users!.get(b.data.username);
    if (!user) return { status: 404, body: errorBody('not_found', `user ${b.data.username} not found`) };
    if (!user.enabled)
      return { status: 403, body: errorBody('forbidden', `user ${user.username} is disabled`) };
    const { username, role, unitId } = user;
    return { body: { token: await tokens.issue({ username, role, ...(unitId ? { unitId } : {}) }) } };
  });
  // The sign-in picker's list: who may sign in locally (no email addresses).
  dev.set('GET /dev/users', async () => ({
    body: {
      items: (await deps.users!.list()).map(({ username, role, unitId, enabled }) => ({
        username,
        role,
        ...(unitId ? { unitId } : {}),
        enabled,
      })),
    },
  }));
  dev.set('POST /dev/clock', async ({ body }) => {
    const b = z.object({ now: z.iso.datetime({ offset: true }).nullable() }).safeParse(body ?? {});
    if (!b.success)
      return {
        status: 400,
        body: errorBody('invalid_input', 'invalid body', [
          { field: 'now', message: 'ISO-8601 instant or null' },
        ]),
      };
    clock.set(b.data.now ? new Date(b.data.now) : null);
    return { body: { now: clock.now().toISOString(), fixed: clock.isSet } };
  });

  let server: Server | undefined;
  const rt: LocalRuntime = {
    url: '',
    endpoints,
    deps,
    clock,
    tokens,
    clients: { dynamodb },
    dev,
    s3Listeners,
    onStop,
    async stop() {
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server?.closeAllConnections?.();
      for (const f of onStop) await f();
      await opening.close();
      setDeps(undefined);
      await standins.stop();
    },
  };
  for (const p of opts.plugins ?? []) await p(rt);
  await seed(deps, opts.demoUnits ?? true);

  server = createServer((req, res) => {
    handle(rt, req, res).catch((err) => {
      console.error('local runtime error', redact(err instanceof Error ? err.message : String(err)));
      if (!res.headersSent) send(res, 500, { error: { code: 'internal', message: 'internal error' } });
    });
  });
  await new Promise<void>((r) => server!.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  rt.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The pages are served at / of this same origin: notices link to them here.
  deps.webBaseUrl = rt.url;
  return rt;
}

async function handle(rt: LocalRuntime, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const text = await readBody(req);

  if (method === 'GET' && rt.pages && (await rt.pages(url.pathname, res))) return;

  if (url.pathname.startsWith('/dev/')) {
    const route = rt.dev.get(`${method} ${url.pathname}`);
    if (!route) return send(res, 404, errorBody('not_found', 'no such route'));
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return send(
        res,
        400,
        errorBody('invalid_input', 'the body is not valid JSON', [
          { field: 'body', message: 'not valid JSON' },
        ]),
      );
    }
    const out = await route({ body, query: url.searchParams });
    return send(res, out.status ?? 200, out.body);
  }

  const m = matchRoute(method, url.pathname);
  if (!m) return send(res, 404, errorBody('not_found', 'no such route'));
  // As API Gateway: a path served for another method is simply not a route.
  if (m === 'method') return send(res, 404, errorBody('not_found', 'no such route'));
  if ('malformed' in m)
    return send(
      res,
      400,
      errorBody('invalid_input', 'invalid path', [
        { field: `path.${m.malformed}`, message: 'a malformed percent-escape' },
      ]),
    );

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;

  // The JWT authorizer: protected routes need a valid token (as API Gateway answers 401 itself).
  let claims: Record<string, unknown> | undefined;
  if (m.route.access !== 'public') {
    const token = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    claims = token ? ((await rt.tokens.verify(token)) ?? undefined) : undefined;
    if (!claims)
      return send(
        res,
        401,
        errorBody('unauthorized', token ? 'invalid or expired token' : 'a bearer token is required'),
      );
  }

  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  const key = routeKey(m.route);
  const event = {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(m.params).length ? m.params : undefined,
    body: text || undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: claims
        ? { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } }
        : undefined,
    },
  } as unknown as HttpEvent;

  const out = await handlers[m.route.fn](event, {} as never);
  // Encoded once (a board of thousands of Chinese names is half a megabyte: ending with the string
  // would measure its UTF-8 length and then encode it again).
  const body = Buffer.from(out.body ?? '', 'utf8');
  res.writeHead(out.statusCode ?? 200, {
    ...((out.headers ?? {}) as Record<string, string>),
    'content-length': String(body.length),
  });
  res.end(body);
}
