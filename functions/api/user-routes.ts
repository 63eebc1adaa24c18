// The office's users routes (SPEC §5): the people who sign in. Only translates; the use cases are
// in shared/app/users.ts and the directory (Cognito, the local table, or the china profile's known
// mapping) comes from the container.
import * as z from 'zod';
import { need } from '../../shared/adapters/container';
import { usersPage } from '../../shared/app/lists';
import { createUser, setUserEnabled } from '../../shared/app/users';
import { newUserSchema, userAccountSchema, usernameSchema } from '../../shared/domain/users';
import { def } from '../../shared/http/router';
import { deps } from '../../shared/adapters/container';
import { pageQuery } from './api-routes';

const now = () => deps().clock.now();
const byName = z.object({ username: usernameSchema });
const toggle = (enabled: boolean) =>
  def({
    summary: enabled ? 'Enable a user' : 'Disable a user (they can no longer sign in)',
    params: byName,
    response: userAccountSchema,
    run: async ({ params, principal }) =>
      setUserEnabled(deps().store, need('users'), principal!, params.username, enabled, now()),
  });

export const userRoutes = {
  'GET /v1/users': def({
    summary: 'The people who sign in: office staff and unit users',
    query: pageQuery,
    response: z.object({ items: z.array(userAccountSchema), nextCursor: z.string().optional() }),
    run: async ({ query }) => usersPage(need('users'), query),
  }),

  'POST /v1/users': def({
    summary: 'Create a user and send the Chinese invitation email',
    body: newUserSchema,
    status: 201,
    response: userAccountSchema,
    run: async ({ body, principal }) => createUser(deps().store, need('users'), principal!, body, now()),
  }),

  'POST /v1/users/{username}/disable': toggle(false),
  'POST /v1/users/{username}/enable': toggle(true),
};
