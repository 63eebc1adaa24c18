// The office administers the people who sign in (SPEC §5 users). Every change is audited — on
// the unit's trail for a unit user, on the office's for office staff — by username, role and
// unit, never by email address.
import { conflict, notFound } from '../domain/errors';
import type { Principal } from '../domain/model';
import type { NewUser, UserAccount } from '../domain/users';
import { actorOf, audit, OFFICE_TRAIL } from './audit';
import { type Store, type UserDirectory, UserExists } from './ports';

const trailOf = (u: Pick<UserAccount, 'role' | 'unitId'>) =>
  u.role === 'unit' && u.unitId ? u.unitId : OFFICE_TRAIL;

function auditUser(who: Principal | null, u: UserAccount, action: string, now: Date, reason?: string) {
  return audit({
    unitId: trailOf(u),
    at: now,
    actor: actorOf(who),
    action,
    detail: {
      username: u.username,
      role: u.role,
      ...(u.unitId ? { unitId: u.unitId } : {}),
      ...(reason ? { reason } : {}),
    },
  });
}

function assertManagedHere(users: UserDirectory) {
  if (users.managedElsewhere) throw conflict(users.managedElsewhere);
}

/** Every user, by username. */
export async function listUsers(users: UserDirectory): Promise<UserAccount[]> {
  return (await users.list()).sort((a, b) => a.username.localeCompare(b.username));
}

/** Creates an account (the directory sends the Chinese invitation email). */
export async function createUser(
  store: Store,
  users: UserDirectory,
  who: Principal,
  input: NewUser,
  now: Date,
): Promise<UserAccount> {
  assertManagedHere(users);
  if (input.role === 'unit' && input.unitId) {
    const unit = await store.getUnit(input.unitId);
    if (!unit) throw notFound(`unit ${input.unitId}`);
    if (!unit.active) throw conflict(`unit ${input.unitId} is deactivated`);
  }
  let created: UserAccount;
  try {
    created = await users.create(input);
  } catch (err) {
    if (err instanceof UserExists)
      throw conflict(`username ${input.username} (or its email address) is already in use`);
    throw err;
  }
  await store.write([auditUser(who, created, 'user-created', now)]);
  return created;
}

/** Disables or enables one account; doing it twice changes nothing and audits nothing. */
export async function setUserEnabled(
  store: Store,
  users: UserDirectory,
  who: Principal,
  username: string,
  enabled: boolean,
  now: Date,
): Promise<UserAccount> {
  assertManagedHere(users);
  const user = await users.get(username);
  if (!user) throw notFound(`user ${username}`);
  if (user.enabled === enabled) return user;
  if (enabled && user.role === 'unit' && user.unitId) {
    const unit = await store.getUnit(user.unitId);
    if (unit && !unit.active) throw conflict(`unit ${user.unitId} is deactivated; reactivate it first`);
  }
  await users.setEnabled(username, enabled);
  const after = { ...user, enabled };
  await store.write([auditUser(who, after, enabled ? 'user-enabled' : 'user-disabled', now)]);
  return after;
}

/** A deactivated unit's users are disabled with it (each audited on the unit's trail). */
export async function disableUnitUsers(
  store: Store,
  users: UserDirectory | undefined,
  who: Principal | null,
  unitId: string,
  now: Date,
): Promise<number> {
  if (!users || users.managedElsewhere) return 0;
  const enabled = (await users.ofUnit(unitId)).filter((u) => u.enabled);
  for (const u of enabled) {
    await users.setEnabled(u.username, false);
    await store.write([auditUser(who, { ...u, enabled: false }, 'user-disabled', now, 'unit deactivated')]);
  }
  return enabled.length;
}
