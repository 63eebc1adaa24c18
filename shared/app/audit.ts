// Builders of audit events: who, when, what. The trail is append-only.
import type { AuditEvent, Principal } from '../domain/model';
import type { WriteOp } from './ports';

export const OFFICE_TRAIL = '_office';

export const actorOf = (p: Principal | null): string =>
  !p ? 'system' : p.role === 'office' ? `office:${p.sub}` : `unit:${p.unitId}`;

export function audit(event: Omit<AuditEvent, 'at'> & { at: Date | string }): WriteOp {
  const at = typeof event.at === 'string' ? event.at : event.at.toISOString();
  return { type: 'audit', event: { ...event, at } };
}

/** An office action that concerns no single unit (settings, obligations, calendar). */
export const auditOffice = (who: Principal, at: Date, action: string, detail?: Record<string, unknown>) =>
  audit({ unitId: OFFICE_TRAIL, at, actor: actorOf(who), action, detail });

/** JSON with object keys sorted: a stored map's key order is no change. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );

/**
 * What an office edit changed: each top-level field whose value differs, `{ before, after }`
 * (a field absent on one side reads null). A created item has every field's `after`. The audit
 * trail is office-only; the logs never see these values.
 */
export function fieldChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  for (const f of [...fields].sort()) {
    const b = before?.[f] ?? null;
    const a = after[f] ?? null;
    if (canonical(b) !== canonical(a)) out[f] = { before: b, after: a };
  }
  return out;
}
