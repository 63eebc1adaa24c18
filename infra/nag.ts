// cdk-nag (v3) wiring and the one helper every acknowledgement goes through.
// v3 has no Aspects and no NagSuppressions: the pack is a CDK validation plugin, and an
// acknowledgement is construct metadata that the pack reads for the resource and its ancestors.
// Each finding is acknowledged by its exact id (`AwsSolutions-IAM5[Resource::…]`), never by prefix.
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export const addNagChecks = (app: App) => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
};

/** Acknowledge one nag finding on one construct (and its children), with the reason on record. */
export const acknowledge = (scope: IConstruct, id: string, reason: string) => {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });
};
