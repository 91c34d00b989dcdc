/**
 * Counters of what the alert machinery did, named like Prometheus counters (`name{label="value"}`): raised and
 * resolved alerts, messages posted and updated, 429s, retries, sends given up, watch errors, leadership changes.
 * A snapshot is plain data for a /metrics endpoint or a test.
 */
export type AlertMetricName =
  | 'alerts_raised_total'
  | 'alerts_updated_total'
  | 'alerts_resolved_total'
  | 'alert_messages_posted_total'
  | 'alert_messages_updated_total'
  | 'alert_send_throttled_total'
  | 'alert_send_retries_total'
  | 'alert_send_failures_total'
  | 'alert_undeliverable_total'
  | 'alert_conversations_forgotten_total'
  | 'alert_diagnoses_total'
  | 'alert_diagnoses_reused_total'
  | 'alert_diagnosis_errors_total'
  | 'alert_watch_errors_total'
  | 'alert_watch_restarts_total'
  | 'alert_leader_transitions_total'
  | 'alertmanager_requests_total';

export class AlertMetrics {
  private readonly counters = new Map<string, number>();

  inc(name: AlertMetricName, labels: Record<string, string> = {}, by = 1): void {
    const key = seriesKey(name, labels);
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  /** The value of one series (0 when never incremented). */
  get(name: AlertMetricName, labels: Record<string, string> = {}): number {
    return this.counters.get(seriesKey(name, labels)) ?? 0;
  }

  /** The sum over every series of a counter, whatever its labels. */
  total(name: AlertMetricName): number {
    let sum = 0;
    for (const [key, value] of this.counters) if (key === name || key.startsWith(`${name}{`)) sum += value;
    return sum;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counters].sort(([a], [b]) => a.localeCompare(b)));
  }
}

function seriesKey(name: string, labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return name;
  return `${name}{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}
