// A test-only stand-in for the Cognito user pool API (AWS JSON 1.1, `X-Amz-Target:
// AWSCognitoIdentityProviderService.<Op>`), with just the admin calls the CognitoUserDirectory
// makes, so the adapter is exercised through the real SDK client. It records every call
// (operation + input), so tests can assert what was sent — e.g. DesiredDeliveryMediums EMAIL.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type User = {
  Username: string;
  Attributes: Array<{ Name: string; Value: string }>;
  Enabled: boolean;
  UserStatus: string;
  groups: Set<string>;
  signedOut: number;
};
export type CognitoCall = { op: string; input: Record<string, unknown> };

export async function startCognitoStandIn() {
  const users = new Map<string, User>();
  const calls: CognitoCall[] = [];
  const faults = new Map<string, string>(); // op → error type to answer once

  const reply = (res: ServerResponse, status: number, body: unknown, type?: string) => {
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      ...(type ? { 'x-amzn-errortype': type } : {}),
    });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, type: string, message = type) =>
    reply(res, 400, { __type: type, message }, type);
  const view = (u: User) => ({
    Username: u.Username,
    Attributes: u.Attributes,
    Enabled: u.Enabled,
    UserStatus: u.UserStatus,
    UserCreateDate: 1_780_000_000,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const op = String(req.headers['x-amz-target'] ?? '').replace('AWSCognitoIdentityProviderService.', '');
    calls.push({ op, input });
    const fault = faults.get(op);
    if (fault) {
      faults.delete(op);
      return fail(res, fault);
    }
    const name = String(input.Username ?? '');
    const user = users.get(name);
    const needUser = () => {
      if (user) return false;
      fail(res, 'UserNotFoundException', 'User does not exist.');
      return true;
    };
    switch (op) {
      case 'AdminCreateUser': {
        if (user) return fail(res, 'UsernameExistsException', 'User account already exists');
        const u: User = {
          Username: name,
          Attributes: [
            ...(input.UserAttributes as User['Attributes']),
            { Name: 'sub', Value: `sub-${name}` },
          ],
          Enabled: true,
          UserStatus: 'FORCE_CHANGE_PASSWORD',
          groups: new Set(),
          signedOut: 0,
        };
        users.set(name, u);
        return reply(res, 200, { User: view(u) });
      }
      case 'AdminAddUserToGroup':
        if (needUser()) return;
        user!.groups.add(String(input.GroupName));
        return reply(res, 200, {});
      case 'AdminDeleteUser':
        if (needUser()) return;
        users.delete(name);
        return reply(res, 200, {});
      case 'AdminGetUser':
        if (needUser()) return;
        return reply(res, 200, { ...view(user!), UserAttributes: user!.Attributes, Attributes: undefined });
      case 'AdminListGroupsForUser':
        if (needUser()) return;
        return reply(res, 200, { Groups: [...user!.groups].map((GroupName) => ({ GroupName })) });
      case 'AdminDisableUser':
      case 'AdminEnableUser':
        if (needUser()) return;
        user!.Enabled = op === 'AdminEnableUser';
        return reply(res, 200, {});
      case 'AdminUserGlobalSignOut':
        if (needUser()) return;
        user!.signedOut++;
        return reply(res, 200, {});
      case 'ListUsersInGroup': {
        // Pages of `Limit`, with an opaque NextToken, as Cognito does.
        const all = [...users.values()].filter((u) => u.groups.has(String(input.GroupName)));
        const start = Number(input.NextToken ?? 0);
        const limit = Number(input.Limit ?? 60);
        const page = all.slice(start, start + limit);
        return reply(res, 200, {
          Users: page.map(view),
          ...(start + limit < all.length ? { NextToken: String(start + limit) } : {}),
        });
      }
      default:
        return fail(res, 'UnknownOperationException', op);
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err) =>
      reply(res, 500, { __type: 'InternalErrorException', message: String(err) }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    users,
    calls,
    /** The next call of `op` answers this error type. */
    failNext: (op: string, type: string) => faults.set(op, type),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
