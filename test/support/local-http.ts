// HTTP helpers for tests against the local runtime (`npm start`'s, infra/local/): JSON requests
// with a bearer token, dev tokens and clock, and a byte-exact snapshot of the whole table (to
// prove a rejected request changed nothing).
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { LocalRuntime } from '../../infra/local/server';
import { TABLE } from '../../infra/local/server';

/** `body`: the parsed JSON (as loosely typed as JSON.parse's), undefined when not JSON. */
export type Reply = { status: number; headers: Headers; text: string; body: ReturnType<typeof JSON.parse> };

export async function request(
  rt: LocalRuntime,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    rawBody?: string;
    token?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply> {
  const res = await fetch(`${rt.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let body: Reply['body'];
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export const devToken = async (rt: LocalRuntime, body: { role: 'office' | 'unit'; unitId?: string }) =>
  (await request(rt, '/dev/token', { method: 'POST', body })).body.token as string;

export const setClock = (rt: LocalRuntime, now: string | null) =>
  request(rt, '/dev/clock', { method: 'POST', body: { now } });

/**
 * Every item of the local table, in key order, as one string (attribute names sorted): equal
 * strings mean a byte-for-byte equal table.
 */
export async function tableSnapshot(rt: LocalRuntime): Promise<string> {
  // A parallel scan (4 segments): the same items, sooner.
  const segments = await Promise.all(
    [0, 1, 2, 3].map(async (Segment) => {
      const out: Array<Record<string, AttributeValue>> = [];
      let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
      do {
        const r = await rt.clients.dynamodb.send(
          new ScanCommand({ TableName: TABLE, ExclusiveStartKey, Segment, TotalSegments: 4 }),
        );
        out.push(...(r.Items ?? []));
        ExclusiveStartKey = r.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return out;
    }),
  );
  const items = segments.flat();
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object' && !(v instanceof Uint8Array)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v instanceof Uint8Array
          ? Buffer.from(v).toString('base64')
          : v;
  const key = (i: Record<string, AttributeValue>) => `${i.PK?.S ?? ''}\u0000${i.SK?.S ?? ''}`;
  items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return JSON.stringify(items.map(canonical));
}
