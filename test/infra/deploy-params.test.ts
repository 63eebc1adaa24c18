// Deploy parameters: the SES sending identity is required for a real deploy (an account), and
// an offline synth (no account: `npm run synth`, these tests) uses an obvious placeholder.
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { BaosongStack, SES_PLACEHOLDER_IDENTITY } from '../../infra/stack';
import { logicalId, REGION, statementsOfRole, synthTemplate } from './build';

const sesResources = (context: Record<string, unknown>) => {
  const { template, stack } = synthTemplate(context);
  const role = stack.functions.sender.role;
  if (!role) throw new Error('no sender role');
  const st = statementsOfRole(template, logicalId(role)).find((s) =>
    [s.Action].flat().includes('ses:SendEmail'),
  );
  return JSON.stringify(st?.Resource);
};
const withAccount = (context: Record<string, unknown>) => () =>
  new BaosongStack(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }), 'Baosong', {
    env: { account: '111122223333', region: REGION },
  });

describe('sesIdentity (-c sesIdentity=…)', () => {
  it('a synth for an account without it fails, naming the parameter and how to pass it', () => {
    expect(withAccount({})).toThrow(/Missing deploy parameter sesIdentity.*-c sesIdentity=/);
  });

  it('a synth for an account with it allows sending as exactly that identity', () => {
    expect(withAccount({ sesIdentity: 'baosong.example.gov.cn' })).not.toThrow();
    const res = sesResources({ sesIdentity: 'baosong.example.gov.cn' });
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
