// The `chase` function's route: POST /v1/chase (office) — 催报.
import * as z from 'zod';
import { deps } from '../../shared/adapters/container';
import { chase } from '../../shared/app/chase';
import { obligationIdSchema, periodSchema, unitIdSchema } from '../../shared/domain/model';
import { def } from '../../shared/http/router';

export const chaseBodySchema = z.strictObject({
  obligationId: obligationIdSchema,
  period: periodSchema,
  unitId: unitIdSchema.optional(),
});

export const chaseRoutes = {
  'POST /v1/chase': def({
    summary: 'Chase-up (催报): reminders now to one unit, or every unit owing the obligation period',
    body: chaseBodySchema,
    response: z.object({ queued: z.number().int() }),
    run: async ({ body, principal }) => {
      const d = deps();
      return chase({ store: d.store, queue: d.queue, webBaseUrl: d.webBaseUrl }, principal!, body, d.clock.now());
    },
  }),
};
