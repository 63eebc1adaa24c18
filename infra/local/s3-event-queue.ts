/**
 * A tiny loopback HTTP queue of S3 events, so processes other than the one running s3rver
 * (e.g. vitest workers, while s3rver lives in the global-setup process) can consume them.
 *
 * - `GET /events?bucket=<name>[&waitMs=<n>]` drains and returns the events recorded for that
 *   bucket as JSON `{ Records: [...] }[]`. With `waitMs` (≤ 30000) and nothing queued, it
 *   long-polls until an event for that bucket arrives or the time is up (then `[]`).
 * - `POST /clear` drops everything queued.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { S3Event } from './standins.js';

export type S3EventQueue = {
  endpoint: string;
  push(event: S3Event): void;
  close(): Promise<void>;
};

function bucketOf(event: S3Event): string {
  const r = event.Records[0] as { s3?: { bucket?: { name?: string } } } | undefined;
  return r?.s3?.bucket?.name ?? '';
}

export async function startS3EventQueue(): Promise<S3EventQueue> {
  const queues = new Map<string, S3Event[]>();
  const waiters = new Map<string, Set<() => void>>();

  const drain = (bucket: string): S3Event[] => {
    const events = queues.get(bucket) ?? [];
    queues.delete(bucket);
    return events;
  };

  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/clear') {
      queues.clear();
      reply(res, 200, { ok: true });
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/events') {
      reply(res, 404, { error: 'not found' });
      return;
    }
    const bucket = url.searchParams.get('bucket');
    if (!bucket) {
      reply(res, 400, { error: 'bucket query parameter is required' });
      return;
    }
    const waitMs = Math.min(Math.max(Number(url.searchParams.get('waitMs') ?? 0) || 0, 0), 30_000);
    const ready = queues.get(bucket);
    if ((ready && ready.length > 0) || waitMs === 0) {
      reply(res, 200, drain(bucket));
      return;
    }
    const set = waiters.get(bucket) ?? new Set<() => void>();
    waiters.set(bucket, set);
    const wake = (): void => {
      clearTimeout(timer);
      set.delete(wake);
      if (!res.writableEnded) reply(res, 200, drain(bucket));
    };
    const timer = setTimeout(wake, waitMs);
    set.add(wake);
    res.on('close', () => {
      clearTimeout(timer);
      set.delete(wake);
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('S3 event queue: no address');
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    push(event) {
      const bucket = bucketOf(event);
      const list = queues.get(bucket) ?? [];
      list.push(event);
      queues.set(bucket, list);
      const first = waiters.get(bucket)?.values().next().value;
      first?.();
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/**
 * Client side: waits until at least `count` events for `bucket` have been drained from the
 * queue at `endpoint` (or `timeoutMs` passes) and returns all drained events.
 */
export async function waitForS3Events(
  endpoint: string,
  bucket: string,
  opts: { count?: number; timeoutMs?: number } = {},
): Promise<S3Event[]> {
  const count = opts.count ?? 1;
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const got: S3Event[] = [];
  for (;;) {
    const waitMs = Math.max(0, Math.min(5000, deadline - Date.now()));
    const res = await fetch(`${endpoint}/events?bucket=${encodeURIComponent(bucket)}&waitMs=${waitMs}`);
    if (!res.ok) throw new Error(`S3 event queue answered ${res.status}`);
    got.push(...((await res.json()) as S3Event[]));
    if (got.length >= count || Date.now() >= deadline) return got;
  }
}
