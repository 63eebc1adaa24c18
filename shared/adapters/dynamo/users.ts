// User accounts kept in the single table (PK=USERS, SK=USER#<username>). Two directories use it:
// - TableUserDirectory: the local stand-in for Cognito (npm start, tests): the same create /
//   disable / enable flow, the invitation sent through the Mailer port, and the local sign-in
//   (`POST /dev/token { username }`) reads it;
// - KnownUserDirectory: the china profile, where accounts live in the government's identity
//   provider: it lists the people the API has seen (recorded at GET /v1/me, from the verified
//   token) and refuses to create, disable or enable them, saying where that is done.
import { randomInt } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Mailer, type UserDirectory, UserExists } from '../../app/ports';
import { invitationMessage, type NewUser, type UserAccount } from '../../domain/users';
import { keys } from './keys';

type Item = Record<string, unknown>;
const toAccount = (i: Item): UserAccount => ({
  username: String(i.username),
  email: String(i.email ?? ''),
  role: i.role === 'office' ? 'office' : 'unit',
  ...(typeof i.unitId === 'string' ? { unitId: i.unitId } : {}),
  enabled: i.enabled !== false,
  status: String(i.status ?? 'CONFIRMED'),
});

/** A temporary password that satisfies the pool's policy (12+, upper, lower, digit, symbol). */
export function temporaryPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '!#%+=?@'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  while (chars.length < 14) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

class UsersTable {
  readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async list(): Promise<UserAccount[]> {
    const out: UserAccount[] = [];
    let start: Item | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.usersPK },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of r.Items ?? []) out.push(toAccount(i));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async get(username: string): Promise<UserAccount | null> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.user(username) }));
    return r.Item ? toAccount(r.Item) : null;
  }

  /** Puts the account; with `ifNew`, only if the username is free (UserExists otherwise). */
  async put(u: UserAccount, ifNew: boolean): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...u, ...keys.user(u.username), _type: 'user' },
          ...(ifNew ? { ConditionExpression: 'attribute_not_exists(PK)' } : {}),
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new UserExists(u.username);
      throw err;
    }
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.user(username),
        UpdateExpression: 'SET enabled = :e',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':e': enabled },
      }),
    );
  }
}

/** The reading side of a directory kept in the table (both classes below). */
abstract class TableDirectoryReads {
  protected readonly t: UsersTable;

  constructor(client: DynamoDBClient, table: string) {
    this.t = new UsersTable(client, table);
  }

  list() {
    return this.t.list();
  }
  get(username: string) {
    return this.t.get(username);
  }
  async ofUnit(unitId: string) {
    return (await this.t.list()).filter((u) => u.role === 'unit' && u.unitId === unitId);
  }
}

/** The local stand-in for the Cognito user pool. */
export class TableUserDirectory extends TableDirectoryReads implements UserDirectory {
  constructor(
    client: DynamoDBClient,
    table: string,
    private readonly invite: { mailer: () => Mailer | undefined; from: () => Promise<string> },
  ) {
    super(client, table);
  }

  setEnabled(username: string, enabled: boolean) {
    return this.t.setEnabled(username, enabled);
  }

  /** As Cognito's AdminCreateUser with DesiredDeliveryMediums EMAIL: FORCE_CHANGE_PASSWORD, invited. */
  async create(user: NewUser): Promise<UserAccount> {
    const account: UserAccount = {
      username: user.username,
      email: user.email,
      role: user.role,
      ...(user.unitId ? { unitId: user.unitId } : {}),
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
    };
    await this.t.put(account, true);
    const mailer = this.invite.mailer();
    if (mailer) {
      // Locally no password is checked (sign-in is POST /dev/token); the mail reads as on AWS.
      const m = invitationMessage({ username: user.username, password: temporaryPassword() });
      await mailer.send({ from: await this.invite.from(), to: user.email, subject: m.subject, text: m.text });
    }
    return account;
  }
}

/** The china profile: the mapping the API knows, read-only. */
export class KnownUserDirectory extends TableDirectoryReads implements UserDirectory {
  readonly managedElsewhere: string;

  constructor(client: DynamoDBClient, table: string, issuer: string) {
    super(client, table);
    this.managedElsewhere = `users are managed in the identity provider (${issuer}): create, disable and enable them there; this list shows the people who have signed in`;
  }
  async create(): Promise<UserAccount> {
    throw new Error(this.managedElsewhere);
  }
  async setEnabled(): Promise<void> {
    throw new Error(this.managedElsewhere);
  }

  /** Records who signed in, with the role and unit their token carries (skipped when unchanged). */
  async observe(p: { username: string; email?: string; role: 'office' | 'unit'; unitId?: string }) {
    const known = await this.t.get(p.username);
    const seen: UserAccount = {
      username: p.username,
      email: p.email ?? known?.email ?? '',
      role: p.role,
      ...(p.unitId ? { unitId: p.unitId } : {}),
      enabled: true,
      status: 'EXTERNAL_PROVIDER',
    };
    if (known && JSON.stringify(known) === JSON.stringify(seen)) return;
    await this.t.put(seen, false);
  }
}
