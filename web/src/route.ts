// Hash routing: `#/u/<obligationId>/<period>` and the like survive sign-in (the hash stays).
import { useEffect, useState } from 'preact/hooks';

export type Route = { parts: string[]; query: URLSearchParams };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', q = ''] = raw.split('?');
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(q),
  };
}

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return parseHash(hash);
}

export const href = (...parts: Array<string | number>) =>
  `#/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;
export const go = (to: string) => {
  location.hash = to;
};
