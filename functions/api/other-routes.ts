// The routes other functions serve, for the OpenAPI document only (loaded on first request).
export const otherRoutes = {};
