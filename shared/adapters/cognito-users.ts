// UserDirectory on a Cognito user pool (global profile). The role is the user's group (`office` or
// `unit`), the unit the `custom:unitId` attribute, which only these admin calls can write (the app
// client's write attributes leave it out). AdminCreateUser with DesiredDeliveryMediums EMAIL sends
// the pool's invitation, whose Chinese text the stack builds from shared/domain/users.ts.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { type UserDirectory, UserExists } from '../app/ports';
import type { NewUser, UserAccount, UserRole } from '../domain/users';

/** Every Cognito call this adapter makes (the stack grants exactly these on the pool). */
export const COGNITO_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:ListUsersInGroup',
] as const;

const attr = (attrs: AttributeType[] | undefined, name: string) => attrs?.find((a) => a.Name === name)?.Value;

function toAccount(
  u: Pick<UserType, 'Username' | 'Enabled' | 'UserStatus'>,
  attrs: AttributeType[] | undefined,
  role: UserRole,
): UserAccount {
  const unitId = attr(attrs, 'custom:unitId');
  return {
    username: u.Username ?? '',
    email: attr(attrs, 'email') ?? '',
    role,
    ...(role === 'unit' && unitId ? { unitId } : {}),
    enabled: u.Enabled !== false,
    status: u.UserStatus ?? 'UNKNOWN',
  };
}

const errName = (err: unknown) => (err as { name?: string })?.name;

export class CognitoUserDirectory implements UserDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  private async group(role: UserRole): Promise<UserAccount[]> {
    const out: UserAccount[] = [];
    let NextToken: string | undefined;
    do {
      const r = await this.client.send(
        new ListUsersInGroupCommand({ UserPoolId: this.userPoolId, GroupName: role, NextToken, Limit: 60 }),
      );
      for (const u of r.Users ?? []) out.push(toAccount(u, u.Attributes, role));
      NextToken = r.NextToken;
    } while (NextToken);
    return out;
  }

  async list(): Promise<UserAccount[]> {
    const [office, unit] = await Promise.all([this.group('office'), this.group('unit')]);
    // Someone in both groups is office staff (as the API reads the token).
    const officeNames = new Set(office.map((u) => u.username));
    return [...office, ...unit.filter((u) => !officeNames.has(u.username))];
  }

  async ofUnit(unitId: string): Promise<UserAccount[]> {
    return (await this.group('unit')).filter((u) => u.unitId === unitId);
  }

  async get(username: string): Promise<UserAccount | null> {
    try {
      const [u, groups] = await Promise.all([
        this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: username })),
        this.client.send(
          new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username }),
        ),
      ]);
      const names = (groups.Groups ?? []).map((g) => g.GroupName);
      const role: UserRole | null = names.includes('office')
        ? 'office'
        : names.includes('unit')
          ? 'unit'
          : null;
      return role ? toAccount(u, u.UserAttributes, role) : null;
    } catch (err) {
      if (errName(err) === 'UserNotFoundException') return null;
      throw err;
    }
  }

  async create(user: NewUser): Promise<UserAccount> {
    let created: UserType | undefined;
    try {
      const r = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.username,
          UserAttributes: [
            { Name: 'email', Value: user.email },
            // The office vouches for the address: the invitation and password resets go there.
            { Name: 'email_verified', Value: 'true' },
            ...(user.unitId ? [{ Name: 'custom:unitId', Value: user.unitId }] : []),
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      created = r.User;
    } catch (err) {
      if (errName(err) === 'UsernameExistsException' || errName(err) === 'AliasExistsException')
        throw new UserExists(user.username);
      throw err;
    }
    try {
      await this.client.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: this.userPoolId,
          Username: user.username,
          GroupName: user.role,
        }),
      );
    } catch (err) {
      // A user in no group can sign in to nothing; remove it so the office can simply try again.
      await this.client
        .send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: user.username }))
        .catch(() => undefined);
      throw err;
    }
    return toAccount(
      { Username: user.username, Enabled: created?.Enabled ?? true, UserStatus: created?.UserStatus },
      created?.Attributes ?? [
        { Name: 'email', Value: user.email },
        ...(user.unitId ? [{ Name: 'custom:unitId', Value: user.unitId }] : []),
      ],
      user.role,
    );
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    const input = { UserPoolId: this.userPoolId, Username: username };
    if (enabled) {
      await this.client.send(new AdminEnableUserCommand(input));
      return;
    }
    await this.client.send(new AdminDisableUserCommand(input));
    // Revoke refresh tokens too; ID tokens already issued lapse within their hour.
    await this.client.send(new AdminUserGlobalSignOutCommand(input));
  }
}
