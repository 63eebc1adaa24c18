// The `uploads` function's routes: presigned uploads, a submission, the office's review.
import * as z from 'zod';
import { deps, need } from '../../shared/adapters/container';
import { review, reviewSchema } from '../../shared/app/review';
import { getSubmission, requestUpload, uploadRequestSchema } from '../../shared/app/uploads';
import { def } from '../../shared/http/router';

const uploadDeps = () => ({
  store: need('store'),
  clock: need('clock'),
  objects: need('objects'),
  queue: deps().queue,
  webBaseUrl: deps().webBaseUrl,
});
const byId = z.object({
  submissionId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'submissionId must be a ULID'),
});

export const uploadRoutes = {
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
