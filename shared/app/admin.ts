// Units, obligations and settings: the office's administration (SPEC §5).
import { defaultSettings } from '../domain/defaults';
import { shanghaiDate } from '../domain/dates';
import { notFound } from '../domain/errors';
import type { Contact, Obligation, ObligationBody, Principal, Settings, Unit } from '../domain/model';
import { actorOf, audit, auditOffice, fieldChanges } from './audit';
import { keepBouncing } from './bounces';
import { loadCalendar } from './calendar';
import { openSlots } from './open-slots';
import type { Store, UserDirectory } from './ports';
import { disableUnitUsers } from './users';

const yearOf = (now: Date) => Number(shanghaiDate(now).slice(0, 4));

export async function getUnit(store: Store, unitId: string): Promise<Unit> {
  const u = await store.getUnit(unitId);
  if (!u) throw notFound(`unit ${unitId}`);
  return u;
}

/**
 * Creates or replaces a unit, and opens its slots for the current year. Deactivating a unit
 * disables its users (when a user directory is given).
 */
export async function putUnit(store: Store, who: Principal, unit: Unit, now: Date, users?: UserDirectory) {
  const before = await store.getUnit(unit.unitId);
  await store.write([
    // Bounce marks survive only for addresses the unit still lists (shared/app/bounces.ts).
    { type: 'putUnit', unit: keepBouncing(before, unit) },
    audit({
      unitId: unit.unitId,
      at: now,
      actor: actorOf(who),
      action: before ? 'unit-replaced' : 'unit-created',
      detail: { changes: fieldChanges(before, unit) },
    }),
  ]);
  if (!unit.active) await disableUnitUsers(store, users, who, unit.unitId, now);
  const year = yearOf(now);
  const [cal, obligations] = await Promise.all([loadCalendar(store, [year]), store.listObligations()]);
  const opened = await openSlots(store, cal, { year, units: [unit], obligations, now });
  return { unit, created: !before, opened };
}

/**
 * Replaces a unit's contacts (the unit itself, or the office). The audit event carries the list
 * before and after, so the office sees every change; the table holds it, logs never do.
 */
export async function putContacts(
  store: Store,
  who: Principal,
  unitId: string,
  contacts: Contact[],
  now: Date,
) {
  const before = await getUnit(store, unitId);
  const unit: Unit = { ...before, contacts };
  await store.write([
    { type: 'putUnit', unit },
    audit({
      unitId,
      at: now,
      actor: actorOf(who),
      action: 'contacts-replaced',
      detail: { before: before.contacts, after: contacts },
    }),
  ]);
  return unit;
}

export async function putObligation(
  store: Store,
  who: Principal,
  obligationId: string,
  body: ObligationBody,
  now: Date,
) {
  const obligation: Obligation = { obligationId, ...body };
  const before = await store.getObligation(obligationId);
  await store.write([
    { type: 'putObligation', obligation },
    auditOffice(who, now, before ? 'obligation-replaced' : 'obligation-created', {
      obligationId,
      changes: fieldChanges(before, obligation),
    }),
  ]);
  const year = yearOf(now);
  const [cal, units] = await Promise.all([loadCalendar(store, [year]), store.listUnits()]);
  const opened = await openSlots(store, cal, { year, units, obligations: [obligation], now });
  return { obligation, created: !before, opened };
}

export async function getSettings(store: Store): Promise<Settings> {
  return (await store.getSettings()) ?? defaultSettings;
}

export async function putSettings(store: Store, who: Principal, settings: Settings, now: Date) {
  const before = await store.getSettings();
  await store.write([
    { type: 'putSettings', settings },
    auditOffice(who, now, 'settings-replaced', { changes: fieldChanges(before, settings) }),
  ]);
  return settings;
}
