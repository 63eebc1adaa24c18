// The office's routes: boards, overdue, extensions, waivers, assessment, audit.
import * as z from 'zod';
import { assessmentPage, auditPage, overduePage, yearOr } from '../../shared/app/lists';
import { acknowledge, assessment, board, extend, waive } from '../../shared/app/office';
import { assessmentTable, boardTable } from '../../shared/app/reports';
import { deps } from '../../shared/adapters/container';
import {
  isoDate,
  obligationIdSchema,
  periodSchema,
  unitIdSchema,
  yearSchema,
} from '../../shared/domain/model';
import { tableResponse, wantsCsv } from '../../shared/http/csv';
import { def } from '../../shared/http/router';
import { multilineText } from '../../shared/domain/text';
import { pageQuery } from './api-routes';

const format = z.enum(['json', 'csv']).optional();
const slotKey = z.object({ obligationId: obligationIdSchema, period: periodSchema, unitId: unitIdSchema });
const reason = multilineText(500, 1);
const now = () => deps().clock.now();
export const extensionBodySchema = z.strictObject({ until: isoDate, reason });
export const waiverBodySchema = z.strictObject({ reason });
export const statusQuerySchema = pageQuery.extend({
  obligationId: obligationIdSchema,
  period: periodSchema,
  format,
});

export const officeRoutes = {
  'GET /v1/status': def({
    summary: 'One period’s board: counts by state, on-time rate, a row per unit (CSV with format=csv)',
    query: statusQuerySchema,
    run: async ({ query, headers }) => {
      const csv = wantsCsv(query.format, headers);
      const b = await board(deps().store, {
        ...query,
        now: now(),
        ...(csv ? { limit: undefined, cursor: undefined } : {}),
      });
      return csv ? tableResponse(boardTable(b)) : b;
    },
  }),

  'GET /v1/overdue': def({
    summary: 'Every slot overdue now, oldest deadline first',
    query: pageQuery,
    run: async ({ query }) => overduePage(deps().store, now(), query),
  }),

  'POST /v1/slots/{obligationId}/{period}/{unitId}/extension': def({
    summary: 'Extend one slot’s deadline (延期)',
    params: slotKey,
    body: extensionBodySchema,
    run: async ({ params, body, principal }) => extend(deps().store, principal!, params, body, now()),
  }),

  'POST /v1/slots/{obligationId}/{period}/{unitId}/waiver': def({
    summary: 'Waive one slot (免报)',
    params: slotKey,
    body: waiverBodySchema,
    run: async ({ params, body, principal }) => waive(deps().store, principal!, params, body, now()),
  }),

  'POST /v1/slots/{obligationId}/{period}/{unitId}/acknowledge': def({
    summary: 'Sign for a request (签收): that unit only; idempotent',
    params: slotKey,
    run: async ({ params, principal }) => acknowledge(deps().store, principal!, params, now()),
  }),

  'GET /v1/assessment': def({
    summary: 'Annual assessment scores of every unit, ranked (CSV with format=csv)',
    query: pageQuery.extend({ year: yearSchema.optional(), format }),
    run: async ({ query, headers }) => {
      const at = now();
      if (!wantsCsv(query.format, headers)) return assessmentPage(deps().store, query, at);
      return tableResponse(assessmentTable(await assessment(deps().store, yearOr(query.year, at), at)));
    },
  }),

  'GET /v1/audit': def({
    summary: 'The audit trail of a unit-year (or the office’s own actions without unitId), newest first',
    query: pageQuery.extend({ unitId: unitIdSchema.optional(), year: yearSchema.optional() }),
    run: async ({ query }) => auditPage(deps().store, query, now()),
  }),
};
