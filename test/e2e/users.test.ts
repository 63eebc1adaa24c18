// Accounts (SPEC §5 users) on the local runtime: the office creates a unit user through the API,
// the Chinese invitation arrives at the SES stand-in, the user signs in locally
// (POST /dev/token { username }) and sees only its unit; disable, enable, a unit's deactivation,
// the audit trail (no email addresses), bad input; and the china profile's read-only directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyPipeline } from '../../infra/local/notify-pipeline';
import { plugins } from '../../infra/local/plugins';
import { type LocalRuntime, startLocal, TABLE } from '../../infra/local/server';
import { KnownUserDirectory } from '../../shared/adapters/dynamo/users';

const A = 'chengguan-town';
const B = 'nanhu-town';
let rt: LocalRuntime;
let office = '';

type Json = Record<string, unknown> & { error?: { code: string; message: string; details?: unknown[] } };
async function call(method: string, path: string, body?: unknown, token = office) {
  const r = await fetch(`${rt.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Json };
}
const signIn = (username: string) => call('POST', '/dev/token', { username }, '');

beforeAll(async () => {
  rt = await startLocal({ plugins });
  rt.clock.set(new Date('2026-03-02T10:00:00+08:00'));
  office = await rt.tokens.issue({ role: 'office' });
}, 120_000);
afterAll(async () => rt?.stop(), 60_000);

describe('users: create, sign in, see only its own unit', () => {
  it('creates a unit user and sends the Chinese invitation email', async () => {
    await notifyPipeline(rt).clearOutbox();
    const r = await call('POST', '/v1/users', {
      username: 'cg.liaison',
      email: 'cg.liaison@example.gov.cn',
      role: 'unit',
      unitId: A,
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({
      username: 'cg.liaison',
      email: 'cg.liaison@example.gov.cn',
      role: 'unit',
      unitId: A,
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
    });
    const { emails } = await notifyPipeline(rt).outbox();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.to).toBe('cg.liaison@example.gov.cn');
    expect(emails[0]!.subject).toBe('【报送系统】账号开通通知');
    expect(emails[0]!.text).toContain('用户名：cg.liaison');
    expect(emails[0]!.text).toMatch(/临时密码：\S{14}/);
    expect(emails[0]!.text).toContain('首次登录时请修改密码');
  });

  it('lists it (office only) and the local sign-in picker lists it without the email address', async () => {
    const list = await call('GET', '/v1/users');
    expect(list.status).toBe(200);
    expect(list.json.items).toContainEqual(expect.objectContaining({ username: 'cg.liaison', unitId: A }));
    const picker = (await (await fetch(`${rt.url}/dev/users`)).json()) as { items: unknown[] };
    expect(picker.items).toContainEqual({ username: 'cg.liaison', role: 'unit', unitId: A, enabled: true });
    expect(JSON.stringify(picker)).not.toContain('@');
    const unitToken = await rt.tokens.issue({ role: 'unit', unitId: A });
    expect((await call('GET', '/v1/users', undefined, unitToken)).status).toBe(403);
  });

  it('the created user signs in locally and sees only its own unit', async () => {
    const t = await signIn('cg.liaison');
    expect(t.status).toBe(200);
    const token = t.json.token as string;
    expect((await call('GET', '/v1/me', undefined, token)).json).toEqual({ role: 'unit', unitId: A });
    const own = await call('GET', `/v1/units/${A}/slots?year=2026`, undefined, token);
    expect(own.status).toBe(200);
    expect((own.json.items as Array<{ unitId: string }>).every((s) => s.unitId === A)).toBe(true);
    expect((own.json.items as unknown[]).length).toBeGreaterThan(0);
    expect((await call('GET', `/v1/units/${B}/slots?year=2026`, undefined, token)).status).toBe(403);
    expect((await call('GET', '/v1/units', undefined, token)).status).toBe(403);
  });

  it('keeps { role, unitId } tokens working, and refuses an unknown username (404)', async () => {
    const t = await call('POST', '/dev/token', { role: 'unit', unitId: B }, '');
    expect((await call('GET', '/v1/me', undefined, t.json.token as string)).json).toEqual({
      role: 'unit',
      unitId: B,
    });
    expect((await signIn('nobody-here')).status).toBe(404);
    expect((await call('POST', '/dev/token', {}, '')).status).toBe(400);
  });

  it('office staff too: an office user reads as office', async () => {
    const r = await call('POST', '/v1/users', {
      username: 'fzb.wang',
      email: 'wang@example.gov.cn',
      role: 'office',
    });
    expect(r.status).toBe(201);
    const token = (await signIn('fzb.wang')).json.token as string;
    expect((await call('GET', '/v1/me', undefined, token)).json).toEqual({ role: 'office' });
    expect((await call('GET', '/v1/units', undefined, token)).status).toBe(200);
  });
});

describe('users: bad input and conflicts change nothing', () => {
  it.each([
    [{ username: 'a@b.cn', email: 'x@example.gov.cn', role: 'office' }, 'username'],
    [{ username: 'no-unit', email: 'x@example.gov.cn', role: 'unit' }, 'unitId'],
    [{ username: 'office-unit', email: 'x@example.gov.cn', role: 'office', unitId: A }, 'unitId'],
    [{ username: 'bad-mail', email: 'not-an-email', role: 'office' }, 'email'],
    [{ username: 'bad-role', email: 'x@example.gov.cn', role: 'admin' }, 'role'],
    [{ username: 'extra', email: 'x@example.gov.cn', role: 'office', admin: true }, ''],
  ])('%j → 400 naming %s', async (body, field) => {
    const before = ((await call('GET', '/v1/users')).json.items as unknown[]).length;
    const r = await call('POST', '/v1/users', body);
    expect(r.status).toBe(400);
    expect(r.json.error?.code).toBe('invalid_input');
    if (field) expect(JSON.stringify(r.json.error?.details)).toContain(field);
    expect(((await call('GET', '/v1/users')).json.items as unknown[]).length).toBe(before);
  });

  it('a taken username is 409; an unknown unit 404; an unknown user 404', async () => {
    const dup = await call('POST', '/v1/users', {
      username: 'cg.liaison',
      email: 'o@example.gov.cn',
      role: 'office',
    });
    expect(dup.status).toBe(409);
    expect(dup.json.error?.code).toBe('conflict');
    const noUnit = await call('POST', '/v1/users', {
      username: 'ghost',
      email: 'g@example.gov.cn',
      role: 'unit',
      unitId: 'no-such-unit',
    });
    expect(noUnit.status).toBe(404);
    expect((await call('POST', '/v1/users/nobody-here/disable')).status).toBe(404);
  });
});

describe('users: disable, enable, and a unit deactivated with its users', () => {
  it('a disabled user cannot sign in; enabling lets them back; both are audited without addresses', async () => {
    const d = await call('POST', '/v1/users/cg.liaison/disable');
    expect(d.status).toBe(200);
    expect(d.json).toMatchObject({ username: 'cg.liaison', enabled: false });
    const refused = await signIn('cg.liaison');
    expect(refused.status).toBe(403);
    expect(refused.json.error?.code).toBe('forbidden');
    expect((await call('POST', '/v1/users/cg.liaison/enable')).json).toMatchObject({ enabled: true });
    expect((await signIn('cg.liaison')).status).toBe(200);

    const trail = await call('GET', `/v1/audit?unitId=${A}&year=2026`);
    const actions = (trail.json.items as Array<{ action: string; detail?: { username?: string } }>)
      .filter((e) => e.detail?.username === 'cg.liaison')
      .map((e) => e.action);
    expect(actions).toEqual(['user-enabled', 'user-disabled', 'user-created']);
    expect(JSON.stringify(trail.json)).not.toMatch(/cg\.liaison@/);
    const officeTrail = await call('GET', '/v1/audit?year=2026');
    expect(JSON.stringify(officeTrail.json)).toContain('fzb.wang');
    expect(JSON.stringify(officeTrail.json)).not.toContain('wang@example.gov.cn');
  });

  it('deactivating a unit disables its users; they cannot be enabled or created until it is active', async () => {
    const unit = (await call('GET', `/v1/units/${A}`)).json;
    const { unitId: _id, ...body } = unit;
    expect((await call('PUT', `/v1/units/${A}`, { ...body, active: false })).status).toBe(200);
    const user = (
      (await call('GET', '/v1/users')).json.items as Array<{ username: string; enabled: boolean }>
    ).find((u) => u.username === 'cg.liaison');
    expect(user?.enabled).toBe(false);
    expect((await signIn('cg.liaison')).status).toBe(403);
    const trail = await call('GET', `/v1/audit?unitId=${A}&year=2026`);
    expect(trail.json.items).toContainEqual(
      expect.objectContaining({
        action: 'user-disabled',
        detail: expect.objectContaining({ username: 'cg.liaison', reason: 'unit deactivated' }),
      }),
    );
    expect((await call('POST', '/v1/users/cg.liaison/enable')).status).toBe(409);
    const create = await call('POST', '/v1/users', {
      username: 'cg.second',
      email: 'second@example.gov.cn',
      role: 'unit',
      unitId: A,
    });
    expect(create.status).toBe(409);
    // Reactivated, the unit's users may be enabled again.
    expect((await call('PUT', `/v1/units/${A}`, { ...body, active: true })).status).toBe(200);
    expect((await call('POST', '/v1/users/cg.liaison/enable')).status).toBe(200);
  });
});

describe('users: china profile (accounts in the government identity provider)', () => {
  it('lists the mapping seen at sign-in and refuses to create, disable or enable (409, says where)', async () => {
    const local = rt.deps.users;
    rt.deps.users = new KnownUserDirectory(
      rt.clients.dynamodb,
      TABLE,
      'https://idp.example.gov.cn/realms/district',
    );
    try {
      const r = await call('POST', '/v1/users', {
        username: 'new.one',
        email: 'n@example.gov.cn',
        role: 'office',
      });
      expect(r.status).toBe(409);
      expect(r.json.error?.code).toBe('conflict');
      expect(r.json.error?.message).toContain(
        'identity provider (https://idp.example.gov.cn/realms/district)',
      );
      expect((await call('POST', '/v1/users/cg.liaison/disable')).status).toBe(409);
      expect((await call('POST', '/v1/users/cg.liaison/enable')).status).toBe(409);

      const seen = await rt.tokens.issue({ role: 'unit', unitId: B, username: 'nh.zhang' });
      expect((await call('GET', '/v1/me', undefined, seen)).status).toBe(200);
      const list = await call('GET', '/v1/users');
      expect(list.json.items).toContainEqual({
        username: 'nh.zhang',
        email: '',
        role: 'unit',
        unitId: B,
        enabled: true,
        status: 'EXTERNAL_PROVIDER',
      });
    } finally {
      rt.deps.users = local;
    }
  });
});
