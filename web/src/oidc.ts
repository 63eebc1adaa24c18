// Sign-in on AWS: oidc-client-ts, authorization code + PKCE (loaded only in `oidc` mode).
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { Auth } from './auth';
import type { WebConfig } from './types';

type OidcSettings = Extract<WebConfig['auth'], { mode: 'oidc' }>;

export async function oidcAuth(cfg: OidcSettings): Promise<Auth> {
  const home = `${location.origin}${location.pathname}`;
  const um = new UserManager({
    authority: cfg.authority,
    client_id: cfg.clientId,
    redirect_uri: home,
    post_logout_redirect_uri: home,
    response_type: 'code',
    scope: cfg.scope ?? 'openid email profile',
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
  });
  // Back from the issuer: finish the code exchange and return to the page the user asked for.
  const q = new URLSearchParams(location.search);
  if (q.has('code') && q.has('state')) {
    try {
      const user = await um.signinRedirectCallback();
      const back = typeof user.state === 'string' ? user.state : '';
      history.replaceState(null, '', `${location.pathname}${back}`);
    } catch {
      history.replaceState(null, '', location.pathname);
    }
  }
  return {
    mode: 'oidc',
    async token() {
      let user = await um.getUser();
      if (user && (user.expired || (user.expires_in ?? 0) < 30)) {
        // Renew with the refresh token; when that fails the user signs in again.
        user = await um.signinSilent().catch(() => null);
      }
      return user && !user.expired ? (user.id_token ?? null) : null;
    },
    async signIn() {
      await um.signinRedirect({ state: location.hash });
    },
    async signOut() {
      await um.removeUser();
      if (cfg.signOutUrl) location.assign(cfg.signOutUrl);
    },
    async forget() {
      await um.removeUser();
    },
  };
}
