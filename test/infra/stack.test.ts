// CDK assertion tests: each resource's key properties, every route, least privilege per function.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs, type LambdaName } from '../../infra/functions';
import { routeKey, routes } from '../../shared/http/route-table';
import type { BaosongStack } from '../../infra/stack';
import { COGNITO_ACTIONS } from '../../shared/adapters/cognito-users';
import { GSIS, TTL_ATTRIBUTE } from '../../shared/adapters/dynamo/table';
import { actionsOf, logicalId, statementsOfRole, synthTemplate } from './build';

let template: Template;
let stack: BaosongStack;

beforeAll(() => {
  ({ template, stack } = synthTemplate());
});

const names = Object.keys(functionSpecs) as LambdaName[];
const roleId = (name: LambdaName) => {
  const role = stack.functions[name].role;
  if (!role) throw new Error(`${name} has no role`);
  return logicalId(role);
};
const fnId = (name: LambdaName) => logicalId(stack.functions[name]);
const statements = (name: LambdaName) => statementsOfRole(template, roleId(name));
const actions = (name: LambdaName) => actionsOf(statements(name));

describe('DynamoDB table', () => {
  it('is on-demand, point-in-time recoverable, TTL on expiresAt, encrypted, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
      }),
    });
  });

  it('has GSI1..GSI3 from table.ts, string keys, projection ALL', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0];
    const gsis = table?.Properties.GlobalSecondaryIndexes as Array<Record<string, unknown>>;
    expect(gsis.map((g) => g.IndexName)).toEqual(GSIS.map((g) => g.indexName));
    for (const gsi of GSIS) {
      expect(gsis).toContainEqual({
        IndexName: gsi.indexName,
        KeySchema: [
          { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
    }
    const attrs = table?.Properties.AttributeDefinitions as Array<{ AttributeType: string }>;
    expect(attrs.every((a) => a.AttributeType === 'S')).toBe(true);
  });
});

describe('S3 upload bucket', () => {
  const uploadsBucket = () => {
    const id = logicalId(stack.bucket);
    const bucket = template.findResources('AWS::S3::Bucket')[id];
    if (!bucket) throw new Error('no uploads bucket');
    return { id, props: bucket.Properties };
  };

  it('is private, S3-encrypted, versioned, logged, retained', () => {
    const { id, props } = uploadsBucket();
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(props.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.LoggingConfiguration).toMatchObject({ DestinationBucketName: { Ref: expect.any(String) } });
    expect(template.findResources('AWS::S3::Bucket')[id]?.DeletionPolicy).toBe('Retain');
  });

  it('allows browser POST and GET from the pages’ origin only (no *), plus configured origins', () => {
    const webOrigin = {
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.web.distribution), 'DomainName'] }]],
    };
    expect(uploadsBucket().props.CorsConfiguration).toEqual({
      CorsRules: [expect.objectContaining({ AllowedMethods: ['POST', 'GET'], AllowedOrigins: [webOrigin] })],
    });
    const widened = synthTemplate({ allowedOrigins: 'https://baosong.example.gov.cn' });
    widened.template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({ AllowedOrigins: [Match.anyValue(), 'https://baosong.example.gov.cn'] }),
        ],
      },
    });
  });

  it('is named from the stack, account and region (the pages’ CSP names its host)', () => {
    expect(uploadsBucket().props.BucketName).toEqual({
      'Fn::Join': ['', ['baosong-uploads-', { Ref: 'AWS::AccountId' }, '-ap-southeast-1']],
    });
  });

  it('expires quarantine after 30 days, aborts multipart after 1, noncurrent after 365', () => {
    const rules = uploadsBucket().props.LifecycleConfiguration.Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: 'quarantine/', ExpirationInDays: 30, Status: 'Enabled' }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 365 } }),
    );
  });

  it('denies any request without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('sends object-created events under submissions/ to the uploads queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalId(stack.bucket) },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'submissions/' }] } },
            QueueArn: { 'Fn::GetAtt': [logicalId(stack.uploadsQueue), 'Arn'] },
          },
        ],
      },
    });
  });
});

describe('queues, dead-letter queues and alarms', () => {
  it('uploads and notify queues: SQS-encrypted, 6× the consumer timeout, DLQ after 5 receives', () => {
    for (const queue of [stack.uploadsQueue, stack.notifyQueue, stack.bounceQueue]) {
      const props = template.findResources('AWS::SQS::Queue')[logicalId(queue)]?.Properties;
      expect(props).toMatchObject({
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 360,
        RedrivePolicy: {
          maxReceiveCount: 5,
          deadLetterTargetArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        },
      });
    }
    // the slot-opening jobs' queue: 6 × the opener's 120 s
    expect(
      template.findResources('AWS::SQS::Queue')[logicalId(stack.openSlotsQueue)]?.Properties,
    ).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 720,
      RedrivePolicy: {
        maxReceiveCount: 5,
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^OpenSlotsDlq/), 'Arn'] },
      },
    });
    // uploads, notify, bounces, open-slots, their DLQs, the schedule's DLQ and the sweep's failure queue
    template.resourceCountIs('AWS::SQS::Queue', 10);
    for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('every queue denies non-TLS access', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    const tlsGuarded = policies
      .filter((p) =>
        (p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>).some(
          (s) =>
            s.Effect === 'Deny' && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
        ),
      )
      .flatMap((p) => p.Properties.Queues);
    expect(tlsGuarded).toHaveLength(10);
  });

  it('one alarm per DLQ (and failure queue) on ApproximateNumberOfMessagesVisible > 0', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
      });
    }
    const watched = alarms.map((a) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0]).sort();
    const dlqs = Object.entries(template.findResources('AWS::SQS::Queue'))
      .filter(([, q]) => !q.Properties.RedrivePolicy)
      .map(([id]) => id)
      .sort();
    expect(watched).toEqual(dlqs);
  });

  it('receipt consumes the uploads queue; sender the notify queue at most 2 at a time', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('receipt') },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.uploadsQueue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('sender') },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.notifyQueue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('bounces') },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.bounceQueue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // the opener: one slot-opening job per invocation, at most 10 at once, partial failures
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('opener') },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.openSlotsQueue), 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 4);
  });

  it('the slot-opening queue: its DLQ alarms, its oldest job alarms after 30 minutes', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const on = (metric: string, queueId: string) =>
      alarms.filter(
        (a) =>
          a.Properties.MetricName === metric &&
          a.Properties.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0] === queueId,
      );
    const dlqId = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) =>
      id.startsWith('OpenSlotsDlq'),
    );
    expect(on('ApproximateNumberOfMessagesVisible', dlqId!)).toHaveLength(1);
    const age = on('ApproximateAgeOfOldestMessage', logicalId(stack.openSlotsQueue));
    expect(age).toHaveLength(1);
    expect(age[0]?.Properties.Threshold).toBe(1800);
  });
});

describe('daily sweep schedule', () => {
  it('fires at 09:00 Asia/Shanghai, retries 3 times, dead-letters to an alarmed queue', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId('sweep'), 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SweepScheduleDlq'), 'Arn'] } },
        Input: JSON.stringify({ at: '<aws.scheduler.scheduled-time>' }),
      }),
    });
  });
});

describe('Cognito', () => {
  it('user pool: admin-created users, username or email sign-in, strong passwords, custom:unitId', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      AliasAttributes: ['email'],
      UsernameAttributes: Match.absent(),
      MfaConfiguration: 'OPTIONAL',
      UserPoolTier: 'PLUS',
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'unitId', AttributeDataType: 'String', Mutable: true }),
      ]),
    });
  });

  it('the invitation AdminCreateUser sends is the Chinese one, with Cognito placeholders', () => {
    const pool = Object.values(template.findResources('AWS::Cognito::UserPool'))[0];
    const invite = pool?.Properties.AdminCreateUserConfig.InviteMessageTemplate;
    expect(invite.EmailSubject).toBe('【报送系统】账号开通通知');
    expect(invite.EmailMessage).toContain('用户名：{username}<br>临时密码：{####}');
  });

  it('the api function administers exactly this pool, with exactly the adapter’s calls', () => {
    const st = statements('api').filter(
      (x) =>
        String(x.Action).includes('cognito-idp') ||
        (Array.isArray(x.Action) && x.Action.some((a: string) => a.startsWith('cognito-idp:'))),
    );
    expect(st).toHaveLength(1);
    expect([st[0]!.Action].flat().sort()).toEqual([...COGNITO_ACTIONS].sort());
    expect(st[0]!.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack.userPool!), 'Arn'] });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ USER_POOL_ID: { Ref: logicalId(stack.userPool!) } }) },
    });
    for (const name of names.filter((n) => n !== 'api'))
      expect(
        actions(name).some((a) => a.startsWith('cognito-idp:')),
        name,
      ).toBe(false);
  });

  it('groups office and unit', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['office', 'unit']);
  });

  it('public client with SRP only (no USER_PASSWORD_AUTH); users cannot write their own unitId or email', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0];
    expect(client?.Properties).toMatchObject({ GenerateSecret: false });
    expect([...(client?.Properties.ExplicitAuthFlows ?? [])].sort()).toEqual([
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
    expect(client?.Properties.ReadAttributes).toContain('custom:unitId');
    // the pages: authorization code only (PKCE), back to the CloudFront address; no implicit grant
    const webRoot = {
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalId(stack.web.distribution), 'DomainName'] }, '/'],
      ],
    };
    expect(client?.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [webRoot],
      LogoutURLs: [webRoot],
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(client?.Properties.WriteAttributes).not.toContain('custom:unitId');
    expect(client?.Properties.WriteAttributes).not.toContain('email');
  });
});

describe('HTTP API', () => {
  it('JWT authorizer on the user pool, audience = the client', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: logicalId(stack.userPoolClient!) }],
        Issuer: {
          'Fn::Join': [
            '',
            ['https://cognito-idp.ap-southeast-1.amazonaws.com/', { Ref: logicalId(stack.userPool!) }],
          ],
        },
      },
    });
  });

  it('every route of shared/http/route-table.ts, with the right function and authorization', () => {
    const routeResources = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    expect(routeResources).toHaveLength(routes.length);
    for (const route of routes) {
      const res = routeResources.find((r) => r.Properties.RouteKey === routeKey(route));
      expect(res, routeKey(route)).toBeDefined();
      expect(res?.Properties.AuthorizationType, routeKey(route)).toBe(
        route.access === 'public' ? 'NONE' : 'JWT',
      );
      if (route.access !== 'public') expect(res?.Properties.AuthorizerId).toBeDefined();
      const integrationId = res?.Properties.Target['Fn::Join'][1][1].Ref as string;
      expect(integrations[integrationId]?.Properties.IntegrationUri).toEqual({
        'Fn::GetAtt': [fnId(route.fn), 'Arn'],
      });
    }
  });

  it('default stage with JSON access logs; no CORS (the pages call it on their own origin)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context.requestId'),
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.absent(),
    });
    // an extra origin (e.g. a custom domain) gets CORS for itself only
    synthTemplate({ allowedOrigins: 'https://baosong.example.gov.cn' }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Api',
      {
        CorsConfiguration: Match.objectLike({
          AllowOrigins: ['https://baosong.example.gov.cn'],
          AllowHeaders: ['authorization', 'content-type'],
        }),
      },
    );
  });

  it('outputs WebUrl, ApiUrl, UserPoolId, UserPoolClientId, BucketName, TableName', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(
      expect.arrayContaining([
        'WebUrl',
        'ApiUrl',
        'UserPoolId',
        'UserPoolClientId',
        'BucketName',
        'TableName',
      ]),
    );
  });
});

describe('functions', () => {
  it.each(names)('%s: Node 24 on arm64, ESM bundle, env, its own log group', (name) => {
    const fn = template.findResources('AWS::Lambda::Function')[fnId(name)]?.Properties;
    const slow = name === 'receipt' || name === 'sender' || name === 'bounces';
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: name === 'sweep' ? 300 : name === 'opener' ? 120 : slow ? 60 : 10,
      MemorySize: slow ? 256 : 512,
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(new RegExp(`^${name}Logs`)) } },
      Environment: {
        Variables: expect.objectContaining({
          TABLE_NAME: { Ref: logicalId(stack.table) },
          BUCKET_NAME: { Ref: logicalId(stack.bucket) },
          NOTIFY_QUEUE_URL: { Ref: logicalId(stack.notifyQueue) },
          POWERTOOLS_SERVICE_NAME: 'baosong',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        }),
      },
    });
    // No source maps, so no --enable-source-maps slowing every cold start.
    expect(fn.Environment.Variables.NODE_OPTIONS).toBeUndefined();
  });

  it('log groups (every function’s and the API’s access log) keep 180 days and outlive the stack', () => {
    const lg = template.findResources('AWS::Logs::LogGroup');
    const ids = [...names.map((name) => `${name}Logs`), 'ApiAccessLogs'].map((prefix) =>
      Object.keys(lg).find((k) => k.startsWith(prefix)),
    );
    expect(Object.keys(lg).sort()).toEqual(ids.map(String).sort()); // the stack has no other
    for (const id of ids) {
      expect(lg[id!]?.Properties.RetentionInDays, id).toBe(180);
      expect(lg[id!]?.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('SMS origination identity is passed to the functions when configured', () => {
    const arn = 'arn:aws:sms-voice:ap-southeast-1:111122223333:phone-number/phone-abc';
    const { template: t, stack: s } = synthTemplate({ smsOriginationIdentity: arn });
    t.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Environment: { Variables: Match.objectLike({ SMS_ORIGINATION_IDENTITY: arn }) },
    });
    // …and then the sender may send from that one identity only.
    const senderRole = s.functions.sender.role;
    if (!senderRole) throw new Error('no role');
    const sms = statementsOfRole(t, logicalId(senderRole)).find(
      (st) => st.Action === 'sms-voice:SendTextMessage',
    );
    expect(sms?.Resource).toBe(arn);
  });
});

describe('least privilege', () => {
  const s3 = (name: LambdaName) => actions(name).filter((a) => a.startsWith('s3:'));
  const has = (name: LambdaName, prefix: string) => actions(name).some((a) => a.startsWith(prefix));

  it('api: the table, its own logs, the user pool, request notices and slot-opening jobs, nothing else', () => {
    const services = new Set(actions('api').map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['cognito-idp', 'dynamodb', 'logs', 'sqs']);
    expect([...new Set(actions('api').filter((a) => a.startsWith('sqs:')))]).toEqual(['sqs:SendMessage']);
  });

  it('every function reads and writes the table, none may Scan, delete items or read streams', () => {
    // exactly what each one uses is proved by test/infra/iam-usage.test.ts
    for (const name of names) {
      expect(actions(name), name).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
      for (const a of ['Scan', 'DeleteItem', 'DescribeTable', 'GetRecords', 'GetShardIterator'])
        expect(actions(name), name).not.toContain(`dynamodb:${a}`);
    }
  });

  it('no function has a statement on Resource "*"', () => {
    for (const name of names) {
      for (const st of statements(name)) expect(st.Resource, name).not.toBe('*');
    }
  });

  it('bucket access exactly as functionSpecs lists, scoped by prefix', () => {
    expect(s3('api')).toEqual([]);
    expect(s3('chase')).toEqual([]);
    expect(s3('sender')).toEqual([]);
    // sweep: the daily reconciliation lists submissions/ and does what the receipt does
    expect(s3('sweep').sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect([...new Set(s3('uploads'))].sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject']);
    expect(s3('receipt').sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    const bucketId = logicalId(stack.bucket);
    const objectArn = (prefix: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]],
    });
    const resourceOf = (name: LambdaName, action: string) =>
      statements(name).find((s) => [s.Action].flat().includes(action))?.Resource;
    const resourcesOf = (name: LambdaName, action: string) =>
      statements(name)
        .filter((s) => [s.Action].flat().includes(action))
        .map((s) => s.Resource);
    // uploads: the units' files, and the office's templates (附件模板) — nothing else of the bucket;
    // download links pin the version the receipt read (VersionId): S3 authorizes them as GetObjectVersion
    expect(resourcesOf('uploads', 's3:PutObject')).toEqual([objectArn('submissions/'), objectArn('templates/')]);
    expect(resourcesOf('uploads', 's3:GetObjectVersion')).toEqual([
      objectArn('submissions/'),
      objectArn('templates/'),
    ]);
    expect(resourcesOf('uploads', 's3:GetObject')).toEqual([objectArn('templates/')]);
    expect(resourceOf('receipt', 's3:GetObject')).toEqual(objectArn('submissions/'));
    expect(resourceOf('receipt', 's3:PutObject')).toEqual(objectArn('quarantine/'));
    expect(resourceOf('receipt', 's3:DeleteObject')).toEqual(objectArn('submissions/'));
    expect(resourceOf('sweep', 's3:GetObject')).toEqual(objectArn('submissions/'));
    expect(resourceOf('sweep', 's3:PutObject')).toEqual(objectArn('quarantine/'));
    expect(resourceOf('sweep', 's3:DeleteObject')).toEqual(objectArn('submissions/'));
    // listing: on the bucket itself, only under submissions/
    const list = statements('sweep').filter((s) => [s.Action].flat().includes('s3:ListBucket'));
    expect(list).toHaveLength(1);
    expect(list[0]!.Resource).toEqual({ 'Fn::GetAtt': [bucketId, 'Arn'] });
    expect(list[0]!.Condition).toEqual({ StringLike: { 's3:prefix': 'submissions/*' } });
  });

  it('only the functions that queue notices (api, chase, opener, receipt, sweep, uploads, sender re-queueing) may send to the notify queue; only the api and the sweep queue slot-opening jobs', () => {
    // Named here, not read from functionSpecs (which the stack itself reads: that would pass whatever it said).
    const sendsTo = (queue: { node: { defaultChild?: unknown } }) =>
      names.filter((name) =>
        statements(name).some(
          (st) =>
            [st.Action].flat().includes('sqs:SendMessage') &&
            JSON.stringify(st.Resource) === JSON.stringify({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] }),
        ),
      );
    expect(sendsTo(stack.notifyQueue).sort()).toEqual([
      'api',
      'chase',
      'opener',
      'receipt',
      'sender',
      'sweep',
      'uploads',
    ]);
    expect(sendsTo(stack.openSlotsQueue).sort()).toEqual(['api', 'sweep']);
    // and no function may send anywhere else (the sweep's on-failure destination is Lambda's own use)
    for (const name of names)
      for (const st of statements(name).filter((st) => [st.Action].flat().includes('sqs:SendMessage')))
        expect(
          [stack.notifyQueue, stack.openSlotsQueue, stack.sweepFailures].map((q) =>
            JSON.stringify({ 'Fn::GetAtt': [logicalId(q), 'Arn'] }),
          ),
          name,
        ).toContain(JSON.stringify(st.Resource));
  });

  it('only the sender may send email and SMS, from the configured identities', () => {
    for (const name of names) {
      expect(has(name, 'ses:'), name).toBe(name === 'sender');
      expect(has(name, 'sms-voice:'), name).toBe(name === 'sender');
    }
    expect(actions('sender')).toEqual(expect.arrayContaining(['ses:SendEmail', 'sms-voice:SendTextMessage']));
    expect(actions('sender')).not.toContain('ses:SendRawEmail');
    const ses = statements('sender').find((s) => [s.Action].flat().includes('ses:SendEmail'));
    // offline (no account, no -c sesIdentity) the identity is the unverifiable placeholder
    expect(JSON.stringify(ses?.Resource)).toContain(':identity/example.invalid');
  });

  it('the schedule may invoke only the sweep function', () => {
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0];
    const roleLogicalId = schedule?.Properties.Target.RoleArn['Fn::GetAtt'][0] as string;
    const st = statementsOfRole(template, roleLogicalId);
    const invoke = st.find((s) => s.Action === 'lambda:InvokeFunction');
    expect(JSON.stringify(invoke?.Resource)).toContain(fnId('sweep'));
    expect(actionsOf(st).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
  });
});
