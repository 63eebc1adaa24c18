// HTTP: administration, calendar, slots, boards and office actions, and the OpenAPI document.
// Only translates: the router parses and authorizes, the use cases in shared/app do the work.
import { slotOpener } from '../../shared/adapters/wire/opener';
import { userDirectory } from '../../shared/adapters/wire/users';
import { notifyQueue } from '../../shared/adapters/wire/queue';
import { buildOpenApi } from '../../shared/http/openapi';
import { def, httpRouter } from '../../shared/http/router';
import { officeRoutes } from './office-routes';
import { apiRoutes } from './api-routes';
import { otherRoutes } from './other-routes';
import { userRoutes } from './user-routes';
import { useAdapters } from '../../shared/adapters/container';

useAdapters({ users: userDirectory, queue: notifyQueue, opener: slotOpener });

let doc: unknown;
const own = {
  ...apiRoutes,
  ...officeRoutes,
  ...userRoutes,
  'GET /v1/openapi.json': def({
    summary: 'This API’s OpenAPI 3.1 document',
    run: async () => {
      doc ??= buildOpenApi({ ...own, ...otherRoutes });
      return doc;
    },
  }),
};

export const handler = httpRouter(own);
