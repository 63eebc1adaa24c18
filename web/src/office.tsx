// The office console (lazy chunk).
import type { Route } from './route';
export function Office({ route }: { route: Route }) {
  return <p>法制办工作台正在建设中（{route.parts.join("/")}）。</p>;
}
