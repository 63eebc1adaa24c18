// HTTP: administration, calendar, slots, boards and office actions. Only translates: the router
// parses and authorizes, the use cases in shared/app do the work.
import { httpRouter } from '../../shared/http/router';
import { apiRoutes } from './routes';

export const handler = httpRouter(apiRoutes);
