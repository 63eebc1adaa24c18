// SPEC §7: the same stack in two profiles. `global` (default) has Cognito, SES and End User
// Messaging; `china` (-c profile=china, cn-north-1, partition aws-cn) has none of them: the JWT
// authorizer trusts the government's OpenID Connect issuer, email and SMS settings live in
// Secrets Manager that only the sender reads, every ARN is built with the partition, and cdk-nag
// finds nothing unacknowledged in either.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs, type LambdaName } from '../../infra/functions';
import { addNagChecks } from '../../infra/nag';
import { BaosongStack, OIDC_PLACEHOLDER } from '../../infra/stack';
import { actionsOf, logicalId, statementsOfRole } from './build';

const ISSUER = 'https://idp.example.gov.cn/realms/district';
const build = (context: Record<string, unknown>, region: string, account?: string) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new BaosongStack(app, 'Baosong', { env: { region, account } });
  addNagChecks(app);
  return { app, stack };
};
const names = Object.keys(functionSpecs) as LambdaName[];
const actionsOfFn = (t: Template, s: BaosongStack, name: LambdaName) =>
  actionsOf(statementsOfRole(t, logicalId(s.functions[name].role as never)));
const types = (t: Template) =>
  new Set(Object.values(t.toJSON().Resources).map((r) => (r as { Type: string }).Type));
const envOf = (t: Template, s: BaosongStack, name: LambdaName) =>
  (
    t.toJSON().Resources[logicalId(s.functions[name])] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }
  ).Properties.Environment.Variables;

let global: { stack: BaosongStack; template: Template; app: App };
let china: { stack: BaosongStack; template: Template; app: App };

beforeAll(() => {
  const g = build({}, 'ap-southeast-1');
  global = { ...g, template: Template.fromStack(g.stack) };
  const c = build(
    {
      profile: 'china',
      oidcIssuer: ISSUER,
      oidcAudience: 'baosong-web',
      roleClaim: 'groups',
      unitClaim: 'unit_id',
    },
    'cn-north-1',
  );
  china = { ...c, template: Template.fromStack(c.stack) };
}, 180_000);

describe('profiles (SPEC §7)', { timeout: 180_000 }, () => {
  it('global has the Cognito pool; china has no Cognito, SES or End User Messaging resource or permission', () => {
    expect(types(global.template).has('AWS::Cognito::UserPool')).toBe(true);
    for (const t of types(china.template))
      expect(t).not.toMatch(/^AWS::(Cognito|SES|SMSVOICE|PinpointSMSVoiceV2)::/);
    const all = names.flatMap((n) => actionsOfFn(china.template, china.stack, n));
    expect(all.filter((a) => /^(cognito-idp|ses|sms-voice|mobiletargeting):/.test(a))).toEqual([]);
    expect(actionsOfFn(global.template, global.stack, 'sender')).toEqual(
      expect.arrayContaining(['ses:SendEmail', 'sms-voice:SendTextMessage']),
    );
    expect(china.stack.userPool).toBeUndefined();
  });

  it('china: the JWT authorizer trusts the configured issuer and audience', () => {
    china.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: ISSUER, Audience: ['baosong-web'] },
    });
    const auth = Object.values(global.template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];
    expect(JSON.stringify(auth?.Properties.JwtConfiguration.Issuer)).toContain('cognito-idp');
  });

  it('the claim names are configuration: every function gets ROLE_CLAIM / UNIT_CLAIM when given', () => {
    for (const n of names)
      expect(envOf(china.template, china.stack, n)).toMatchObject({
        ROLE_CLAIM: 'groups',
        UNIT_CLAIM: 'unit_id',
      });
    expect(envOf(global.template, global.stack, 'api').ROLE_CLAIM).toBeUndefined();
    expect(envOf(china.template, china.stack, 'api')).toMatchObject({ OIDC_ISSUER: ISSUER });
    expect(envOf(china.template, china.stack, 'api').USER_POOL_ID).toBeUndefined();
  });

  it('china: SMTP and SMS settings in two secrets, read by the sender only, each by its own ARN', () => {
    const secrets = china.template.findResources('AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(2);
    const { smtp, sms } = china.stack.secrets!;
    const senderStatements = statementsOfRole(
      china.template,
      logicalId(china.stack.functions.sender.role as never),
    );
    const reads = senderStatements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(reads.map((s) => JSON.stringify(s.Resource)).sort()).toEqual(
      [{ Ref: logicalId(sms) }, { Ref: logicalId(smtp) }].map((r) => JSON.stringify(r)).sort(),
    );
    for (const s of reads)
      expect([s.Action].flat().sort()).toEqual([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
    for (const n of names.filter((x) => x !== 'sender'))
      expect(
        actionsOfFn(china.template, china.stack, n).filter((a) => a.startsWith('secretsmanager:')),
        n,
      ).toEqual([]);
    expect(envOf(china.template, china.stack, 'sender')).toMatchObject({
      SMTP_SECRET_ARN: { Ref: logicalId(smtp) },
      SMS_SECRET_ARN: { Ref: logicalId(sms) },
    });
    expect(global.template.findResources('AWS::SecretsManager::Secret')).toEqual({});
  });

  it('every ARN is built with the partition: no hard-coded arn:aws: in either template', () => {
    for (const t of [china.template, global.template]) {
      const text = JSON.stringify(t.toJSON());
      expect(text).not.toMatch(/arn:aws:/);
      expect(text).toMatch(/arn:(aws-cn|\{"Ref":"AWS::Partition"\})|"Ref":"AWS::Partition"/);
    }
  });

  it('cdk-nag AwsSolutions: no unacknowledged finding in the china profile', () => {
    const report = new AwsSolutionsChecks(china.app).validateScope(china.stack);
    expect(
      report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)),
    ).toEqual([]);
  });

  it('china for an account needs the issuer and audience; an offline synth uses the placeholder; a bad profile is refused', () => {
    expect(() => build({ profile: 'china' }, 'cn-north-1', '111122223333')).toThrow(
      /Missing deploy parameters oidcIssuer/,
    );
    expect(() =>
      build(
        { profile: 'china', oidcIssuer: 'http://insecure', oidcAudience: 'x' },
        'cn-north-1',
        '111122223333',
      ),
    ).toThrow(/https/);
    const offline = build({ profile: 'china' }, 'cn-north-1');
    Template.fromStack(offline.stack).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: OIDC_PLACEHOLDER.issuer, Audience: OIDC_PLACEHOLDER.audience },
    });
    expect(() => build({ profile: 'mars' }, 'ap-southeast-1')).toThrow(
      /profile "mars" is not one of global, china/,
    );
  });
});
