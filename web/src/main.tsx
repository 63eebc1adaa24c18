// The web pages: the units' portal and the office console (SPEC §6 "In the browser").
import './style.css';
import { type ComponentType, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, configureApi, explain } from './api';
import { type Auth, createAuth } from './auth';
import { Portal } from './portal';
import { type Route, useRoute } from './route';
import type { Me, Unit, WebConfig } from './types';

type OfficeProps = { route: Route };

function SignIn({ auth, expired, onDone }: { auth: Auth; expired: boolean; onDone: () => void }) {
  const [units, setUnits] = useState<Unit[]>([]);
  const [unitId, setUnitId] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    if (auth.mode !== 'local') return;
    // Local only: the picker lists the demo units with a throwaway office token.
    (async () => {
      const res = await fetch('/dev/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'office' }),
      });
      const { token } = (await res.json()) as { token: string };
      const list = await fetch('/v1/units?limit=1000', { headers: { authorization: `Bearer ${token}` } });
      const items = ((await list.json()) as { items: Unit[] }).items;
      setUnits(items);
      setUnitId(items[0]?.unitId ?? '');
    })().catch((e) => setError(explain(e)));
  }, [auth]);
  const go = async (choice?: { role: 'office' | 'unit'; unitId?: string }) => {
    try {
      await auth.signIn(choice);
      onDone();
    } catch (e) {
      setError(explain(e));
    }
  };
  return (
    <main class="signin" id="main">
      <h1>依法行政报送系统</h1>
      {expired && <p class="notice">登录已过期，请重新登录。</p>}
      {auth.mode === 'oidc' ? (
        <button type="button" class="primary" onClick={() => go()}>
          登录
        </button>
      ) : (
        <>
          <p class="hint">本地演示环境：选择登录身份（由 /dev/token 签发令牌）。</p>
          <div class="card">
            <h2>法制办工作人员</h2>
            <button type="button" class="primary" onClick={() => go({ role: 'office' })}>
              以法制办身份登录
            </button>
          </div>
          <div class="card">
            <h2>报送单位</h2>
            <label>
              单位
              <select value={unitId} onChange={(e) => setUnitId((e.target as HTMLSelectElement).value)}>
                {units.map((u) => (
                  <option key={u.unitId} value={u.unitId}>
                    {u.name}（{u.unitId}）
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              class="primary"
              disabled={!unitId}
              onClick={() => go({ role: 'unit', unitId })}
            >
              以该单位身份登录
            </button>
          </div>
        </>
      )}
      {error && (
        <p class="problem" role="alert">
          {error}
        </p>
      )}
    </main>
  );
}

const OFFICE_NAV: Array<[string, string]> = [
  ['board', '总览'],
  ['overdue', '逾期'],
  ['assessment', '考核'],
  ['units', '单位'],
  ['obligations', '事项'],
  ['settings', '设置'],
  ['calendar', '日历'],
];
const UNIT_NAV: Array<[string, string]> = [
  ['u', '我的报送事项'],
  ['e', '文件报备'],
  ['unit', '单位信息'],
];

function Shell({ me, auth, onSignOut }: { me: Me; auth: Auth; onSignOut: () => void }) {
  const route = useRoute();
  const [Office, setOffice] = useState<ComponentType<OfficeProps> | null>(null);
  useEffect(() => {
    if (me.role === 'office' && !Office) import('./office').then((m) => setOffice(() => m.Office));
  }, [me.role, Office]);
  const nav = me.role === 'office' ? OFFICE_NAV : UNIT_NAV;
  const parts = me.role === 'office' && route.parts[0] === 'o' ? route.parts.slice(1) : route.parts;
  const here = parts[0] ?? (me.role === 'office' ? 'board' : 'u');
  const section = here === 'r' ? (me.role === 'office' ? 'board' : 'u') : here === 's' ? 'board' : here;
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        跳到正文
      </button>
      <header class="top">
        <span class="brand">依法行政报送系统</span>
        <nav aria-label="主菜单">
          {nav.map(([k, label]) => (
            <a key={k} href={me.role === 'office' ? `#/o/${k}` : `#/${k}`} aria-current={section === k ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">{me.role === 'office' ? '法制办' : me.unitId}</span>
        <button
          type="button"
          class="link"
          onClick={async () => {
            await auth.signOut();
            onSignOut();
          }}
        >
          退出
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {me.role === 'unit' ? (
          <Portal unitId={me.unitId!} route={route} />
        ) : Office ? (
          <Office route={route} />
        ) : (
          <p class="loading">正在加载…</p>
        )}
      </main>
    </>
  );
}

function App({ config, auth }: { config: WebConfig; auth: Auth }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const refresh = async () => {
    if (!(await auth.token())) return setMe(null);
    try {
      setMe(await api.get<Me>('/v1/me'));
    } catch {
      setMe(null);
    }
  };
  useEffect(() => {
    configureApi({
      base: config.apiBase,
      token: () => auth.token(),
      onUnauthorized: () => {
        auth.forget().then(() => {
          setExpired(true);
          setMe(null);
        });
      },
    });
    refresh();
  }, [config, auth]);
  if (me === undefined) return <p class="loading">正在加载…</p>;
  if (me === null)
    return (
      <SignIn
        auth={auth}
        expired={expired}
        onDone={() => {
          setExpired(false);
          refresh();
        }}
      />
    );
  return <Shell me={me} auth={auth} onSignOut={() => setMe(null)} />;
}

async function start() {
  const root = document.getElementById('app')!;
  // An office page's address (`#/o/…`): its chunk loads while the config and /v1/me are fetched, not
  // after (the Shell's import() then finds it loaded). Units' pages never ask for it.
  if (/^#\/(o|board)(\/|$)/.test(location.hash)) import('./office').catch(() => undefined);
  try {
    const config = (await (await fetch('/config.json', { cache: 'no-store' })).json()) as WebConfig;
    const auth = await createAuth(config);
    render(<App config={config} auth={auth} />, root);
  } catch (e) {
    root.textContent = `无法加载配置（/config.json）：${explain(e)}`;
  }
}
start();
