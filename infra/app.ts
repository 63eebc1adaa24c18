// The CDK app: `npx cdk synth` (cdk.json runs this with tsx). Works offline, with no AWS account.
import { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag';
import { BaosongStack } from './stack';

const app = new App();

// The CLI sets CDK_DEFAULT_REGION=us-east-1 when no AWS config exists, so the region is explicit:
// BAOSONG_REGION, default ap-southeast-1. The account stays whatever the credentials say (none offline).
new BaosongStack(app, 'Baosong', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.BAOSONG_REGION ?? 'ap-southeast-1' },
  description: 'baosong: statutory report submission tracking (SPEC §6)',
});

// cdk-nag AwsSolutions as a validation plugin: synth fails on any unacknowledged finding.
addNagChecks(app);

app.synth();
