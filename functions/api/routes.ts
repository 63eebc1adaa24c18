// The `api` function's routes: administration, calendar, a unit's slots.
import * as z from 'zod';
import { getSettings, getUnit, putObligation, putSettings, putUnit } from '../../shared/app/admin';
import { getCalendarYear, putCalendarYear } from '../../shared/app/calendar';
import { pageAfter } from '../../shared/app/paging';
import { unitSlots } from '../../shared/app/slots';
import { deps } from '../../shared/adapters/container';
import { shanghaiDate } from '../../shared/domain/dates';
import {
  calendarBodySchema,
  obligationBodySchema,
  obligationIdSchema,
  settingsSchema,
  unitBodySchema,
  unitIdSchema,
  yearSchema,
} from '../../shared/domain/model';
import { assertOwnUnit, def, HttpResponse } from '../../shared/http/router';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(2000).optional(),
});

const who = (p: Parameters<typeof assertOwnUnit>[0]) => p!;
const now = () => deps().clock.now();

const created = (isNew: boolean, body: unknown) =>
  new HttpResponse(isNew ? 201 : 200, JSON.stringify(body), {
    'content-type': 'application/json; charset=utf-8',
  });

export const apiRoutes = {
  'GET /v1/health': def({ summary: 'Liveness', run: async () => ({ ok: true }) }),

  'GET /v1/me': def({
    summary: 'The caller’s role',
    run: async ({ principal }) =>
      principal?.role === 'unit' ? { role: 'unit', unitId: principal.unitId } : { role: principal?.role },
  }),

  'GET /v1/units': def({
    summary: 'All units with contacts',
    query: pageQuery,
    run: async ({ query }) => pageAfter(await deps().store.listUnits(), (u) => u.unitId, query),
  }),

  'GET /v1/units/{unitId}': def({
    summary: 'One unit',
    params: z.object({ unitId: unitIdSchema }),
    run: async ({ params }) => getUnit(deps().store, params.unitId),
  }),

  'PUT /v1/units/{unitId}': def({
    summary: 'Create or replace a unit; opens its slots for the current year',
    params: z.object({ unitId: unitIdSchema }),
    body: unitBodySchema,
    run: async ({ params, body, principal }) => {
      const r = await putUnit(deps().store, who(principal), { unitId: params.unitId, ...body }, now());
      return created(r.created, r.unit);
    },
  }),

  'GET /v1/units/{unitId}/slots': def({
    summary: 'A unit’s slots of a year, with their submissions',
    params: z.object({ unitId: unitIdSchema }),
    query: z.object({ year: yearSchema.optional() }),
    run: async ({ params, query, principal }) => {
      assertOwnUnit(principal, params.unitId);
      const at = now();
      return unitSlots(deps().store, params.unitId, query.year ?? Number(shanghaiDate(at).slice(0, 4)), at);
    },
  }),

  'GET /v1/obligations': def({
    summary: 'The obligations (报送事项)',
    run: async () => ({
      items: (await deps().store.listObligations()).sort((a, b) =>
        a.obligationId.localeCompare(b.obligationId),
      ),
    }),
  }),

  'PUT /v1/obligations/{obligationId}': def({
    summary: 'Create or replace an obligation; opens its slots for the current year',
    params: z.object({ obligationId: obligationIdSchema }),
    body: obligationBodySchema,
    run: async ({ params, body, principal }) => {
      const r = await putObligation(deps().store, who(principal), params.obligationId, body, now());
      return created(r.created, r.obligation);
    },
  }),

  'GET /v1/settings': def({ summary: 'Office settings', run: async () => getSettings(deps().store) }),

  'PUT /v1/settings': def({
    summary: 'Replace the office settings',
    body: settingsSchema,
    run: async ({ body, principal }) => putSettings(deps().store, who(principal), body, now()),
  }),

  'GET /v1/calendar/{year}': def({
    summary: 'A year’s working-day calendar and its source',
    params: z.object({ year: yearSchema }),
    run: async ({ params }) => getCalendarYear(deps().store, params.year),
  }),

  'PUT /v1/calendar/{year}': def({
    summary: 'Load a year’s holiday arrangement (overrides the package)',
    params: z.object({ year: yearSchema }),
    body: calendarBodySchema,
    run: async ({ params, body, principal }) =>
      putCalendarYear(deps().store, who(principal), params.year, body, now()),
  }),
};
