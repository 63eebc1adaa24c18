// The routes other functions serve, for the OpenAPI document only (loaded on first request).
import { chaseRoutes } from '../chase/chase-routes';
import { uploadRoutes } from '../uploads/upload-routes';

export const otherRoutes = { ...uploadRoutes, ...chaseRoutes };
