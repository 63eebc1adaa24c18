// The office's routes: boards, overdue, extensions, waivers, assessment, audit.
import * as z from 'zod';
import { acknowledge, assessment, auditTrail, board, extend, overdue, waive } from '../../shared/app/office';
import { deps } from '../../shared/adapters/container';
import { shanghaiDateTime, shanghaiYear } from '../../shared/domain/dates';
import {
  isoDate,
  obligationIdSchema,
  periodSchema,
  unitIdSchema,
  yearSchema,
} from '../../shared/domain/model';
import { csvResponse, toCsv, wantsCsv } from '../../shared/http/csv';
import { def } from '../../shared/http/router';
import { multilineText } from '../../shared/domain/text';
import { pageAfter } from '../../shared/app/paging';
import { pageQuery } from './api-routes';
import { STATE_ZH } from '../../shared/domain/labels';

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
const yesNo = (b: boolean | null) => (b === null ? '' : b ? '是' : '否');
const localTime = (iso: string | null) => (iso ? shanghaiDateTime(new Date(iso)) : '');

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
      if (!csv) return b;
      const header = [
        '单位编号',
        '单位名称',
        '状态',
        '按时报送',
        '逾期工作日',
        '首次报送时间',
        '延期至',
        '催告级别',
        '已提醒次数',
        '催报次数',
        '最新报送编号',
        '签收时间',
      ];
      const rows = b.items.map((r) => [
        r.unitId,
        r.name,
        STATE_ZH[r.state],
        yesNo(r.onTime),
        r.lateDays ?? '',
        localTime(r.submittedAt),
        r.extendedUntil ?? '',
        r.escalationLevel,
        r.remindersSent,
        r.chaseCount,
        r.latestSubmissionId ?? '',
        localTime(r.acknowledgedAt),
      ]);
      return csvResponse(`${b.name}-${b.period}.csv`, toCsv(header, rows));
    },
  }),

  'GET /v1/overdue': def({
    summary: 'Every slot overdue now, oldest deadline first',
    query: pageQuery,
    run: async ({ query }) =>
      pageAfter(
        (await overdue(deps().store, now())).items,
        (s) => `${s.effectiveDeadline}#${s.obligationId}#${s.period}#${s.unitId}`,
        query,
      ),
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
      const a = await assessment(deps().store, query.year ?? shanghaiYear(at), at);
      if (!wantsCsv(query.format, headers))
        return {
          year: a.year,
          asOf: a.asOf,
          ...pageAfter(a.items, (r) => `${String(r.rank).padStart(6, '0')}#${r.unitId}`, {
            ...query,
            limit: query.limit ?? 5000,
          }),
        };
      const header = ['排名', '单位编号', '单位名称', '得分', '按时', '逾期', '缺报', '免报'];
      const rows = a.items.map((r) => [
        r.rank,
        r.unitId,
        r.name,
        r.score ?? '',
        r.onTime,
        r.late,
        r.missing,
        r.waived,
      ]);
      return csvResponse(`依法行政报送考核-${a.year}.csv`, toCsv(header, rows));
    },
  }),

  'GET /v1/audit': def({
    summary: 'The audit trail of a unit-year (or the office’s own actions without unitId), newest first',
    query: pageQuery.extend({ unitId: unitIdSchema.optional(), year: yearSchema.optional() }),
    run: async ({ query }) => auditTrail(deps().store, { ...query, year: query.year ?? shanghaiYear(now()) }),
  }),
};
