import { emitLine } from './logger.ts';

/**
 * CloudWatch metrics from Lambda without an SDK call or a dependency: one Embedded Metric Format
 * line on stdout, which CloudWatch Logs turns into a metric. Every kith metric carries the `Org`
 * dimension, so two organisations in one account never feed each other's alarms.
 */
export const METRIC_NAMESPACE = 'kith';

export const metricNames = {
  /** One per heartbeat timer the worker handled: proves Scheduler → queue → worker still works. */
  timerHeartbeat: 'TimerHeartbeat',
  /**
   * One per escalation still unacknowledged after its last level and repeats: the safeguarding
   * feature emits it (`emitMetric(org.slug, metricNames.escalationUnacknowledged)`); any is an alarm.
   */
  escalationUnacknowledged: 'EscalationUnacknowledged',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

export function emitMetric(org: string, name: MetricName, value = 1, unit: 'Count' | 'Milliseconds' = 'Count'): void {
  emitLine(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [['Org']], Metrics: [{ Name: name, Unit: unit }] }],
      },
      Org: org,
      [name]: value,
    }),
  );
}
