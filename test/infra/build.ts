// Builds the stack for assertion tests: no bundling (fast), nag registered as in infra/app.ts,
// so Template.fromStack (NODE_ENV=test under vitest) also throws on unacknowledged findings.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import { addNagChecks } from '../../infra/nag';
import { BaosongStack } from '../../infra/stack';

export const REGION = 'ap-southeast-1';

export const buildStack = (context: Record<string, unknown> = {}) => {
  // No pages build (web/dist may be half-written by the browser tests running alongside).
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], webDist: 'test/infra/no-web-dist', ...context },
  });
  const stack = new BaosongStack(app, 'Baosong', { env: { region: REGION } });
  addNagChecks(app);
  return { app, stack };
};

export const synthTemplate = (context: Record<string, unknown> = {}) => {
  const { app, stack } = buildStack(context);
  return { app, stack, template: Template.fromStack(stack) };
};

export const logicalId = (construct: { node: { defaultChild?: unknown } }) => {
  const child = construct.node.defaultChild as CfnResource;
  return Stack.of(child).getLogicalId(child);
};

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

/** Every IAM statement attached (via AWS::IAM::Policy) to the role with this logical id. */
export const statementsOfRole = (template: Template, roleLogicalId: string): Statement[] => {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as Array<{ Ref?: string }>).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
};

export const actionsOf = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
