// Deploy parameters: the SES sending identity is required for a real deploy (an account), and
// an offline synth (no account: `npm run synth`, these tests) uses an obvious placeholder.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BaosongStack, DEFAULT_LOG_RETENTION_DAYS, SES_PLACEHOLDER_IDENTITY } from '../../infra/stack';
import { logicalId, REGION, statementsOfRole } from './build';

// No cdk-nag here (test/infra/nag.test.ts covers it): a plain synth is several times faster.
const build = (context: Record<string, unknown>, account?: string) =>
  new BaosongStack(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }), 'Baosong', {
    env: { account, region: REGION },
  });
const withAccount = (context: Record<string, unknown>) => () => build(context, '111122223333');
const sesResources = (context: Record<string, unknown>, account?: string) => {
  const stack = build(context, account);
  const role = stack.functions.sender.role;
  if (!role) throw new Error('no sender role');
  const st = statementsOfRole(Template.fromStack(stack), logicalId(role)).find((s) =>
    [s.Action].flat().includes('ses:SendEmail'),
  );
  return JSON.stringify(st?.Resource);
};

// A synth takes seconds; on a loaded machine the first one (module loading) well over a minute.
describe('sesIdentity (-c sesIdentity=…)', { timeout: 180_000 }, () => {
  it('a synth for an account without it fails, naming the parameter and how to pass it', () => {
    expect(withAccount({})).toThrow(/Missing deploy parameter sesIdentity.*-c sesIdentity=/);
  });

  it('a synth for an account with it allows sending as exactly that identity', () => {
    const res = sesResources({ sesIdentity: 'baosong.example.gov.cn' }, '111122223333');
    expect(res).toContain(':identity/baosong.example.gov.cn');
    expect(res).not.toContain(SES_PLACEHOLDER_IDENTITY);
  });

  it('an address works too; a value that is neither a domain nor an address is refused', () => {
    expect(sesResources({ sesIdentity: 'noreply@example.gov.cn' })).toContain(
      ':identity/noreply@example.gov.cn',
    );
    expect(withAccount({ sesIdentity: 'not an identity' })).toThrow(/neither a domain nor an email/);
  });

  it('offline (no account) the placeholder example.invalid is used, which SES can never verify', () => {
    expect(SES_PLACEHOLDER_IDENTITY).toBe('example.invalid');
    expect(sesResources({})).toContain(`:identity/${SES_PLACEHOLDER_IDENTITY}`);
  });
});

describe('logRetentionDays (-c logRetentionDays=…)', { timeout: 180_000 }, () => {
  const retentions = (context: Record<string, unknown>) =>
    Object.values(Template.fromStack(build(context)).findResources('AWS::Logs::LogGroup')).map(
      (g) => g.Properties.RetentionInDays,
    );

  it('180 days by default; another CloudWatch retention of at least 180 days on every log group', () => {
    expect(DEFAULT_LOG_RETENTION_DAYS).toBe(180);
    const byDefault = retentions({});
    expect(byDefault.length).toBeGreaterThanOrEqual(8); // seven functions and the API's access log
    expect(new Set(byDefault)).toEqual(new Set([180]));
    expect(new Set(retentions({ logRetentionDays: '365' }))).toEqual(new Set([365]));
  });

  it('refuses fewer than 180 days, and a number CloudWatch Logs does not offer', () => {
    expect(() => build({ logRetentionDays: '90' })).toThrow(/below 180.*six months/);
    expect(() => build({ logRetentionDays: '200' })).toThrow(
      /not a CloudWatch Logs retention: one of 180, 365/,
    );
    expect(() => build({ logRetentionDays: 'forever' })).toThrow(/not a CloudWatch Logs retention/);
  });
});
