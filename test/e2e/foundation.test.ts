// `npm start` as a newcomer runs it: a child process, driven over HTTP, stopped with Ctrl-C,
// started again on the same data.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/free-port';

const dataDir = mkdtempSync(join(tmpdir(), 'baosong-e2e-'));
let child: ChildProcess | undefined;
let base = '';

async function start(): Promise<void> {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(join('node_modules', '.bin', 'tsx'), ['infra/local/main.ts'], {
    env: { ...process.env, PORT: String(port), BAOSONG_DATA_DIR: dataDir, NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out}`)), 90_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('baosong is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

async function stop(): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child!.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

type Proc = { pid: number; ppid: number; started: string; cmd: string };
/** Every process, read from /proc (no pgrep: its absence must not pass the check). */
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid … starttime (field 22); comm may hold spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      out.push({ pid: Number(name), ppid: Number(rest[1]), started: rest[19] ?? '', cmd });
    } catch {
      // the process ended while we read: it is not running
    }
  }
  return out;
}
/** The child's own process tree (other tests run java and node beside it). */
function treeOf(root: number): Proc[] {
  const all = processes();
  const tree: Proc[] = [];
  let frontier = [root];
  while (frontier.length) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    tree.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return tree;
}
/** Those of `procs` still running (same pid and same start time: not a reused pid). */
const stillRunning = (procs: Proc[]) => {
  const now = processes();
  return procs.filter((p) => now.some((q) => q.pid === p.pid && q.started === p.started));
};

async function token(body: object): Promise<string> {
  const r = await fetch(`${base}/dev/token`, { method: 'POST', body: JSON.stringify(body) });
  return ((await r.json()) as { token: string }).token;
}
const call = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });

beforeAll(start, 120_000);
afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('npm start, over HTTP', () => {
  it('answers health without a token and refuses everything else without one (401)', async () => {
    expect(await (await call('/v1/health')).json()).toEqual({ ok: true });
    const r = await call('/v1/units');
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('seeds the seven default obligations, one demo obligation of each other kind and at least 12 demo units', async () => {
    const office = await token({ role: 'office' });
    const obs = (await (await call('/v1/obligations', { token: office })).json()) as {
      items: { obligationId: string }[];
    };
    expect(obs.items.map((o) => o.obligationId).sort()).toEqual([
      'annual-plan',
      'annual-summary',
      'enforcement-quarterly',
      'half-year-report',
      'law-study',
      'monthly-publicity',
      'normative-filing',
      'normative-review',
      'self-inspection',
    ]);
    // One of each of the six kinds, and a declared event with its slots.
    const kinds = new Set((obs.items as Array<{ kind?: string }>).map((o) => o.kind));
    expect([...kinds].sort()).toEqual(['deadline', 'event', 'monthly', 'once', 'quarterly', 'quota']);
    const year = new Date(Date.now() + 8 * 3600_000 - 10 * 86_400_000).getUTCFullYear(); // the demo event: 10 days ago
    const events = (await (
      await call(`/v1/units/chengguan-town/events?year=${year}`, { token: office })
    ).json()) as { items: Array<{ obligationId: string; slots: unknown[] }> };
    expect(events.items.map((e) => [e.obligationId, e.slots.length])).toEqual([['normative-filing', 2]]);
    const units = (await (await call('/v1/units', { token: office })).json()) as {
      items: { name: string; tags: string[] }[];
    };
    expect(units.items.length).toBeGreaterThanOrEqual(12);
    expect(units.items.map((u) => u.name)).toContain('区司法局');
    expect(units.items.some((u) => u.tags.includes('law-enforcement'))).toBe(true);
  });

  it('tells each caller its role', async () => {
    expect(await (await call('/v1/me', { token: await token({ role: 'office' }) })).json()).toEqual({
      role: 'office',
    });
    expect(
      await (await call('/v1/me', { token: await token({ role: 'unit', unitId: 'nanhu-town' }) })).json(),
    ).toEqual({
      role: 'unit',
      unitId: 'nanhu-town',
    });
  });

  it('refuses a unit token on office routes (403)', async () => {
    const unit = await token({ role: 'unit', unitId: 'nanhu-town' });
    for (const path of ['/v1/units', '/v1/settings', '/v1/units/nanhu-town']) {
      const r = await call(path, { token: unit });
      expect(r.status, path).toBe(403);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    const put = await call('/v1/units/nanhu-town', { method: 'PUT', token: unit, body: '{}' });
    expect(put.status).toBe(403);
  });

  it('answers 400 with details naming the field for an invalid unit, and changes nothing', async () => {
    const office = await token({ role: 'office' });
    const r = await call('/v1/units/bad-unit', {
      method: 'PUT',
      token: office,
      body: JSON.stringify({
        name: '坏单位',
        kind: 'village',
        contacts: [{ role: 'liaison', name: '张三', phone: '13800000000' }],
      }),
    });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { code: string; details: { field: string }[] } };
    expect(body.error.code).toBe('invalid_input');
    const fields = body.error.details.map((d) => d.field);
    expect(fields).toContain('kind');
    expect(fields).toContain('contacts.0.phone');
    expect((await call('/v1/units/bad-unit', { token: office })).status).toBe(404);
    const badId = await call('/v1/units/Bad_Id', {
      method: 'PUT',
      token: office,
      body: JSON.stringify({ name: 'x', kind: 'town' }),
    });
    expect(badId.status).toBe(400);
    const notJson = await call('/v1/settings', { method: 'PUT', token: office, body: '{not json' });
    expect(notJson.status).toBe(400);
  });

  it('answers 404 for an unknown unit', async () => {
    const r = await call('/v1/units/no-such-unit', { token: await token({ role: 'office' }) });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('keeps a unit written before a restart, and leaves no java running after Ctrl-C', async () => {
    let office = await token({ role: 'office' });
    const unit = {
      name: '测试街道',
      kind: 'town',
      tags: ['law-enforcement'],
      contacts: [{ role: 'liaison', name: '李四', email: 'li@example.gov.cn', phone: '+8613800001234' }],
    };
    const put = await call('/v1/units/test-street', {
      method: 'PUT',
      token: office,
      body: JSON.stringify(unit),
    });
    expect(put.status).toBe(201);
    const slots = (await (await call('/v1/units/test-street/slots', { token: office })).json()) as {
      items: unknown[];
    };
    expect(slots.items.length).toBe(4 + 12 + 4 + 1); // three deadlines, the quota, twelve months of publicity, four quarters and the demo one-off request

    // The check can see what it looks for: the stand-ins' java is in this child's tree.
    const java = treeOf(child!.pid!).filter((p) => /\bjava\b/.test(p.cmd) && p.cmd.includes(dataDir));
    expect(java).toHaveLength(1);
    await stop();
    expect(stillRunning(java).map((p) => p.cmd)).toEqual([]);
    await start();

    office = await token({ role: 'office' });
    const back = (await (await call('/v1/units/test-street', { token: office })).json()) as typeof unit & {
      unitId: string;
    };
    expect(back).toMatchObject({ unitId: 'test-street', ...unit, active: true });
    const again = await call('/v1/units/test-street', {
      method: 'PUT',
      token: office,
      body: JSON.stringify(unit),
    });
    expect(again.status).toBe(200);
  }, 180_000);
});
