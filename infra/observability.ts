// Seeing failures (issue 10): one SNS alarm topic that always exists (subscribe an address with
// `-c alarmEmail=`), and the alarms, every one with that topic as its action:
// - every dead-letter queue and failure queue: a message in it;
// - each function's Errors and Throttles;
// - the age of the oldest message on each working queue;
// - the share of notifications that failed (metric math over the EMF metrics of shared/app/metrics.ts);
// - sending misconfigured (SendConfigError), one alarm per stack rather than one failure per message.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type Channel,
  METRIC,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  type MetricName,
} from '../shared/app/metrics';

/** Above this share of notifications failing permanently (per hour, ≥ 10 attempts), alarm. */
export const FAILED_SHARE_PERCENT = 10;
const CHANNELS: Channel[] = ['email', 'sms'];

export class Observability extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: { alarmEmail?: string }) {
    super(scope, id);
    // Encrypted with our own key: CloudWatch cannot publish to a topic under the AWS-managed
    // aws/sns key, so the key policy lets CloudWatch (and nothing else new) use it.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'baosong alarm topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy, '*' is this key
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'baosong alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  /** An alarm whose action (and OK action) is the alarm topic. */
  alarm(id: string, props: AlarmProps): Alarm {
    const alarm = new Alarm(this, id, { treatMissingData: TreatMissingData.NOT_BREACHING, ...props });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }

  /** Any message in a dead-letter (or failure) queue. */
  dlq(id: string, queue: IQueue, what: string): Alarm {
    return this.alarm(`${id}Alarm`, {
      alarmDescription: `Messages in ${id}: ${what}`,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /** The oldest message of a working queue has waited longer than `maxAge`. */
  queueAge(id: string, queue: IQueue, maxAge: Duration): Alarm {
    return this.alarm(`${id}AgeAlarm`, {
      alarmDescription: `The oldest message on ${id} is older than ${maxAge.toHumanString()}: its consumer is stuck or failing`,
      metric: queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: maxAge.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /** The function's Errors (unhandled failures) and Throttles, any in 5 minutes. */
  functionHealth(name: string, fn: IFunction): void {
    const metrics = { Errors: fn.metricErrors(), Throttles: fn.metricThrottles() };
    for (const [what, metric] of Object.entries(metrics)) {
      this.alarm(`${name}${what}Alarm`, {
        alarmDescription: `${what} of the ${name} function`,
        metric: metric.with({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
  }

  /** Permanently failed notifications over all sent or failed, per hour, once there are ≥ 10. */
  failedShare(): Alarm {
    const using: Record<string, IMetric> = {};
    const sum = (prefix: string) => CHANNELS.map((c) => `FILL(${prefix}_${c}, 0)`).join(' + ');
    for (const c of CHANNELS) {
      using[`sent_${c}`] = appMetric(METRIC.notificationsSent, c);
      using[`failed_${c}`] = appMetric(METRIC.notificationsFailed, c);
    }
    const total = `(${sum('sent')} + ${sum('failed')})`;
    return this.alarm('NotificationsFailedShareAlarm', {
      alarmDescription: `More than ${FAILED_SHARE_PERCENT}% of the notifications of the past hour failed permanently (bad addresses, opted out, spend limit)`,
      metric: new MathExpression({
        expression: `IF(${total} >= 10, 100 * (${sum('failed')}) / ${total}, 0)`,
        usingMetrics: using,
        period: Duration.hours(1),
        label: 'Failed notifications (%)',
      }),
      threshold: FAILED_SHARE_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /** Sending is misconfigured (unverified SES identity, wrong SMS identity): one alarm per channel. */
  sendConfigErrors(): Alarm[] {
    return CHANNELS.map((c) =>
      this.alarm(`SendConfigError${c === 'email' ? 'Email' : 'Sms'}Alarm`, {
        alarmDescription: `Sending ${c} is misconfigured (${c === 'email' ? 'SES identity not verified, configuration set, permission' : 'SMS origination identity wrong or unregistered, permission'}); the sender paused ${c} and keeps the messages`,
        metric: appMetric(METRIC.sendConfigError, c).with({ period: Duration.hours(1) }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      }),
    );
  }
}

/** One of the app's EMF metrics, as the EmfMetrics adapter publishes it. */
export function appMetric(name: MetricName, channel?: Channel): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE, ...(channel ? { channel } : {}) },
    statistic: 'Sum',
    period: Duration.hours(1),
  });
}
