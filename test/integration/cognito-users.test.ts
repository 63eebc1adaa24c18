// The Cognito user directory through the real SDK client, against a stand-in speaking the user
// pool API: what AdminCreateUser sends (invitation by EMAIL, custom:unitId, email verified), the
// group as the role, paging, disable with sign-out, and the errors it maps.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COGNITO_ACTIONS, CognitoUserDirectory } from '../../shared/adapters/cognito-users';
import { UserExists } from '../../shared/app/ports';
import { startCognitoStandIn } from '../support/cognito-standin';

let standIn: Awaited<ReturnType<typeof startCognitoStandIn>>;
let dir: CognitoUserDirectory;
const POOL = 'ap-southeast-1_TEST';

beforeAll(async () => {
  standIn = await startCognitoStandIn();
  const client = new CognitoIdentityProviderClient({
    region: 'ap-southeast-1',
    endpoint: standIn.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  dir = new CognitoUserDirectory(client, POOL);
});
afterAll(() => standIn?.close());

describe('CognitoUserDirectory', () => {
  it('creates a unit user: invitation by email, unitId attribute, then the unit group', async () => {
    const u = await dir.create({
      username: 'town-a.li',
      email: 'li@example.gov.cn',
      role: 'unit',
      unitId: 'town-a',
    });
    expect(u).toEqual({
      username: 'town-a.li',
      email: 'li@example.gov.cn',
      role: 'unit',
      unitId: 'town-a',
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
    });
    const [create, group] = standIn.calls.slice(-2);
    expect(create).toEqual({
      op: 'AdminCreateUser',
      input: {
        UserPoolId: POOL,
        Username: 'town-a.li',
        UserAttributes: [
          { Name: 'email', Value: 'li@example.gov.cn' },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'custom:unitId', Value: 'town-a' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      },
    });
    expect(group).toEqual({
      op: 'AdminAddUserToGroup',
      input: { UserPoolId: POOL, Username: 'town-a.li', GroupName: 'unit' },
    });
  });

  it('an office user gets no unitId and the office group; get reads the role from the group', async () => {
    await dir.create({ username: 'office.wang', email: 'wang@example.gov.cn', role: 'office' });
    const create = standIn.calls.findLast((c) => c.op === 'AdminCreateUser')!;
    expect(JSON.stringify(create.input)).not.toContain('custom:unitId');
    expect(await dir.get('office.wang')).toMatchObject({ role: 'office', enabled: true });
    expect(await dir.get('town-a.li')).toMatchObject({ role: 'unit', unitId: 'town-a' });
    expect(await dir.get('nobody')).toBeNull();
  });

  it('a taken username is UserExists; a failed group add removes the half-made user', async () => {
    await expect(
      dir.create({ username: 'office.wang', email: 'w2@example.gov.cn', role: 'office' }),
    ).rejects.toBeInstanceOf(UserExists);
    standIn.failNext('AdminAddUserToGroup', 'InternalErrorException');
    await expect(
      dir.create({ username: 'half.made', email: 'h@example.gov.cn', role: 'office' }),
    ).rejects.toThrow();
    expect(standIn.users.has('half.made')).toBe(false);
  });

  it('lists both groups across pages, and a unit’s users', async () => {
    for (let i = 0; i < 70; i++)
      await dir.create({
        username: `bulk-${String(i).padStart(2, '0')}`,
        email: `b${i}@example.gov.cn`,
        role: 'unit',
        unitId: i % 2 ? 'town-b' : 'town-c',
      });
    const all = await dir.list();
    expect(all).toHaveLength(72);
    expect(
      standIn.calls.filter((c) => c.op === 'ListUsersInGroup' && c.input.NextToken).length,
    ).toBeGreaterThan(0);
    expect((await dir.ofUnit('town-b')).map((u) => u.username)).toHaveLength(35);
    expect((await dir.ofUnit('town-a')).map((u) => u.username)).toEqual(['town-a.li']);
  });

  it('disabling also signs the user out everywhere; enabling lets them in again', async () => {
    await dir.setEnabled('town-a.li', false);
    expect(standIn.users.get('town-a.li')).toMatchObject({ Enabled: false, signedOut: 1 });
    expect(await dir.get('town-a.li')).toMatchObject({ enabled: false });
    await dir.setEnabled('town-a.li', true);
    expect(standIn.users.get('town-a.li')?.Enabled).toBe(true);
  });

  it('makes only the calls the stack grants', () => {
    const used = new Set(standIn.calls.map((c) => `cognito-idp:${c.op}`));
    for (const action of used) expect(COGNITO_ACTIONS).toContain(action);
  });
});
