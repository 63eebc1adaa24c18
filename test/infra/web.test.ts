// The web pages on AWS (issue 9): private bucket behind CloudFront with origin access control,
// HTTPS only, a strict CSP, the API under /v1/ on the same origin, /config.json for the pages,
// the Cognito domain, and WEB_BASE_URL for the functions that write notices.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs, type LambdaName } from '../../infra/functions';
import { type BaosongStack, NOTICE_FUNCTIONS, projectRoot } from '../../infra/stack';
import { PLACEHOLDER_HTML } from '../../infra/web';
import { logicalId, synthTemplate } from './build';

let template: Template;
let stack: BaosongStack;
let app: App;
beforeAll(() => {
  ({ template, stack, app } = synthTemplate());
});

const distributionId = () => logicalId(stack.web.distribution);
const webOrigin = () => ({
  'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId(), 'DomainName'] }]],
});
const config = () => {
  const dist = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]!.Properties
    .DistributionConfig as Record<string, unknown> & {
    DefaultCacheBehavior: Record<string, unknown>;
    CacheBehaviors: Array<Record<string, unknown>>;
    Origins: Array<Record<string, unknown>>;
  };
  return dist;
};
/** The CSP as one string, tokens shown as <…> (the template joins it with Fn::Join). */
const csp = () => {
  const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]!
    .Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
  const value = policy.ContentSecurityPolicy.ContentSecurityPolicy as
    | string
    | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof value === 'string'
      ? value
      : value['Fn::Join'][1]
          .map((p) => (typeof p === 'string' ? p : `<${JSON.stringify(p)}>`))
          .join(value['Fn::Join'][0]);
  return { text, policy };
};

describe('the pages bucket and CloudFront', () => {
  it('keeps the pages in a private, encrypted, TLS-only, logged bucket that only CloudFront reads (OAC)', () => {
    const pages = template.findResources('AWS::S3::Bucket')[logicalId(stack.web.bucket)]!.Properties;
    expect(pages.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(pages.BucketEncryption).toBeDefined();
    expect(pages.LoggingConfiguration).toMatchObject({ LogFilePrefix: 'pages/' });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.web.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: {
              StringEquals: { 'AWS:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  it('serves HTTPS only, index.html at /, and the API under /v1/* uncached with the token forwarded', () => {
    const d = config();
    expect(d.DefaultRootObject).toBe('index.html');
    expect(d.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    const api = d.CacheBehaviors.find((b) => b.PathPattern === '/v1/*')!;
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: expect.arrayContaining(['GET', 'PUT', 'POST', 'OPTIONS']),
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
    });
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 0,
        MinTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Authorization'] },
        }),
      }),
    });
    const apiOrigin = d.Origins.find((o) => o.CustomOriginConfig)!;
    expect(apiOrigin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(logicalId(stack.httpApi));
  });

  it('answers with a strict CSP: self, the uploads bucket and Cognito only; no framing', () => {
    const { text, policy } = csp();
    const directives = Object.fromEntries(
      text.split(/;\s*/).map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    const connect = directives['connect-src'] as string[];
    expect(connect[0]).toBe("'self'"); // the pages and the API under /v1/
    expect(connect).toHaveLength(4);
    expect(connect[1]).toMatch(
      /^https:\/\/baosong-uploads-<.*AWS::AccountId.*>-ap-southeast-1\.s3\.ap-southeast-1\.<.*AWS::URLSuffix.*>$/,
    );
    expect(connect[2]).toMatch(/^https:\/\/cognito-idp\.ap-southeast-1\./);
    expect(connect[3]).toMatch(/^https:\/\/baosong-<.*>\.auth\.ap-southeast-1\.amazoncognito\.com$/);
    expect(text).not.toContain('*');
    expect(text).not.toContain('unsafe');
    expect(policy).toMatchObject({
      ContentSecurityPolicy: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ContentTypeOptions: { Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true },
    });
    const d = config();
    const policyId = { Ref: logicalId(stack.web.node.findChild('Headers')) };
    expect(d.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyId);
    expect(d.CacheBehaviors[0]!.ResponseHeadersPolicyId).toEqual(policyId);
  });

  it('outputs the address (WebUrl)', () => {
    expect(template.findOutputs('WebUrl').WebUrl?.Value).toEqual(webOrigin());
  });
});

describe('the pages and /config.json', () => {
  it('deploys the pages and config.json (OIDC with Cognito, API on the same origin), then invalidates', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    const props = deployments[0]!.Properties;
    expect(props.DestinationBucketName).toEqual({ Ref: logicalId(stack.web.bucket) });
    expect(props.DistributionPaths).toEqual(['/*']);
    expect(props.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(props.SourceMarkers);
    expect(markers).toContain(logicalId(stack.userPoolClient!));
    expect(markers).toContain(logicalId(stack.userPool!));
  });

  it('config.json has the shape the pages read; without a build the placeholder page goes out', () => {
    // Source.jsonData / Source.data stage their files as assets (tokens become markers in them).
    const staged = readdirSync(app.outdir)
      .filter((d) => d.startsWith('asset.') && statSync(join(app.outdir, d)).isDirectory())
      .flatMap((d) => readdirSync(join(app.outdir, d)).map((f) => join(app.outdir, d, f)));
    const configFile = staged.find((f) => f.endsWith('/config.json'));
    expect(configFile).toBeDefined();
    const cfg = JSON.parse(readFileSync(configFile!, 'utf8'));
    expect(Object.keys(cfg).sort()).toEqual(['apiBase', 'auth']);
    expect(cfg.apiBase).toBe(''); // the API is on the pages' own origin
    expect(cfg.auth).toMatchObject({
      mode: 'oidc',
      authority: expect.stringMatching(/^https:\/\/cognito-idp\.ap-southeast-1\..+\/.+$/),
      clientId: expect.any(String),
      scope: 'openid email profile',
      signOutUrl: expect.stringMatching(
        /^https:\/\/.+\.auth\.ap-southeast-1\.amazoncognito\.com\/logout\?client_id=.+&logout_uri=https:\/\/.+\/$/,
      ),
    });
    const index = staged.find((f) => f.endsWith('/index.html'));
    expect(readFileSync(index!, 'utf8')).toBe(PLACEHOLDER_HTML);
  });

  it('deploys the built pages when there are some', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baosong-web-dist-'));
    try {
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>built</title>');
      const built = synthTemplate({ webDist: relative(projectRoot, dir) });
      const staged = readdirSync(built.app.outdir)
        .filter((d) => d.startsWith('asset.') && statSync(join(built.app.outdir, d)).isDirectory())
        .map((d) => join(built.app.outdir, d, 'index.html'))
        .filter((f) => existsSync(f));
      expect(staged.map((f) => readFileSync(f, 'utf8'))).toEqual(['<!doctype html><title>built</title>']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Cognito managed login', () => {
  it('has a Cognito domain on the user pool', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: logicalId(stack.userPool!) },
      Domain: Match.anyValue(),
    });
  });
});

describe('links in notices', () => {
  const fns = template_fns();
  it.each(Object.keys(functionSpecs) as LambdaName[])(
    '%s: WEB_BASE_URL only where notices are written',
    (name) => {
      const env = fns(name);
      if (NOTICE_FUNCTIONS.includes(name)) expect(env.WEB_BASE_URL).toEqual(webOrigin());
      else expect(env.WEB_BASE_URL).toBeUndefined();
    },
  );
});

function template_fns() {
  return (name: LambdaName) =>
    template.findResources('AWS::Lambda::Function')[logicalId(stack.functions[name])]!.Properties.Environment
      .Variables as Record<string, unknown>;
}
