// HTTP: chase-up (催报). Only translates: the router parses and authorizes, shared/app/chase.ts works.
import { notifyQueue } from '../../shared/adapters/wire/queue';
import { httpRouter } from '../../shared/http/router';
import { chaseRoutes } from './chase-routes';
import { useAdapters } from '../../shared/adapters/container';

useAdapters({ queue: notifyQueue });

export const handler = httpRouter(chaseRoutes);
