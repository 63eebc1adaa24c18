// The routes other functions serve, for the OpenAPI document only: the api never routes them
// (test/infra/iam-usage.test.ts leaves them out of the api's reachable port calls for that reason).
import { chaseRoutes } from '../chase/chase-routes';
import { uploadRoutes } from '../uploads/upload-routes';

export const otherRoutes = { ...uploadRoutes, ...chaseRoutes };
