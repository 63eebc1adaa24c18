// The metrics the system publishes, behind a neutral port: use cases and handlers count through
// `Metrics`; on Lambda the adapter (shared/adapters/emf-metrics.ts) prints CloudWatch embedded
// metric format lines with Powertools; locally and in tests the default counts nothing.
// The stack builds its alarms from these very names (infra/observability.ts).

/** CloudWatch namespace and the `service` dimension every metric carries. */
export const METRICS_NAMESPACE = 'baosong';
export const METRICS_SERVICE = 'baosong';

export const METRIC = {
  /** Per channel: a notification the provider accepted. */
  notificationsSent: 'NotificationsSent',
  /** Per channel: a permanent failure (bad address, opted out, spend limit…), recorded, never retried. */
  notificationsFailed: 'NotificationsFailed',
  /** Per channel: the provider throttled us; the message was queued again with a delay. */
  notificationsThrottled: 'NotificationsThrottled',
  /** Per channel: sending is misconfigured (unverified sender, wrong SMS identity…): one alarm. */
  sendConfigError: 'SendConfigError',
  /** Per channel: messages put back on the queue untried while that channel's sending is paused. */
  notificationsDeferred: 'NotificationsDeferred',
  /** Per channel: a message skipped because its address bounces or complained. */
  notificationsSuppressed: 'NotificationsSuppressed',
  receiptsReceived: 'ReceiptsReceived',
  receiptsRejected: 'ReceiptsRejected',
  /** Milliseconds one sweep took. */
  sweepDuration: 'SweepDuration',
  /** Slots the sweep planned (its work list). */
  slotsActedOn: 'SlotsActedOn',
  /** Bounce or complaint events recorded against a contact address. */
  bouncesRecorded: 'BouncesRecorded',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
export type Channel = 'email' | 'sms';

export interface Metrics {
  /** Adds `value` (default 1) to a count, or a duration in milliseconds (sweepDuration). */
  add(name: MetricName, value?: number, dims?: { channel?: Channel }): void;
  /** Writes what was added since the last publish (once per invocation). */
  publish(): void;
}

export const noMetrics: Metrics = { add() {}, publish() {} };

export const isDuration = (name: MetricName) => name === METRIC.sweepDuration;
