// Small shared pieces: loading a resource, errors, state badges, dialogs.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { explain } from './api';
import { STATE_ZH } from './format';
import type { SlotState } from './types';

export type Loaded<T> = { data?: T; error?: unknown; loading: boolean; reload: () => void };

/** Runs `load` when `key` changes; `reload()` runs it again. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Problem({ error }: { error: unknown }) {
  return (
    <p class="problem" role="alert">
      {explain(error)}
    </p>
  );
}

export function Show<T>({ r, children }: { r: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (r.error) return <Problem error={r.error} />;
  if (r.data === undefined) return <p class="loading">正在加载…</p>;
  return <>{children(r.data)}</>;
}

export const StateBadge = ({ state }: { state: SlotState }) => (
  <span class={`badge s-${state}`}>{STATE_ZH[state]}</span>
);

/** A modal dialog (native <dialog>, so focus and Esc work from the keyboard). */
export function Dialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose} class="dialog">
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}

/** Loads every page of a list. */
export async function allPages<T>(get: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>) {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await get(cursor);
    out.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor);
  return out;
}
