// The `uploads` function's routes: presigned uploads, a submission, the office's review.
import * as z from 'zod';
import { deps, need } from '../../shared/adapters/container';
import { review, reviewSchema } from '../../shared/app/review';
import { getSubmission, requestUpload, uploadRequestSchema } from '../../shared/app/uploads';
import { requestTemplateUpload, templateDownloadUrl, templateRequestSchema } from '../../shared/app/templates';
import { obligationIdSchema } from '../../shared/domain/model';
import { def, HttpResponse } from '../../shared/http/router';

const uploadDeps = () => ({
  store: need('store'),
  clock: need('clock'),
  objects: need('objects'),
  queue: deps().queue,
  webBaseUrl: deps().webBaseUrl,
  log: deps().log,
});
const byId = z.object({
  submissionId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'submissionId must be a ULID'),
});

const templateName = z
  .string()
  .min(1)
  .max(200)
  .refine((n) => !/[/\\]/.test(n), 'a template name has no slashes');

export const uploadRoutes = {
  'POST /v1/obligations/{obligationId}/templates': def({
    summary: 'Attach a template (附件模板) to an obligation: a presigned POST, checked like an upload',
    params: z.object({ obligationId: obligationIdSchema }),
    body: templateRequestSchema,
    status: 201,
    run: async ({ params, body, principal }) =>
      requestTemplateUpload(uploadDeps(), principal!, params.obligationId, body),
  }),

  'GET /v1/obligations/{obligationId}/templates/{name}': def({
    summary: 'Download a template: 302 to a presigned GET (5 minutes), for the units the obligation applies to',
    params: z.object({ obligationId: obligationIdSchema, name: templateName }),
    run: async ({ params, principal }) => {
      const url = await templateDownloadUrl(uploadDeps(), principal!, params.obligationId, params.name);
      return new HttpResponse(302, '', { location: url, 'cache-control': 'no-store' });
    },
  }),

  'POST /v1/uploads': def({
    summary: 'Request a presigned POST for one file of the caller’s slot',
    body: uploadRequestSchema,
    status: 201,
    run: async ({ body, principal }) => requestUpload(uploadDeps(), principal, body),
  }),

  'GET /v1/submissions/{submissionId}': def({
    summary: 'One submission, with a download link once received',
    params: byId,
    run: async ({ params, principal }) => getSubmission(uploadDeps(), principal, params.submissionId),
  }),

  'POST /v1/submissions/{submissionId}/review': def({
    summary: 'Accept, or return for revision with a comment and a resubmit-by date',
    params: byId,
    body: reviewSchema,
    run: async ({ params, body, principal }) => review(uploadDeps(), principal, params.submissionId, body),
  }),
};
