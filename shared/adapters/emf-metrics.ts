// Metrics as CloudWatch embedded metric format (EMF) lines on stdout, written by Powertools
// Metrics: CloudWatch Logs turns each line into metric data points, no PutMetricData call and
// no IAM permission needed. Values are summed per metric and dimension set, and published as one
// EMF line per dimension set (channel=email, channel=sms, none).
import { Metrics as Powertools, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  isDuration,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  type MetricName,
  type Metrics,
} from '../app/metrics';

type Dims = Record<string, string>;

export class EmfMetrics implements Metrics {
  private readonly pt = new Powertools({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  private pending = new Map<string, { dims: Dims; values: Map<MetricName, number> }>();

  add(name: MetricName, value = 1, dims: Dims = {}): void {
    const key = JSON.stringify(Object.entries(dims).sort());
    let group = this.pending.get(key);
    if (!group) {
      group = { dims, values: new Map() };
      this.pending.set(key, group);
    }
    group.values.set(name, (group.values.get(name) ?? 0) + value);
  }

  publish(): void {
    const groups = [...this.pending.values()];
    this.pending = new Map();
    for (const { dims, values } of groups) {
      if (Object.keys(dims).length) this.pt.addDimensions(dims);
      for (const [name, value] of values)
        this.pt.addMetric(name, isDuration(name) ? MetricUnit.Milliseconds : MetricUnit.Count, value);
      this.pt.publishStoredMetrics();
    }
  }
}
