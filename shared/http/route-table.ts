// Every HTTP route, the Lambda that serves it and who may call it. The CDK stack builds the
// API from this table and the local runtime dispatches by it: one list, two runtimes.
export type FunctionName = 'api' | 'uploads' | 'chase';
export type Access = 'public' | 'any' | 'office' | 'unit' | 'office-or-unit';

export type Route = { method: 'GET' | 'PUT' | 'POST'; path: string; fn: FunctionName; access: Access };

export const routes: Route[] = [
  { method: 'GET', path: '/v1/health', fn: 'api', access: 'public' },
  { method: 'GET', path: '/v1/openapi.json', fn: 'api', access: 'public' },
  { method: 'GET', path: '/v1/me', fn: 'api', access: 'any' },
  { method: 'GET', path: '/v1/units', fn: 'api', access: 'office' },
  { method: 'GET', path: '/v1/units/{unitId}', fn: 'api', access: 'office' },
  { method: 'PUT', path: '/v1/units/{unitId}', fn: 'api', access: 'office' },
  { method: 'PUT', path: '/v1/units/{unitId}/contacts', fn: 'api', access: 'office-or-unit' },
  { method: 'GET', path: '/v1/units/{unitId}/slots', fn: 'api', access: 'office-or-unit' },
  { method: 'POST', path: '/v1/units/{unitId}/events', fn: 'api', access: 'office-or-unit' },
  { method: 'GET', path: '/v1/units/{unitId}/events', fn: 'api', access: 'office-or-unit' },
  { method: 'GET', path: '/v1/obligations', fn: 'api', access: 'any' },
  { method: 'PUT', path: '/v1/obligations/{obligationId}', fn: 'api', access: 'office' },
  { method: 'GET', path: '/v1/settings', fn: 'api', access: 'office' },
  { method: 'PUT', path: '/v1/settings', fn: 'api', access: 'office' },
  { method: 'GET', path: '/v1/calendar/{year}', fn: 'api', access: 'any' },
  { method: 'PUT', path: '/v1/calendar/{year}', fn: 'api', access: 'office' },
  { method: 'GET', path: '/v1/status', fn: 'api', access: 'office' },
  { method: 'GET', path: '/v1/overdue', fn: 'api', access: 'office' },
  {
    method: 'POST',
    path: '/v1/slots/{obligationId}/{period}/{unitId}/extension',
    fn: 'api',
    access: 'office',
  },
  { method: 'POST', path: '/v1/slots/{obligationId}/{period}/{unitId}/waiver', fn: 'api', access: 'office' },
  {
    method: 'POST',
    path: '/v1/slots/{obligationId}/{period}/{unitId}/acknowledge',
    fn: 'api',
    access: 'unit',
  },
  { method: 'GET', path: '/v1/assessment', fn: 'api', access: 'office' },
  { method: 'GET', path: '/v1/audit', fn: 'api', access: 'office' },
  { method: 'GET', path: '/v1/users', fn: 'api', access: 'office' },
  { method: 'POST', path: '/v1/users', fn: 'api', access: 'office' },
  { method: 'POST', path: '/v1/users/{username}/disable', fn: 'api', access: 'office' },
  { method: 'POST', path: '/v1/users/{username}/enable', fn: 'api', access: 'office' },
  { method: 'POST', path: '/v1/uploads', fn: 'uploads', access: 'unit' },
  { method: 'GET', path: '/v1/submissions/{submissionId}', fn: 'uploads', access: 'office-or-unit' },
  { method: 'POST', path: '/v1/submissions/{submissionId}/review', fn: 'uploads', access: 'office' },
  { method: 'POST', path: '/v1/chase', fn: 'chase', access: 'office' },
  { method: 'POST', path: '/v1/obligations/{obligationId}/templates', fn: 'uploads', access: 'office' },
  { method: 'GET', path: '/v1/obligations/{obligationId}/templates/{name}', fn: 'uploads', access: 'any' },
];

export const routeKey = (r: Pick<Route, 'method' | 'path'>) => `${r.method} ${r.path}`;
