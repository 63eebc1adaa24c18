// HTTP: chase-up (催报). Only translates: the router parses and authorizes, shared/app/chase.ts works.
import '../../shared/adapters/wire/queue';
import { httpRouter } from '../../shared/http/router';
import { chaseRoutes } from './chase-routes';

export const handler = httpRouter(chaseRoutes);
