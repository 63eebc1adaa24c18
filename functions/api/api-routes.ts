// The `api` function's routes: administration, calendar, a unit's slots.
import * as z from 'zod';
import {
  getSettings,
  getUnit,
  putContacts,
  putObligation,
  putSettings,
  putUnit,
} from '../../shared/app/admin';
import { getCalendarYear, putCalendarYear } from '../../shared/app/calendar';
import { declareEvent, eventBodySchema } from '../../shared/app/events';
import { eventsPage, obligationsPage, unitSlotsPage, unitsPage } from '../../shared/app/lists';
import { obligationView } from '../../shared/app/template-views';
import { deps } from '../../shared/adapters/container';
import { invalid } from '../../shared/domain/errors';
import {
  calendarBodySchema,
  contactsBodySchema,
  type ObligationBody,
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

/** A body may repeat the id of its path (clients often send the whole object back); if it does, it must match. */
function samePathId<T extends object, F extends string>(body: T, field: F, expected: string): Omit<T, F> {
  const value = (body as Record<string, unknown>)[field];
  if (value !== undefined && value !== expected) throw invalid(field, `must match the path (${expected})`);
  const { [field]: _drop, ...rest } = body as Record<string, unknown>;
  return rest as Omit<T, F>;
}
const obligationBody = z.discriminatedUnion(
  'kind',
  obligationBodySchema.options.map((o) =>
    o.extend({ obligationId: obligationIdSchema.optional() }),
  ) as unknown as [
    (typeof obligationBodySchema.options)[number],
    ...(typeof obligationBodySchema.options)[number][],
  ],
);

const created = (isNew: boolean, body: unknown) =>
  new HttpResponse(isNew ? 201 : 200, JSON.stringify(body), {
    'content-type': 'application/json; charset=utf-8',
  });

export const apiRoutes = {
  'GET /v1/health': def({ summary: 'Liveness', run: async () => ({ ok: true }) }),

  'GET /v1/me': def({
    summary: 'The caller’s role',
    run: async ({ principal }) => {
      // China profile: remember who signed in, so GET /v1/users can list the mapping it knows.
      const users = deps().users;
      if (principal && users?.observe)
        await users.observe({
          username: principal.username ?? principal.sub,
          role: principal.role,
          ...(principal.role === 'unit' ? { unitId: principal.unitId } : {}),
        });
      return principal?.role === 'unit'
        ? { role: 'unit', unitId: principal.unitId }
        : { role: principal?.role };
    },
  }),

  'GET /v1/units': def({
    summary: 'All units with contacts',
    query: pageQuery,
    run: async ({ query }) => unitsPage(deps().store, query),
  }),

  'GET /v1/units/{unitId}': def({
    summary: 'One unit',
    params: z.object({ unitId: unitIdSchema }),
    run: async ({ params }) => getUnit(deps().store, params.unitId),
  }),

  'PUT /v1/units/{unitId}': def({
    summary: 'Create or replace a unit; opens its slots for the current year',
    params: z.object({ unitId: unitIdSchema }),
    body: unitBodySchema.extend({ unitId: unitIdSchema.optional() }),
    run: async ({ params, body, principal }) => {
      const unit = { ...samePathId(body, 'unitId', params.unitId), unitId: params.unitId };
      const r = await putUnit(deps().store, who(principal), unit, now(), {
        users: deps().users,
        queue: deps().queue,
        webBaseUrl: deps().webBaseUrl,
        opener: deps().opener,
      });
      return created(r.created, r.unit);
    },
  }),

  'PUT /v1/units/{unitId}/contacts': def({
    summary: 'Replace a unit’s contacts (the unit itself, or the office); audited with before and after',
    params: z.object({ unitId: unitIdSchema }),
    body: contactsBodySchema,
    run: async ({ params, body, principal }) => {
      assertOwnUnit(principal, params.unitId);
      return putContacts(deps().store, who(principal), params.unitId, body, now());
    },
  }),

  'GET /v1/units/{unitId}/slots': def({
    summary: 'A unit’s slots of a year, with their submissions',
    params: z.object({ unitId: unitIdSchema }),
    query: pageQuery.extend({ year: yearSchema.optional() }),
    run: async ({ params, query, principal }) => {
      assertOwnUnit(principal, params.unitId);
      return unitSlotsPage(deps().store, params.unitId, query, now());
    },
  }),

  'POST /v1/units/{unitId}/events': def({
    summary:
      'Declare an event of an event obligation (e.g. a normative document published); opens its slot(s)',
    params: z.object({ unitId: unitIdSchema }),
    body: eventBodySchema,
    status: 201,
    run: async ({ params, body, principal }) => {
      assertOwnUnit(principal, params.unitId);
      return declareEvent(deps(), who(principal), params.unitId, body, now());
    },
  }),

  'GET /v1/units/{unitId}/events': def({
    summary: 'A unit’s declared events of a year (the year they occurred)',
    params: z.object({ unitId: unitIdSchema }),
    query: pageQuery.extend({ year: yearSchema.optional() }),
    run: async ({ params, query, principal }) => {
      assertOwnUnit(principal, params.unitId);
      return eventsPage(deps().store, params.unitId, query, now());
    },
  }),

  'GET /v1/obligations': def({
    summary: 'The obligations (报送事项)',
    query: pageQuery,
    run: async ({ query }) => obligationsPage(deps().store, query),
  }),

  'PUT /v1/obligations/{obligationId}': def({
    summary: 'Create or replace an obligation; opens its slots for the current year',
    params: z.object({ obligationId: obligationIdSchema }),
    body: obligationBody,
    run: async ({ params, body, principal }) => {
      const ob = samePathId(body, 'obligationId', params.obligationId) as ObligationBody;
      const r = await putObligation(
        deps().store,
        who(principal),
        params.obligationId,
        ob,
        now(),
        deps().queue,
        deps().webBaseUrl,
        deps().opener,
      );
      return created(r.created, obligationView(r.obligation));
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
