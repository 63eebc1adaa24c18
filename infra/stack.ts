// The baosong production stack (SPEC §6): HTTP API + Cognito JWT authorizer, one Lambda per
// functionSpecs entry, one DynamoDB table, the upload bucket, SQS queues with DLQs and alarms,
// and the daily sweep on EventBridge Scheduler in Asia/Shanghai. Synthesizes with no AWS account.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations } from 'aws-cdk-lib';
import {
  CfnOutput,
  Duration,
  Lazy,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Token,
} from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination as LambdaSqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  EventType,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { COGNITO_ACTIONS } from '../shared/adapters/cognito-users';
import { GSIS, TABLE_KEYS, TTL_ATTRIBUTE } from '../shared/adapters/dynamo/table';
import { invitationMessage } from '../shared/domain/users';
import { QUARANTINE_PREFIX, SUBMISSIONS_PREFIX } from '../shared/app/submissions';
import { TEMPLATES_PREFIX } from '../shared/app/template-views';
import { ENV, type FunctionSpec, functionSpecs, type LambdaName, SENDER_CONCURRENCY } from './functions';
import { acknowledge } from './nag';
import { Observability } from './observability';
import { WEB_DIST, WebFrontend } from './web';
import { type Access, type FunctionName, routes } from '../shared/http/route-table';

/** How every function is bundled: locally with esbuild (no Docker), ESM, SDK included. */
export const lambdaBundling = {
  format: OutputFormat.ESM,
  minify: true,
  // No source maps: with them the function runs with --enable-source-maps, which costs start-up
  // time on every cold start; the minified names in a stack trace still point at our modules.
  sourceMap: false,
  target: 'node22',
  // Bundle the AWS SDK too: a bundled, minified SDK starts faster than the runtime's copy
  // (aws-cdk#25492) and pins the version we tested.
  externalModules: [],
  mainFields: ['module', 'main'],
  // Some CJS dependencies call require(); ESM output has none, so define it.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  // Credentials come from the environment on Lambda: bundle that alone, not the SDK's whole
  // default chain (infra/lambda/credentials.ts); the DynamoDB client's endpoint-discovery cache gets
  // a Map instead of mnemonist's LRU (infra/lambda/lru-cache.ts); the SDK's event-stream codec, which
  // no function's operations use, is left out (infra/lambda/event-streams.ts). esbuild runs in the
  // project root.
  esbuildArgs: {
    '--alias': [
      '@aws-sdk/credential-provider-node=./infra/lambda/credentials.ts',
      'mnemonist/lru-cache=./infra/lambda/lru-cache.ts',
      '@smithy/core/event-streams=./infra/lambda/event-streams.ts',
    ],
  },
  forceDockerBundling: false,
} satisfies BundlingOptions;

/** The bundling of a profile's functions: process.env.BAOSONG_PROFILE is fixed at bundle time, so
 *  code for the other profile is left out (the global sender carries no nodemailer). */
export const bundlingFor = (profile: Profile) =>
  ({
    ...lambdaBundling,
    define: { 'process.env.BAOSONG_PROFILE': JSON.stringify(profile) },
  }) satisfies BundlingOptions;

/** Absolute path of the project root (entries and the lock file are resolved from it). */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

// Where uploads land (the receipt function is triggered for this prefix only) and where objects
// whose key matches no submission are moved: the same constants the use cases use.
export { QUARANTINE_PREFIX, SUBMISSIONS_PREFIX };

/**
 * Bucket access is scoped by key prefix, per function and per verb (functionSpecs says which verbs):
 * - uploads  put → presigned POST into submissions/ and (the office's) templates/; getVersion →
 *            presigned downloads pinned to a version (submissions/, templates/); get → a template's
 *            leading bytes before its download link is handed out.
 * - receipt  get → read the uploaded object (size, leading bytes, SHA-256); put → copy an unknown
 *            key into quarantine/; delete → remove that unknown key from submissions/.
 * - sweep    list → the daily reconciliation lists submissions/ (s3:ListBucket on the bucket, with
 *            an s3:prefix condition); then what the receipt does (get, put, delete as above).
 */
const BUCKET_SCOPES: Record<BucketVerb, Partial<Record<LambdaName, string[]>>> = {
  list: { sweep: [SUBMISSIONS_PREFIX] },
  put: {
    uploads: [SUBMISSIONS_PREFIX, TEMPLATES_PREFIX],
    receipt: [QUARANTINE_PREFIX],
    sweep: [QUARANTINE_PREFIX],
  },
  get: { uploads: [TEMPLATES_PREFIX], receipt: [SUBMISSIONS_PREFIX], sweep: [SUBMISSIONS_PREFIX] },
  getVersion: { uploads: [SUBMISSIONS_PREFIX, TEMPLATES_PREFIX] },
  delete: { receipt: [SUBMISSIONS_PREFIX], sweep: [SUBMISSIONS_PREFIX] },
};
type BucketVerb = NonNullable<FunctionSpec['bucket']>[number];
// A read that names a VersionId (a download link pinned to the received version) is authorized
// as s3:GetObjectVersion, not s3:GetObject.
const S3_ACTIONS: Record<BucketVerb, string> = {
  list: 's3:ListBucket',
  put: 's3:PutObject',
  get: 's3:GetObject',
  getVersion: 's3:GetObjectVersion',
  delete: 's3:DeleteObject',
};

/** The functions that write notices (they get WEB_BASE_URL, to link to the pages). */
export const NOTICE_FUNCTIONS: readonly LambdaName[] = [
  'sweep',
  'chase',
  'receipt',
  'uploads',
  'api',
  'opener',
];

const HTTP_FUNCTIONS: readonly LambdaName[] = ['api', 'uploads', 'chase'] satisfies FunctionName[];

const sizing = (name: LambdaName) => {
  if (name === 'sweep') return { timeout: Duration.seconds(300), memorySize: 512 };
  // One job: one obligation's periods for ≤ 200 units (≤ 2,400 conditional writes, 16 at a time).
  if (name === 'opener') return { timeout: Duration.seconds(120), memorySize: 512 };
  if (name === 'receipt' || name === 'sender' || name === 'bounces')
    return { timeout: Duration.seconds(60), memorySize: 256 };
  return { timeout: Duration.seconds(10), memorySize: 512 };
};

/** Log retention by default: the PRC Cybersecurity Law (Art. 21) asks network logs be kept ≥ 6 months. */
export const DEFAULT_LOG_RETENTION_DAYS = 180;
const RETENTION_CHOICES = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');

/**
 * How long the functions' and the API's log groups keep logs (`-c logRetentionDays=365`): one of
 * CloudWatch Logs' retention values, at least 180 days (a shorter value is refused, not trimmed).
 */
export function logRetentionFor(given: unknown): RetentionDays {
  if (given === undefined || given === null || given === '')
    return DEFAULT_LOG_RETENTION_DAYS as RetentionDays;
  const days = Number(given);
  if (!RETENTION_CHOICES.includes(days))
    throw new Error(
      `logRetentionDays "${String(given)}" is not a CloudWatch Logs retention: one of ${RETENTION_CHOICES.filter((d) => d >= DEFAULT_LOG_RETENTION_DAYS).join(', ')}`,
    );
  if (days < DEFAULT_LOG_RETENTION_DAYS)
    throw new Error(
      `logRetentionDays ${days} is below ${DEFAULT_LOG_RETENTION_DAYS}: network logs are kept at least six months (PRC Cybersecurity Law, Art. 21)`,
    );
  return days as RetentionDays;
}

export type BaosongStackProps = StackProps & {
  /** Browser origins allowed by the API's and the bucket's CORS (context `allowedOrigins`). */
  allowedOrigins?: string[];
  /** SES identities (domain or address) the sender may send as (context `sesIdentity`). */
  sesIdentities?: string[];
  /** End User Messaging SMS origination identity: ARN, phone number id, sender id or pool id. */
  smsOriginationIdentity?: string;
  /** An address subscribed to the alarm topic (context `alarmEmail`); confirm the email SNS sends. */
  alarmEmail?: string;
  /** Days the log groups keep logs (context `logRetentionDays`; default 180, at least 180). */
  logRetentionDays?: number;
  /** Where it is deployed (context `profile`, SPEC §7): `global` (default) or `china`. */
  profile?: Profile;
  /** China profile: the OpenID Connect issuer the JWT authorizer trusts (context `oidcIssuer`). */
  oidcIssuer?: string;
  /** China profile: the client id(s) its tokens are issued to (context `oidcAudience`). */
  oidcAudience?: string[];
  /** The claims that carry the role and the unit (contexts `roleClaim`, `unitClaim`). */
  roleClaim?: string;
  unitClaim?: string;
};

/**
 * SPEC §7. `global`: Cognito, SES, End User Messaging SMS. `china` (regions cn-north-1 /
 * cn-northwest-1, partition aws-cn), where those three are not offered: sign-in through the
 * government's OpenID Connect issuer, email through SMTP and SMS through Alibaba Cloud SMS, their
 * settings and credentials in Secrets Manager. Everything else is the same stack.
 */
export type Profile = 'global' | 'china';
export const PROFILES: readonly Profile[] = ['global', 'china'];

/** The issuer and audience an offline china synth (no account) uses; `.invalid` never resolves. */
export const OIDC_PLACEHOLDER = {
  issuer: 'https://idp.example.invalid/realms/baosong',
  audience: ['baosong'],
};

/** The china profile's sign-in: required deploy parameters; an offline synth uses the placeholder. */
export function oidcFor(stack: Stack, issuer: string | undefined, audience: string[] | undefined) {
  if (!issuer || !audience?.length) {
    if (Token.isUnresolved(stack.account)) {
      Annotations.of(stack).addInfo(
        `No oidcIssuer/oidcAudience given: using the placeholder ${OIDC_PLACEHOLDER.issuer} (offline synth only).`,
      );
      return OIDC_PLACEHOLDER;
    }
    throw new Error(
      'Missing deploy parameters oidcIssuer / oidcAudience for -c profile=china: the OpenID Connect issuer ' +
        'the government runs and the client id of baosong registered with it, e.g. ' +
        '-c oidcIssuer=https://idp.example.gov.cn/realms/district -c oidcAudience=baosong-web',
    );
  }
  if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(issuer))
    throw new Error(`oidcIssuer "${issuer}" must be an https:// URL (the issuer's iss claim)`);
  return { issuer, audience };
}

const listFromContext = (value: unknown): string[] | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
};

/** The SES identity an offline synth (no account) uses: `.invalid` can never be verified (RFC 2606). */
export const SES_PLACEHOLDER_IDENTITY = 'example.invalid';
const SES_IDENTITY = /^(?:[^@\s]+@)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i;

/**
 * The SES identities (domains or addresses) the sender may send as: a required deploy parameter
 * (`-c sesIdentity=example.gov.cn`). A synth for an account without it fails with a clear message;
 * an offline synth (no account, e.g. `npm run synth` or the tests) uses the placeholder.
 */
export function sesIdentitiesFor(stack: Stack, given: string[] | undefined): string[] {
  if (!given || given.length === 0) {
    if (Token.isUnresolved(stack.account)) {
      Annotations.of(stack).addInfo(
        `No sesIdentity given: using the placeholder ${SES_PLACEHOLDER_IDENTITY} (offline synth only).`,
      );
      return [SES_PLACEHOLDER_IDENTITY];
    }
    throw new Error(
      'Missing deploy parameter sesIdentity: the SES identity (domain or address) the sender sends as. ' +
        'Verify it in SES first, then deploy with -c sesIdentity=<identity>, e.g. -c sesIdentity=example.gov.cn. ' +
        'settings.senderEmail must be that address or an address at that domain.',
    );
  }
  for (const identity of given) {
    if (!SES_IDENTITY.test(identity))
      throw new Error(`sesIdentity "${identity}" is neither a domain nor an email address`);
  }
  return given;
}

export class BaosongStack extends Stack {
  readonly table: Table;
  readonly bucket: Bucket;
  readonly uploadsQueue: Queue;
  readonly notifyQueue: Queue;
  /** Slot-opening jobs → the opener function. */
  readonly openSlotsQueue: Queue;
  readonly profile: Profile;
  /** Global profile only. */
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;
  /** China profile only: SMTP and Alibaba Cloud SMS settings and credentials. */
  readonly secrets?: { smtp: Secret; sms: Secret };
  readonly httpApi: HttpApi;
  readonly functions: Record<LambdaName, NodejsFunction>;
  readonly observability: Observability;
  /** Global profile only (SES). */
  readonly configurationSet?: ConfigurationSet;
  readonly bounceQueue: Queue;
  readonly sweepFailures: Queue;
  readonly web: WebFrontend;
  /** How long every log group of the stack keeps logs. */
  readonly logRetention: RetentionDays;

  constructor(scope: Construct, id: string, props: BaosongStackProps = {}) {
    super(scope, id, props);
    // Deliver server access logs via a bucket policy (logging.s3.amazonaws.com), not ACLs, so the
    // log bucket can keep ACLs disabled (BucketOwnerEnforced). Set here so tests get it too.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const ctx = (key: string) => this.node.tryGetContext(key) as unknown;

    // The pages are served by this stack's CloudFront distribution, which also serves the API under
    // /v1/ (same origin: the API needs no CORS). The uploads bucket's CORS allows that origin only;
    // `-c allowedOrigins=https://…` adds other origins (e.g. a custom domain) to both.
    const allowedOrigins = props.allowedOrigins ?? listFromContext(ctx('allowedOrigins')) ?? [];
    const profile = (props.profile ?? listFromContext(ctx('profile'))?.[0] ?? 'global') as Profile;
    if (!PROFILES.includes(profile))
      throw new Error(`profile "${profile}" is not one of ${PROFILES.join(', ')} (-c profile=china)`);
    this.profile = profile;
    const global = profile === 'global';
    // SES and End User Messaging exist in the global profile only.
    const sesIdentities = global
      ? sesIdentitiesFor(this, props.sesIdentities ?? listFromContext(ctx('sesIdentity')))
      : [];
    const smsOriginationIdentity = global
      ? (props.smsOriginationIdentity ?? listFromContext(ctx('smsOriginationIdentity'))?.[0])
      : undefined;
    const oidc = global
      ? undefined
      : oidcFor(
          this,
          props.oidcIssuer ?? listFromContext(ctx('oidcIssuer'))?.[0],
          props.oidcAudience ?? listFromContext(ctx('oidcAudience')),
        );
    const roleClaim = props.roleClaim ?? listFromContext(ctx('roleClaim'))?.[0];
    const unitClaim = props.unitClaim ?? listFromContext(ctx('unitClaim'))?.[0];
    const alarmEmail = props.alarmEmail ?? listFromContext(ctx('alarmEmail'))?.[0];
    this.logRetention = logRetentionFor(props.logRetentionDays ?? ctx('logRetentionDays'));
    const obs = new Observability(this, 'Observability', { alarmEmail });
    this.observability = obs;

    // ── DynamoDB: the single table ────────────────────────────────────────────────────────────
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of GSIS) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    // ── S3: uploads, and the bucket that receives its server access logs ──────────────────────
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The access-log bucket cannot log to itself (that loops); it is the terminal log sink.
    acknowledge(
      accessLogs,
      'S1',
      'This is the server-access-log destination bucket; logging it to itself would loop.',
    );

    // Named from the stack, account and region (not generated), so the pages' CSP can name its host
    // without referring to the bucket, whose CORS refers to the pages' distribution.
    const uploadsBucketName = `${this.stackName.toLowerCase()}-uploads-${this.account}-${this.region}`;
    this.bucket = new Bucket(this, 'Uploads', {
      bucketName: uploadsBucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'uploads/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-quarantine', prefix: QUARANTINE_PREFIX, expiration: Duration.days(30) },
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-noncurrent', noncurrentVersionExpiration: Duration.days(365) },
      ],
    });

    // ── SQS: every queue is encrypted, TLS-only and has a DLQ with an alarm ────────────────────
    const queueWithDlq = (name: string, consumerTimeout: Duration, maxAge: Duration) => {
      const dlq = new Queue(this, `${name}Dlq`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const queue = new Queue(this, `${name}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // AWS's guidance for SQS event sources: at least 6× the consuming function's timeout.
        visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
      });
      obs.dlq(`${name}Dlq`, dlq, 'delivery to its consumer failed 5 times');
      obs.queueAge(`${name}Queue`, queue, maxAge);
      return { queue, dlq };
    };
    // Receipts should go within minutes; failing ones reach the DLQ after 5 × 6 min.
    const uploads = queueWithDlq('Uploads', sizing('receipt').timeout, Duration.minutes(45));
    // An SMS queued after 20:00 waits (held) until 08:00: up to 12 hours is normal.
    const notify = queueWithDlq('Notify', sizing('sender').timeout, Duration.hours(13));
    const bounces = queueWithDlq('Bounces', sizing('bounces').timeout, Duration.minutes(45));
    // Slot-opening jobs (the first sweep of a year, a new unit or obligation): minutes at most.
    const openSlots = queueWithDlq('OpenSlots', sizing('opener').timeout, Duration.minutes(30));
    this.openSlotsQueue = openSlots.queue;
    this.bounceQueue = bounces.queue;
    this.uploadsQueue = uploads.queue;
    this.notifyQueue = notify.queue;

    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.uploadsQueue), {
      prefix: SUBMISSIONS_PREFIX,
    });

    // ── Lambda: one NodejsFunction per functionSpecs entry ────────────────────────────────────
    // ── SES: the configuration set every email goes out with; bounces and complaints → EventBridge
    // (default bus) → a rule → the bounces queue → the bounces function. Global profile only (no SES
    // in the China regions; there the bounces function simply receives nothing).
    if (global) {
      const configurationSet = new ConfigurationSet(this, 'EmailConfigurationSet', {
        reputationMetrics: true,
      });
      this.configurationSet = configurationSet;
      configurationSet.addEventDestination('BounceEvents', {
        destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
        events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
      });
      new Rule(this, 'BounceRule', {
        description: 'SES bounces and complaints of the baosong configuration set → the bounces queue',
        eventPattern: {
          source: ['aws.ses'],
          detailType: ['Email Bounced', 'Email Complaint Received'],
          detail: { mail: { tags: { 'ses:configuration-set': [configurationSet.configurationSetName] } } },
        },
        targets: [new SqsQueue(this.bounceQueue)],
      });
    }

    const environment: Record<string, string> = {
      // Every function gets the same configuration names (one zod schema parses them); what a
      // function may *do* with each resource is decided by its IAM policy below, not by its env.
      [ENV.table]: this.table.tableName,
      [ENV.bucket]: this.bucket.bucketName,
      [ENV.notifyQueueUrl]: this.notifyQueue.queueUrl,
      [ENV.openSlotsQueueUrl]: this.openSlotsQueue.queueUrl,
      ...(smsOriginationIdentity ? { [ENV.smsOriginationIdentity]: smsOriginationIdentity } : {}),
      ...(this.configurationSet
        ? { [ENV.sesConfigurationSet]: this.configurationSet.configurationSetName }
        : {}),
      // The claims that carry the role and unit (the router's defaults are Cognito's).
      ...(roleClaim ? { [ENV.roleClaim]: roleClaim } : {}),
      ...(unitClaim ? { [ENV.unitClaim]: unitClaim } : {}),
      POWERTOOLS_SERVICE_NAME: 'baosong',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };

    const fns = {} as Record<LambdaName, NodejsFunction>;
    for (const [name, spec] of Object.entries(functionSpecs) as [LambdaName, FunctionSpec][]) {
      fns[name] = this.lambda(name, spec, environment, {
        sesIdentities,
        smsOriginationIdentity,
      });
    }
    this.functions = fns;

    fns.receipt.addEventSource(
      new SqsEventSource(this.uploadsQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    // SES throttles above the account's sending rate (the sandbox allows 1 message/s). Capping the
    // event source at 2 concurrent batches (2 is the lowest maxConcurrency Lambda accepts) keeps the
    // sender from fanning out; the sender paces within a batch and re-queues a throttled message
    // (batch item failure), and 5 receives later it lands in the notify DLQ, which alarms.
    fns.sender.addEventSource(
      new SqsEventSource(this.notifyQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: SENDER_CONCURRENCY,
      }),
    );
    fns.sender.addEnvironment('SENDER_CONCURRENCY', String(SENDER_CONCURRENCY));
    fns.bounces.addEventSource(
      new SqsEventSource(this.bounceQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    // One job per invocation (each is up to 200 units' writes); at most 10 at once, which keeps a
    // year's opening (≈ 210 jobs at 10,000 units) to minutes without a burst on the table.
    fns.opener.addEventSource(
      new SqsEventSource(this.openSlotsQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: 10,
      }),
    );

    // ── EventBridge Scheduler: the daily deadline sweep ───────────────────────────────────────
    const sweepDlq = new Queue(this, 'SweepScheduleDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      sweepDlq,
      'SQS3',
      'This queue is itself the dead-letter queue of the sweep schedule target; a DLQ of a DLQ adds nothing.',
    );
    obs.dlq('SweepScheduleDlq', sweepDlq, 'the scheduler could not invoke the sweep');
    // The scheduler invokes the sweep asynchronously: its retry policy sees only failed
    // invocations, not a sweep that throws. Lambda retries a throwing sweep twice, then sends the
    // event and its error to this queue, which alarms.
    this.sweepFailures = new Queue(this, 'SweepFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.sweepFailures,
      'SQS3',
      'This queue is itself the on-failure destination of the sweep function; a DLQ of it adds nothing.',
    );
    fns.sweep.configureAsyncInvoke({
      onFailure: new LambdaSqsDestination(this.sweepFailures),
      retryAttempts: 2,
      maxEventAge: Duration.hours(2),
    });
    obs.dlq('SweepFailures', this.sweepFailures, 'the daily sweep threw (after 2 retries)');

    // ── Alarms: each function's errors and throttles; failed notifications; misconfiguration ──
    for (const [name, fn] of Object.entries(fns)) obs.functionHealth(name, fn);
    obs.failedShare();
    obs.sendConfigErrors();
    // Our own role so the one acknowledgement below has a stable home (the target would otherwise
    // create `SchedulerRoleForTarget-<hash>`); confused-deputy guard as in the generated role.
    const sweepScheduleRole = new Role(this, 'SweepScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler: invoke the sweep function, dead-letter to its DLQ',
    });
    new Schedule(this, 'DailySweep', {
      description: 'Deadline sweep, daily at 09:00 Asia/Shanghai (SPEC §4.3)',
      // Scheduler defaults to UTC; the office's day is Beijing time.
      schedule: ScheduleExpression.cron({ minute: '0', hour: '9', timeZone: TimeZone.ASIA_SHANGHAI }),
      target: new LambdaInvoke(fns.sweep, {
        role: sweepScheduleRole,
        // The scheduled instant, so a retried invocation still sweeps the scheduled day.
        input: ScheduleTargetInput.fromObject({ at: ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: sweepDlq,
      }),
    });

    acknowledge(
      sweepScheduleRole,
      `IAM5[Resource::<${this.getLogicalId(fns.sweep.node.defaultChild as never)}.Arn>:*]`,
      'grantInvoke adds <function ARN>:* (its versions and aliases) beside the function ARN; it is still only the sweep function.',
    );

    // The S3 → SQS notification is configured by CDK's own singleton custom resource.
    const notificationsHandler = this.node.tryFindChild(
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
    );
    if (notificationsHandler) {
      acknowledge(
        notificationsHandler,
        'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK-managed custom resource that writes the bucket notification configuration at deploy time; its logging policy is not configurable.',
      );
    }

    // ── Sign-in: Cognito (global), or the government's OpenID Connect issuer (china) ───────────
    // The authorizer only verifies the token (issuer, signature, expiry, audience); role checks
    // (office / unit / owner) are made by the handlers from the verified claims.
    let jwtAuthorizer: HttpJwtAuthorizer;
    if (global) {
      const cognito = this.cognito(fns);
      this.userPool = cognito.userPool;
      this.userPoolClient = cognito.client;
      jwtAuthorizer = cognito.authorizer;
    } else {
      jwtAuthorizer = this.oidcSignIn(fns, oidc!);
    }
    // Email and SMS: SES and End User Messaging (global, in lambda()), or SMTP and Alibaba Cloud
    // SMS with their settings in Secrets Manager (china).
    if (!global) this.secrets = this.chinaSenders(fns);

    // ── API Gateway HTTP API ───────────────────────────────────────────────────────────────────
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: 'baosong',
      description: 'baosong HTTP API (routes from shared/http/route-table.ts)',
      createDefaultStage: false,
      // The pages call the API on their own origin (CloudFront); only extra origins need CORS.
      ...(allowedOrigins.length
        ? {
            corsPreflight: {
              allowOrigins: allowedOrigins,
              allowMethods: [
                CorsHttpMethod.GET,
                CorsHttpMethod.PUT,
                CorsHttpMethod.POST,
                CorsHttpMethod.OPTIONS,
              ],
              allowHeaders: ['authorization', 'content-type'],
              maxAge: Duration.days(1),
            },
          }
        : {}),
    });
    const apiAccessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: this.logRetention,
      // Kept when the stack is deleted: deleting it must not cut the retention short.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(apiAccessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    const integrations = Object.fromEntries(
      HTTP_FUNCTIONS.map((name) => [name, new HttpLambdaIntegration(`${name}Integration`, fns[name])]),
    ) as Record<FunctionName, HttpLambdaIntegration>;
    const isPublic = (access: Access) => access === 'public';
    for (const route of routes) {
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.fn],
        authorizer: isPublic(route.access) ? new HttpNoneAuthorizer() : jwtAuthorizer,
      });
      if (isPublic(route.access) && httpRoute) {
        acknowledge(
          httpRoute,
          'APIG4',
          `${route.method} ${route.path} is public by design (health probe / API description); it reads no tenant data.`,
        );
      }
    }

    // ── The web pages: CloudFront, their bucket, /config.json, the Cognito domain ──────────────
    this.web = new WebFrontend(this, 'Web', {
      // `npm run build:web` output; context `webDist` names another folder (tests).
      distDir: join(projectRoot, listFromContext(ctx('webDist'))?.[0] ?? WEB_DIST),
      httpApi: this.httpApi,
      uploadsHost: `${uploadsBucketName}.s3.${this.region}.${this.urlSuffix}`,
      ...(this.userPool ? { userPool: this.userPool } : { oidcIssuer: oidc!.issuer }),
      clientId: () => this.userPoolClient?.userPoolClientId ?? oidc!.audience[0]!,
      accessLogs,
      domainPrefix:
        listFromContext(ctx('cognitoDomainPrefix'))?.[0] ?? `${this.stackName.toLowerCase()}-${this.account}`,
    });
    // Units' browsers POST the file straight to S3 (presigned POST) and GET presigned downloads.
    this.bucket.addCorsRule({
      allowedMethods: [HttpMethods.POST, HttpMethods.GET],
      allowedOrigins: [this.web.url, ...allowedOrigins],
      allowedHeaders: ['*'],
      exposedHeaders: ['ETag', 'Location'],
      maxAge: 3000,
    });
    // The functions that write notices link to the pages (SPEC §6).
    for (const name of NOTICE_FUNCTIONS) fns[name].addEnvironment(ENV.webBaseUrl, this.web.url);

    // ── Outputs ───────────────────────────────────────────────────────────────────────────────
    new CfnOutput(this, 'WebUrl', { value: this.web.url, description: 'The web pages (units and office)' });
    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    if (this.userPool && this.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    }
    if (oidc) new CfnOutput(this, 'OidcIssuer', { value: oidc.issuer });
    if (this.secrets) {
      new CfnOutput(this, 'SmtpSecretArn', { value: this.secrets.smtp.secretArn });
      new CfnOutput(this, 'SmsSecretArn', { value: this.secrets.sms.secretArn });
    }
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /** Global profile: the Cognito user pool, its groups and web client; the authorizer trusting it. */
  private cognito(fns: Record<LambdaName, NodejsFunction>) {
    // Staff accounts, created by the office (no self sign-up).
    const invitation = invitationMessage({ username: '{username}', password: '{####}' });
    const userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      // A username (never an email address: usernames are in the audit trail) or the email alias.
      signInAliases: { username: true, email: true },
      // The invitation AdminCreateUser sends (POST /v1/users), in Chinese: the same text the
      // local directory mails, with Cognito's placeholders. Cognito sends email bodies as HTML.
      userInvitation: {
        emailSubject: invitation.subject,
        emailBody: invitation.text.replaceAll('\n', '<br>'),
      },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      customAttributes: {
        // Which reporting unit a `unit` user belongs to; set by the office (admin API), never by the user.
        unitId: new StringAttribute({ mutable: true, minLen: 1, maxLen: 64 }),
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // MFA is optional, not required: unit liaisons are rotating clerks in ~hundreds of units who
    // share no device fleet; TOTP is offered and enforced per user by the office, and the Plus tier's
    // threat protection (adaptive authentication, compromised-credential checks) is on in full.
    acknowledge(
      userPool,
      'COG2',
      'MFA is optional (TOTP offered): unit liaisons rotate across ~hundreds of units; adaptive authentication and compromised-credential checks (Plus tier, full function) cover sign-in risk.',
    );
    userPool.addGroup('OfficeGroup', {
      groupName: 'office',
      description: 'The reporting office: administers units, obligations, reviews and chases',
    });
    userPool.addGroup('UnitGroup', {
      groupName: 'unit',
      description: 'A reporting unit liaison: uploads its own submissions (custom:unitId)',
    });
    // The pages' address, known once the distribution exists (it is built after the API).
    const webUrl = Lazy.string({ produce: () => this.web.url });
    const client = userPool.addClient('WebClient', {
      generateSecret: false, // a public client: the pages and the CLI cannot keep a secret
      // No USER_PASSWORD_AUTH (the password never travels to Cognito in plain): the pages sign in with
      // the authorization-code flow; SRP stays for SDK clients; refresh tokens are always allowed.
      authFlows: { userSrp: true },
      // The pages sign in through Cognito's managed login: authorization code with PKCE (Cognito
      // requires PKCE of a client without a secret), back to the pages' root. No implicit grant.
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${webUrl}/`],
        logoutUrls: [`${webUrl}/`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('unitId'),
      // Users may not change their own email or unitId: those are authorization data.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    // The users routes administer this pool: exactly the adapter's calls, on this pool only.
    for (const [name, spec] of Object.entries(functionSpecs) as [LambdaName, FunctionSpec][]) {
      if (!spec.administersUsers) continue;
      fns[name].addEnvironment(ENV.userPoolId, userPool.userPoolId);
      fns[name].addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...COGNITO_ACTIONS],
          resources: [userPool.userPoolArn],
        }),
      );
    }

    const authorizer = new HttpJwtAuthorizer(
      'CognitoJwt',
      `https://cognito-idp.${this.region}.amazonaws.com/${userPool.userPoolId}`,
      { jwtAudience: [client.userPoolClientId] },
    );
    return { userPool, client, authorizer };
  }

  /** China profile: the authorizer trusts the government's issuer; the api names it (users routes). */
  private oidcSignIn(
    fns: Record<LambdaName, NodejsFunction>,
    oidc: { issuer: string; audience: string[] },
  ): HttpJwtAuthorizer {
    for (const [name, spec] of Object.entries(functionSpecs) as [LambdaName, FunctionSpec][])
      if (spec.administersUsers) fns[name].addEnvironment(ENV.oidcIssuer, oidc.issuer);
    return new HttpJwtAuthorizer('OidcJwt', oidc.issuer, { jwtAudience: oidc.audience });
  }

  /**
   * China profile: the sender's SMTP server and Alibaba Cloud SMS account, as JSON secrets the
   * operator fills in after the first deploy (README). Only the sender may read them, and only these two.
   */
  private chinaSenders(fns: Record<LambdaName, NodejsFunction>) {
    const smtp = new Secret(this, 'SmtpSecret', {
      description: 'baosong SMTP: {"host","port","secure","requireTLS","user","pass","from"?}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          host: 'smtp.example.gov.cn',
          port: 465,
          secure: true,
          requireTLS: true,
          user: 'baosong@example.gov.cn',
        }),
        generateStringKey: 'pass',
      },
    });
    const sms = new Secret(this, 'SmsSecret', {
      description:
        'baosong Alibaba Cloud SMS: {"accessKeyId","accessKeySecret","signName","templates":{kind:code}}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          accessKeyId: 'REPLACE_ME',
          signName: '区法制办',
          templates: {},
        }),
        generateStringKey: 'accessKeySecret',
      },
    });
    for (const secret of [smtp, sms]) {
      acknowledge(
        secret,
        'SMG4',
        'The SMTP password and the Alibaba Cloud AccessKey are issued by those services, not by AWS; they are rotated there and updated here (README), so a Secrets Manager rotation Lambda has nothing to rotate.',
      );
    }
    for (const [name, spec] of Object.entries(functionSpecs) as [LambdaName, FunctionSpec][]) {
      if (!spec.sendsEmailAndSms) continue;
      smtp.grantRead(fns[name]);
      sms.grantRead(fns[name]);
      fns[name].addEnvironment(ENV.smtpSecretArn, smtp.secretArn);
      fns[name].addEnvironment(ENV.smsSecretArn, sms.secretArn);
    }
    return { smtp, sms };
  }

  private lambda(
    name: LambdaName,
    spec: FunctionSpec,
    environment: Record<string, string>,
    opts: { sesIdentities: string[]; smsOriginationIdentity: string | undefined },
  ) {
    const logGroup = new LogGroup(this, `${name}Logs`, {
      retention: this.logRetention,
      // Kept when the stack is deleted: deleting it must not cut the retention short.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An explicit role per function instead of AWSLambdaBasicExecutionRole (logs:* on *):
    // it may write to its own log group and do exactly what functionSpecs lists, nothing else.
    const role = new Role(this, `${name}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      // IAM descriptions must be Latin-1; the spec descriptions contain CJK and arrows.
      description: `baosong ${name} function`,
    });
    logGroup.grantWrite(role);

    const fn = new NodejsFunction(this, `${name}Fn`, {
      entry: `${projectRoot}${spec.entry}`,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      ...sizing(name),
      role,
      logGroup,
      environment,
      bundling: bundlingFor(this.profile),
    });

    // The single table: exactly the actions functionSpecs lists, and Query on the GSIs it names.
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: spec.table.actions.map((a) => `dynamodb:${a}`),
        resources: [this.table.tableArn],
      }),
    );
    if (spec.table.indexes?.length) {
      role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:Query'],
          resources: spec.table.indexes.map((index) => `${this.table.tableArn}/index/${index}`),
        }),
      );
    }

    for (const verb of spec.bucket ?? []) {
      const prefixes = BUCKET_SCOPES[verb][name];
      if (!prefixes) throw new Error(`No bucket scope declared for ${name} ${verb}`);
      for (const prefix of prefixes) {
        role.addToPolicy(
          verb === 'list'
            ? // a listing is authorized on the bucket; the condition limits it to the prefix
              new PolicyStatement({
                effect: Effect.ALLOW,
                actions: [S3_ACTIONS[verb]],
                resources: [this.bucket.bucketArn],
                conditions: { StringLike: { 's3:prefix': `${prefix}*` } },
              })
            : new PolicyStatement({
                effect: Effect.ALLOW,
                actions: [S3_ACTIONS[verb]],
                resources: [this.bucket.arnForObjects(`${prefix}*`)],
              }),
        );
      }
    }
    const bucketLogicalId = this.getLogicalId(this.bucket.node.defaultChild as never);
    const objectVerbs = (spec.bucket ?? []).filter((verb) => verb !== 'list');
    for (const prefix of new Set(objectVerbs.flatMap((verb) => BUCKET_SCOPES[verb][name] ?? []))) {
      acknowledge(
        role,
        `IAM5[Resource::<${bucketLogicalId}.Arn>/${prefix}*]`,
        `Object keys are generated per submission; access is limited to the ${prefix} prefix.`,
      );
    }

    // SendMessage only (grantSendMessages adds GetQueueAttributes and GetQueueUrl, which no code uses).
    if (spec.sendsToNotifyQueue) {
      role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['sqs:SendMessage'],
          resources: [this.notifyQueue.queueArn],
        }),
      );
    }

    if (spec.sendsToOpenSlotsQueue) {
      role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['sqs:SendMessage'],
          resources: [this.openSlotsQueue.queueArn],
        }),
      );
    }

    if (spec.sendsEmailAndSms && this.profile === 'global') {
      role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['ses:SendEmail'], // SES v1 SendEmail; nothing sends raw MIME
          // Sending with a configuration set is authorized on it as well as on the identity.
          resources: [
            ...opts.sesIdentities.map((identity) =>
              this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
            ),
            this.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: this.configurationSet!.configurationSetName,
            }),
          ],
        }),
      );
      role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['sms-voice:SendTextMessage'],
          resources: this.smsResources(role, opts.smsOriginationIdentity),
        }),
      );
    }
    return fn;
  }

  /** The origination identities the sender may send SMS from: exactly one when configured. */
  private smsResources(role: Role, identity: string | undefined): string[] {
    const arn = (resource: string, resourceName: string) =>
      this.formatArn({ service: 'sms-voice', resource, resourceName });
    if (identity?.startsWith('arn:')) return [identity];
    if (identity?.startsWith('phone-')) return [arn('phone-number', identity)];
    if (identity?.startsWith('pool-')) return [arn('pool', identity)];
    if (identity) return [arn('sender-id', `${identity}/*`)];
    // No identity configured yet (it is registered per country, after the stack exists): allow the
    // account's phone numbers, pools and sender ids in this region only. Deploy with
    // `-c smsOriginationIdentity=<arn>` to narrow this to one.
    const all = ['phone-number', 'pool', 'sender-id'].map((r) => arn(r, '*'));
    for (const r of ['phone-number', 'pool', 'sender-id']) {
      acknowledge(
        role,
        `IAM5[Resource::arn:<AWS::Partition>:sms-voice:${Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region}:<AWS::AccountId>:${r}/*]`,
        'No SMS origination identity configured yet (registered per country after deploy); sending is limited to this account and region. Set context smsOriginationIdentity to narrow it to one.',
      );
    }
    return all;
  }
}
