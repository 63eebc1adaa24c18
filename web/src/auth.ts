// Signing in. Locally (`/config.json` mode `local`) a picker asks `POST /dev/token` for a token of
// the office or of one unit; on AWS (mode `oidc`) the OIDC client runs the authorization-code flow
// with PKCE against the issuer and the pages send its ID token (it carries `custom:unitId`).
import type { WebConfig } from './types';

export type Auth = {
  mode: 'local' | 'oidc';
  /** A valid token, renewing it when it can; null when the user must sign in. */
  token(): Promise<string | null>;
  /** Starts signing in (OIDC: leaves the page). */
  signIn(choice?: { role: 'office' | 'unit'; unitId?: string }): Promise<void>;
  signOut(): Promise<void>;
  /** Forget the token (it was refused). */
  forget(): Promise<void>;
};

const KEY = 'baosong.token';

/** Seconds since the epoch at which a JWT expires (its `exp`), or 0 when unreadable. */
export function expiresAt(jwt: string): number {
  try {
    const part = jwt.split('.')[1] ?? '';
    const json = atob(part.replaceAll('-', '+').replaceAll('_', '/'));
    return Number((JSON.parse(json) as { exp?: number }).exp ?? 0);
  } catch {
    return 0;
  }
}

function localAuth(apiBase: string): Auth {
  return {
    mode: 'local',
    async token() {
      const t = sessionStorage.getItem(KEY);
      if (!t) return null;
      if (expiresAt(t) * 1000 <= Date.now() + 30_000) {
        sessionStorage.removeItem(KEY);
        return null;
      }
      return t;
    },
    async signIn(choice) {
      const res = await fetch(`${apiBase}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(choice),
      });
      if (!res.ok) throw new Error(`登录失败（HTTP ${res.status}）`);
      sessionStorage.setItem(KEY, ((await res.json()) as { token: string }).token);
    },
    async signOut() {
      sessionStorage.removeItem(KEY);
    },
    async forget() {
      sessionStorage.removeItem(KEY);
    },
  };
}

export async function createAuth(config: WebConfig): Promise<Auth> {
  if (config.auth.mode === 'local') return localAuth(config.apiBase);
  const { oidcAuth } = await import('./oidc');
  return oidcAuth(config.auth);
}
