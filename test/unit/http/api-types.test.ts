// The types the web pages import (shared/http/api-types.ts). `tsc --noEmit` (the first step of
// `npm test`) checks these assertions: a schema or handler change that the pages would not fit fails it.
import { describe, expectTypeOf, it } from 'vitest';
import type {
  ApiBodies,
  ApiResponse,
  ChaseResult,
  ContactsBody,
  Me,
  RouteKey,
  SlotItem,
  SlotState,
  StatusBoard,
  StatusRow,
  SubmissionView,
  Unit,
  UnitBody,
  UploadTicket,
} from '../../../shared/http/api-types';

describe('api-types', () => {
  it('requests are the validators’ input types (defaults optional)', () => {
    expectTypeOf<ContactsBody>().toEqualTypeOf<
      { role: 'liaison' | 'leader'; name: string; email?: string | undefined; phone?: string | undefined }[]
    >();
    expectTypeOf<UnitBody['tags']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<UnitBody['kind']>().toEqualTypeOf<'town' | 'department' | 'other'>();
    expectTypeOf<ApiBodies['POST /v1/chase']>().toEqualTypeOf<{
      obligationId: string;
      period: string;
      unitId?: string | undefined;
    }>();
  });

  it('responses are what the handlers return', () => {
    expectTypeOf<ChaseResult>().toEqualTypeOf<{ queued: number }>();
    expectTypeOf<Unit['contacts'][number]['phone']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SlotItem['state']>().toEqualTypeOf<SlotState>();
    expectTypeOf<SlotItem>().toHaveProperty('effectiveDeadline');
    expectTypeOf<StatusBoard>().toHaveProperty('onTimeRate');
    expectTypeOf<StatusRow>().toHaveProperty('latestSubmissionId');
    expectTypeOf<UploadTicket>().toHaveProperty('fields');
    expectTypeOf<SubmissionView['sha256']>().toEqualTypeOf<string | null>();
    expectTypeOf<Me>().toHaveProperty('role');
    expectTypeOf<ApiResponse<'GET /v1/health'>>().toEqualTypeOf<{ ok: boolean }>();
  });

  it('knows only the routes there are', () => {
    expectTypeOf<'PUT /v1/units/{unitId}/contacts'>().toExtend<RouteKey>();
    // @ts-expect-error not a route
    expectTypeOf<ApiResponse<'GET /v1/nothing'>>().toBeNever();
  });
});
