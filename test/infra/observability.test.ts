// Seeing failures (issue 10): the alarm topic, every alarm and its action, the sweep's failure
// destination, the failed-share math, the misconfiguration alarms, and the SES configuration set
// whose bounce and complaint events reach the bounces function.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs, type LambdaName } from '../../infra/functions';
import type { BaosongStack } from '../../infra/stack';
import { METRIC } from '../../shared/app/metrics';
import { logicalId, statementsOfRole, synthTemplate } from './build';

let template: Template;
let stack: BaosongStack;
beforeAll(() => {
  ({ template, stack } = synthTemplate());
});

const names = Object.keys(functionSpecs) as LambdaName[];
const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm'));
const topicId = () => logicalId(stack.observability.topic);
const fnId = (name: LambdaName) => logicalId(stack.functions[name]);

describe('alarm topic', () => {
  it('always exists, KMS-encrypted with a key CloudWatch may use, TLS only', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('-c alarmEmail= subscribes that address', () => {
    const { template: t } = synthTemplate({ alarmEmail: 'ops@example.gov.cn' });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.gov.cn' });
  });

  it('every alarm notifies the topic, on alarm and on recovery', () => {
    expect(alarms().length).toBeGreaterThan(20);
    for (const a of alarms()) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: topicId() }]);
      expect(a.Properties.TreatMissingData).toBe('notBreaching');
    }
  });
});

describe('alarms', () => {
  const onMetric = (metricName: string, dims?: Record<string, unknown>) =>
    alarms().filter(
      (a) =>
        a.Properties.MetricName === metricName &&
        (!dims ||
          Object.entries(dims).every(([k, v]) =>
            (a.Properties.Dimensions as Array<{ Name: string; Value: unknown }>).some(
              (d) => d.Name === k && JSON.stringify(d.Value) === JSON.stringify(v),
            ),
          )),
    );

  it.each(names)('%s: Errors and Throttles, any in 5 minutes', (name) => {
    for (const metric of ['Errors', 'Throttles']) {
      const found = onMetric(metric, { FunctionName: { Ref: fnId(name) } });
      expect(found, `${name} ${metric}`).toHaveLength(1);
      expect(found[0]?.Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('age of the oldest message on each working queue', () => {
    const ages = new Map(
      onMetric('ApproximateAgeOfOldestMessage').map((a) => [
        a.Properties.Dimensions[0].Value['Fn::GetAtt'][0] as string,
        a.Properties.Threshold as number,
      ]),
    );
    expect(ages.get(logicalId(stack.uploadsQueue))).toBe(45 * 60);
    expect(ages.get(logicalId(stack.notifyQueue))).toBe(13 * 3600); // SMS held overnight is normal
    expect(ages.get(logicalId(stack.bounceQueue))).toBe(45 * 60);
    expect(ages.get(logicalId(stack.openSlotsQueue))).toBe(30 * 60); // a year's jobs take minutes
    expect(ages.size).toBe(4);
  });

  it('the sweep: Lambda retries a throwing sweep twice, then its on-failure queue alarms', () => {
    const failures = logicalId(stack.sweepFailures);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId('sweep') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures, 'Arn'] } } },
    });
    const watched = onMetric('ApproximateNumberOfMessagesVisible').map(
      (a) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0],
    );
    expect(watched).toContain(failures);
    // …and the sweep may send to that queue (Lambda sends the failure record with its role).
    const role = stack.functions.sweep.role;
    if (!role) throw new Error('no role');
    const sends = statementsOfRole(template, logicalId(role)).filter((s) =>
      (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('sqs:SendMessage'),
    );
    expect(sends.map((s) => JSON.stringify(s.Resource))).toContain(
      JSON.stringify({ 'Fn::GetAtt': [failures, 'Arn'] }),
    );
  });

  it('the share of failed notifications: metric math over sent and failed, per channel', () => {
    const share = alarms().find((a) =>
      a.Properties.Metrics?.some((m: { Expression?: string }) => m.Expression),
    );
    expect(share).toBeDefined();
    type Stat = { Metric: { MetricName: string; Namespace: string; Dimensions: unknown }; Stat: string };
    const metrics = share?.Properties.Metrics as Array<{
      Id: string;
      Expression?: string;
      ReturnData?: boolean;
      MetricStat?: Stat;
    }>;
    const expr = metrics.find((m) => m.Expression);
    expect(expr?.Expression).toMatch(/^IF\(.+>= 10, 100 \* \(.+\) \/ .+, 0\)$/);
    expect(expr?.ReturnData).not.toBe(false);
    const used = metrics
      .flatMap((m) => (m.MetricStat ? [{ id: m.Id, stat: m.MetricStat }] : []))
      .map(({ id, stat }) => ({
        id,
        name: stat.Metric.MetricName,
        ns: stat.Metric.Namespace,
        dims: stat.Metric.Dimensions,
        stat: stat.Stat,
      }));
    expect(used).toHaveLength(4);
    for (const channel of ['email', 'sms']) {
      for (const [id, name] of [
        ['sent', METRIC.notificationsSent],
        ['failed', METRIC.notificationsFailed],
      ]) {
        expect(used).toContainEqual({
          id: `${id}_${channel}`,
          name,
          ns: 'baosong',
          dims: expect.arrayContaining([
            { Name: 'service', Value: 'baosong' },
            { Name: 'channel', Value: channel },
          ]),
          stat: 'Sum',
        });
        expect(expr?.Expression).toContain(`${id}_${channel}`);
      }
    }
    expect(share?.Properties).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('misconfigured sending: one SendConfigError alarm per channel, on the first in an hour', () => {
    for (const channel of ['email', 'sms']) {
      const found = onMetric(METRIC.sendConfigError, { channel });
      expect(found, channel).toHaveLength(1);
      expect(found[0]?.Properties).toMatchObject({
        Namespace: 'baosong',
        Statistic: 'Sum',
        Period: 3600,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });
});

describe('SES configuration set: bounces and complaints', () => {
  const setName = () => ({ Ref: logicalId(stack.configurationSet!) });

  it('publishes bounce and complaint events to the default event bus', () => {
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: setName(),
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        EventBridgeDestination: {
          EventBusArn: Match.objectLike({
            'Fn::Join': Match.arrayWith([Match.arrayWith([':event-bus/default'])]),
          }),
        },
      },
    });
  });

  it('a rule sends those events (of this configuration set only) to the bounces queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [setName()] } } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.bounceQueue), 'Arn'] } })],
    });
  });

  it('the sender sends with it, and may: its SES statement names the configuration set', () => {
    const fn = template.findResources('AWS::Lambda::Function')[fnId('sender')];
    expect(fn?.Properties.Environment.Variables.SES_CONFIGURATION_SET).toEqual(setName());
    const role = stack.functions.sender.role;
    if (!role) throw new Error('no role');
    const ses = statementsOfRole(template, logicalId(role)).find((s) =>
      [s.Action].flat().includes('ses:SendEmail'),
    );
    expect(JSON.stringify(ses?.Resource)).toContain(':configuration-set/');
  });

  it('the bounces function: the table and its logs, no S3, SES or queue sends', () => {
    const role = stack.functions.bounces.role;
    if (!role) throw new Error('no role');
    const actions = statementsOfRole(template, logicalId(role)).flatMap((s) =>
      Array.isArray(s.Action) ? s.Action : [s.Action],
    );
    const services = new Set(actions.map((a) => a.split(':')[0]));
    // sqs: receive from its own queue (the event source)
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'sqs']);
    expect(actions).not.toContain('sqs:SendMessage');
  });
});
