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
