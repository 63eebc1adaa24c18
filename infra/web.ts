// The web pages on AWS (SPEC §6 "In the browser"; issue 9): a private bucket behind CloudFront
// (origin access control, HTTPS only, a strict Content-Security-Policy), the built pages and a
// generated /config.json deployed by the stack, and the Cognito domain the pages sign in through.
//
// The API is served through the same distribution (`/v1/*` → the HTTP API), so the pages call it on
// their own origin: `connect-src 'self'`, and the API needs no CORS at all. (A cross-origin API would
// make a cycle: the CSP names the API, the API's CORS names the distribution.) The uploads bucket is
// named from the stack, account and region, so the CSP can name it without referring to the bucket,
// whose CORS refers to the distribution.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnResource, Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { UserPool, UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/** Where `npm run build:web` writes the pages. */
export const WEB_DIST = 'web/dist';

/** The page shown when the stack is synthesized before the pages were built (tests, a first synth). */
export const PLACEHOLDER_HTML =
  '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>依法行政报送系统</title>' +
  '<p>页面尚未构建：请先运行 npm run build:web，再部署。</p></html>';

export type WebProps = {
  /** The built pages (`web/dist`); without an index.html there, a placeholder page is deployed. */
  distDir: string;
  httpApi: HttpApi;
  /** The uploads bucket's host name (`<name>.s3.<region>.<suffix>`), as the presigned forms use it. */
  uploadsHost: string;
  /** Global profile: the Cognito pool (its managed login); absent in the china profile. */
  userPool?: UserPool;
  /** China profile: the government's OpenID Connect issuer the pages sign in through. */
  oidcIssuer?: string;
  /** The app client id the pages sign in with (read lazily: the client refers to this construct). */
  clientId: () => string;
  /** Server access logs of the pages bucket go here. */
  accessLogs: IBucket;
  /** The Cognito domain prefix (unique in the region). */
  domainPrefix: string;
};

export class WebFrontend extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** Global profile only. */
  readonly domain?: UserPoolDomain;
  /** `https://<distribution domain>` — no trailing slash. */
  readonly url: string;
  readonly contentSecurityPolicy: string;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Pages', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'pages/',
      // The pages are build output, deployed again by every `cdk deploy`.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    // Cognito's managed login (hosted UI): the pages redirect there (authorization code + PKCE).
    // China profile: no Cognito; the pages' OIDC client talks to the government's issuer.
    this.domain = props.userPool?.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
    const cognitoHost = `${props.domainPrefix}.auth.${stack.region}.amazoncognito.com`;
    const issuer = props.userPool
      ? `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${props.userPool.userPoolId}`
      : (props.oidcIssuer ?? '');
    const signInHosts = props.userPool
      ? `https://cognito-idp.${stack.region}.${stack.urlSuffix} https://${cognitoHost}`
      : new URL(issuer).origin;

    // Only this origin, the uploads bucket (presigned form POST, downloads) and Cognito (the OIDC
    // discovery document, keys and token endpoint) may be reached from the pages.
    this.contentSecurityPolicy = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self' https://${props.uploadsHost} ${signInHosts}`,
      "form-action 'self'",
      "base-uri 'none'",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'baosong: strict CSP, no framing, HSTS, nosniff, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });

    // The API through the same origin: never cached (TTL 0), but the Authorization header is in the
    // cache key, which is how CloudFront forwards it on GET; the Host header stays API Gateway's.
    const apiCache = new CachePolicy(this, 'ApiCache', {
      comment: 'baosong API: not cached; Authorization forwarded',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      cookieBehavior: CacheCookieBehavior.none(),
    });
    const apiHost = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'baosong: the web pages, and the API under /v1/',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new HttpOrigin(apiHost, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: apiCache,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
          compress: true,
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    acknowledge(
      this.distribution,
      'CFR1',
      'No geo restriction: units and office staff sign in from wherever they work; access is by Cognito account.',
    );
    acknowledge(
      this.distribution,
      'CFR2',
      'No WAF web ACL by default (a per-request cost): the pages are static, the API authenticates every call and API Gateway throttles it. Attach one with the distribution’s webAclId where policy requires.',
    );
    acknowledge(
      this.distribution,
      'CFR3',
      'CloudFront standard logs need an ACL-enabled bucket; the log bucket keeps ACLs disabled (BucketOwnerEnforced). The API keeps its own access log and the pages bucket its server access log.',
    );
    acknowledge(
      this.distribution,
      'CFR4',
      'The default *.cloudfront.net certificate cannot pin TLS 1.2 (TLSv1.2_2021 is set and applies with a custom domain certificate); viewers are HTTPS only.',
    );

    // The pages (built by `npm run build:web`) and their /config.json (SPEC §6; web/ reads it).
    const dist = props.distDir;
    const pages: ISource = existsSync(join(dist, 'index.html'))
      ? Source.asset(dist)
      : Source.data('index.html', PLACEHOLDER_HTML);
    const config = {
      apiBase: '',
      auth: {
        mode: 'oidc',
        authority: issuer,
        clientId: props.clientId(),
        scope: 'openid email profile',
        ...(props.userPool
          ? {
              signOutUrl: `https://${cognitoHost}/logout?client_id=${props.clientId()}&logout_uri=${this.url}/`,
            }
          : {}),
      },
    };
    new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [pages, Source.jsonData('config.json', config)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    // The copy runs in CDK's singleton custom-resource function (one per stack and memory size).
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('BucketDeployment created no handler');
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const pagesArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnResource)}.Arn>`;
    const why =
      'CDK’s BucketDeployment custom resource, run only during deployment: it copies the build from the CDK asset bucket into the pages bucket and invalidates the distribution (CreateInvalidation takes no resource ARN).';
    for (const id of [
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'IAM5[Action::s3:GetObject*]',
      'IAM5[Action::s3:GetBucket*]',
      'IAM5[Action::s3:List*]',
      'IAM5[Action::s3:DeleteObject*]',
      'IAM5[Action::s3:Abort*]',
      `IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${region}/*]`,
      `IAM5[Resource::${pagesArn}/*]`,
      'IAM5[Resource::*]',
      'L1',
    ])
      acknowledge(handler, id, why);
  }
}
