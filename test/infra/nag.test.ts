// cdk-nag AwsSolutions over the real stack. With cdk-nag v3 `Annotations.findError` always returns
// [] (findings are validation reports, not annotations), so a test built on it passes falsely:
// run the pack directly and look at its violations — and prove, with a bad bucket, that it bites.
import { App, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledge } from '../../infra/nag';
import { buildStack } from './build';

const describeViolations = (violations: ReturnType<AwsSolutionsChecks['validateScope']>['violations']) =>
  violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));

describe('cdk-nag AwsSolutions', () => {
  it('the stack has no unacknowledged finding', () => {
    const { app, stack } = buildStack();
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(describeViolations(report.violations)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('…also with an SMS identity configured (the SMS wildcard acknowledgements are then not needed)', () => {
    const { app, stack } = buildStack({
      smsOriginationIdentity: 'arn:aws:sms-voice:ap-southeast-1:111122223333:pool/pool-abc',
    });
    expect(describeViolations(new AwsSolutionsChecks(app).validateScope(stack).violations)).toEqual([]);
  });

  it('negative control: a bare bucket is reported (S1 logging, S10 TLS), until acknowledged', () => {
    const app = new App();
    const stack = new Stack(app, 'Throwaway');
    const bucket = new Bucket(stack, 'Bad');
    const found = describeViolations(new AwsSolutionsChecks(app).validateScope(stack).violations);
    expect(found).toEqual(
      expect.arrayContaining([
        'AwsSolutions-S1 @ Throwaway/Bad/Resource',
        'AwsSolutions-S10 @ Throwaway/Bad/Resource',
      ]),
    );

    acknowledge(bucket, 'S1', 'negative control');
    const after = describeViolations(new AwsSolutionsChecks(app).validateScope(stack).violations);
    expect(after).not.toContain('AwsSolutions-S1 @ Throwaway/Bad/Resource');
    expect(after).toContain('AwsSolutions-S10 @ Throwaway/Bad/Resource');
  });
});
