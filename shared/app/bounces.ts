// Bounces and complaints (SES configuration set → EventBridge → SQS → functions/bounces).
//
// A hard bounce or a complaint about an address marks that address as bouncing on the unit whose
// notice it was (the `unitId` message tag), once, audited by the contact's role (never the
// address). The sender skips a bouncing address and records why (deliver()'s `suppressed`); the
// office digest lists the bouncing contacts. The mark stays until the contact is changed:
// replacing the unit keeps only the marks of addresses it still lists.
import type { BouncingAddress, Unit } from '../domain/model';
import { audit } from './audit';
import type { Store } from './ports';

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Why an email to `to` must not go out: its address bounces or complained; else undefined. */
export function bouncingReason(unit: Pick<Unit, 'bouncing'> | null | undefined, to: string) {
  const hit = unit?.bouncing?.find((b) => same(b.email, to));
  return hit ? `address ${hit.type === 'bounce' ? 'bounces' : 'complained'} since ${hit.at}` : undefined;
}

/** The marks a replaced unit keeps: those of addresses its new contacts still list. */
export function keepBouncing(before: Unit | null, after: Unit): Unit {
  const kept = (before?.bouncing ?? []).filter((b) =>
    after.contacts.some((c) => c.email && same(c.email, b.email)),
  );
  const { bouncing: _, ...rest } = after;
  return kept.length ? { ...rest, bouncing: kept } : rest;
}

export type BounceEvent = { unitId: string; addresses: string[]; type: BouncingAddress['type']; at: Date };

/**
 * Marks the unit's contacts with these addresses as bouncing. Returns how many addresses were
 * newly marked (0: unknown unit, an address it does not list, or marked before — replays are harmless).
 */
export async function recordBounce(store: Store, ev: BounceEvent): Promise<number> {
  const unit = await store.getUnit(ev.unitId);
  if (!unit) return 0;
  const marks = [...(unit.bouncing ?? [])];
  const roles: string[] = [];
  for (const address of ev.addresses) {
    const contact = unit.contacts.find((c) => c.email && same(c.email, address));
    if (!contact?.email || marks.some((b) => same(b.email, address))) continue;
    marks.push({ email: contact.email, type: ev.type, at: ev.at.toISOString() });
    roles.push(contact.role);
  }
  if (roles.length === 0) return 0;
  await store.write([
    { type: 'putUnit', unit: { ...unit, bouncing: marks } },
    audit({
      unitId: unit.unitId,
      at: ev.at,
      actor: 'system',
      action: 'contact-bouncing',
      // The role, never the address.
      detail: { type: ev.type, roles },
    }),
  ]);
  return roles.length;
}

/** The bouncing contacts of these units, for the office digest: unit name, role, contact name. */
export function bouncingContacts(units: Unit[]) {
  return units.flatMap((u) =>
    (u.bouncing ?? []).flatMap((b) => {
      const c = u.contacts.find((x) => x.email && same(x.email, b.email));
      return c ? [{ unitName: u.name, role: c.role, name: c.name, type: b.type }] : [];
    }),
  );
}
