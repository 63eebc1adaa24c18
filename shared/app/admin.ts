// Units, obligations and settings: the office's administration (SPEC §5).
import { defaultSettings } from '../domain/defaults';
import { shanghaiDate, shanghaiYear, yearOf } from '../domain/dates';
import { invalid, notFound } from '../domain/errors';
import type { Contact, Obligation, ObligationBody, Principal, Settings, Unit } from '../domain/model';
import { actorOf, audit, auditOffice, fieldChanges } from './audit';
import { keepBouncing } from './bounces';
import { requestOpening } from './slot-opening';
import type { MessageQueue, SlotOpener, Store, UserDirectory } from './ports';
import { disableUnitUsers } from './users';

export async function getUnit(store: Store, unitId: string): Promise<Unit> {
  const u = await store.getUnit(unitId);
  if (!u) throw notFound(`unit ${unitId}`);
  return u;
}

/**
 * Creates or replaces a unit, and opens its slots for the current year (their request notices
 * queued when a queue is given). Deactivating a unit disables its users (when a user directory is given).
 */
export async function putUnit(
  store: Store,
  who: Principal,
  unit: Unit,
  now: Date,
  opts: { users?: UserDirectory; queue?: MessageQueue; webBaseUrl?: string; opener?: SlotOpener } = {},
) {
  const { users, queue, webBaseUrl, opener } = opts;
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
  // Its slots of the year: queued as jobs for the opener function (inline without one), their
  // request notices queued by whoever opens them.
  const { opened } = await requestOpening(
    { store, opener },
    {
      year: shanghaiYear(now),
      units: [unit],
      obligations: await store.listObligations(),
      now,
      queue,
      webBaseUrl,
    },
  );
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
  queue?: MessageQueue,
  webBaseUrl?: string,
  opener?: SlotOpener,
) {
  const before = await store.getObligation(obligationId);
  const today = shanghaiDate(now);
  // A one-off request due in the past is a mistake — unless it is the one stored (editing its name).
  if (
    body.kind === 'once' &&
    body.dueDate < today &&
    !(before?.kind === 'once' && before.dueDate === body.dueDate)
  )
    throw invalid('dueDate', `must not be before today (${today})`);
  if (body.kind === 'event') {
    for (const [i, f] of body.followUps.entries()) {
      const target = f.obligationId === obligationId ? body : await store.getObligation(f.obligationId);
      if (!target) throw invalid(`followUps.${i}.obligationId`, `no obligation ${f.obligationId}`);
      if (target.kind !== 'event' || f.obligationId === obligationId)
        throw invalid(`followUps.${i}.obligationId`, 'a follow-up must be another obligation of kind event');
    }
  }
  // Templates are attached with POST …/templates; a PUT keeps them.
  const obligation: Obligation = {
    obligationId,
    ...body,
    ...(before?.templates?.length ? { templates: before.templates } : {}),
  };
  await store.write([
    { type: 'putObligation', obligation },
    auditOffice(who, now, before ? 'obligation-replaced' : 'obligation-created', {
      obligationId,
      changes: fieldChanges(before, obligation),
    }),
  ]);
  // A one-off request opens in the year of its due date (its period); the others in the current
  // year. For every unit: one job per ≤ 200 units (inline without an opener).
  const year = obligation.kind === 'once' ? yearOf(obligation.dueDate) : shanghaiYear(now);
  const { opened } = await requestOpening(
    { store, opener },
    { year, units: await store.listUnits(), obligations: [obligation], now, queue, webBaseUrl },
  );
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
