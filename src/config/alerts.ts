import { isClusterName, isDnsLabel, isDnsSubdomain } from '../clients/kubernetes/kubernetes-names.js';
import type { EnvReader } from './env-reader.js';
import { parseAlertRoutes, type AlertRoute } from './alert-routes.js';
import { SecretValue } from './store.js';

/**
 * Proactive alerts (docs/alerts.md): which pods are watched, how long a pull failure must last before it is
 * reported, how often the same workload may be re-announced, when many alerts at once become one summary, where
 * alerts go without a chat subscription, the Alertmanager webhook secret, and leader election between replicas.
 */
export const ALERT_KEYS = [
  'ALERTS_ENABLED',
  'ALERT_NAMESPACES',
  'ALERT_GRACE_PERIOD',
  'ALERT_QUIET_WINDOW',
  'ALERT_FLOOD_THRESHOLD',
  'ALERT_ROUTES',
  'ALERT_CLUSTER_NAME',
  'ALERTMANAGER_WEBHOOK_SECRET',
  'LEADER_ELECTION_NAMESPACE',
  'LEADER_ELECTION_LEASE_NAME',
  'POD_NAME',
] as const;

export const DEFAULT_ALERT_GRACE_PERIOD_MS = 2 * 60_000;
export const DEFAULT_ALERT_QUIET_WINDOW_MS = 4 * 3_600_000;
export const DEFAULT_ALERT_FLOOD_THRESHOLD = 5;
export const DEFAULT_LEASE_NAME = 'pull-doctor-alerts';
/** The shared secret must be long enough not to be guessed (Alertmanager sends it as `Authorization: Bearer …`). */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

export interface LeaderElectionConfig {
  /** Namespace of the coordination.k8s.io/v1 Lease (where Pull Doctor runs). */
  namespace: string;
  leaseName: string;
}

export interface AlertsConfig {
  enabled: boolean;
  /** Namespaces to watch (one informer each); empty means every namespace (one cluster-wide informer). */
  namespaces: string[];
  /** How long a pod must keep failing to pull before it is reported (ALERT_GRACE_PERIOD, default 2m). */
  gracePeriodMs: number;
  /** A workload is announced in a new message at most once per this window (ALERT_QUIET_WINDOW, default 4h). */
  quietWindowMs: number;
  /** More new alerts than this for one conversation within a minute become one summary card (default 5). */
  floodThreshold: number;
  /** Static routes (ALERT_ROUTES); chat subscriptions (`alerts on`) add to them. */
  routes: AlertRoute[];
  /** The cluster's name in alerts and routes; when unset, the kubeconfig's context name (docs/alerts.md). */
  clusterName?: string;
  /** `Authorization: Bearer <secret>` expected on POST /api/alerts; the endpoint is off without it. */
  webhookSecret?: SecretValue;
  /** Absent: this process alone watches (single replica). */
  leaderElection?: LeaderElectionConfig;
  /** The pod's name (downward API), the stem of the lease holder identity. */
  podName?: string;
}

const DAY_MS = 86_400_000;

function duration(r: EnvReader, key: string, fallback: number, maxMs: number): number {
  const ms = r.durationMs(key, fallback);
  if (ms > maxMs) {
    r.problem(`${key} must be at most ${maxMs / 3_600_000}h (got ${Math.round(ms / 1000)}s)`);
    return fallback;
  }
  return ms;
}

export function parseAlertsConfig(r: EnvReader): AlertsConfig {
  const enabled = r.boolean('ALERTS_ENABLED', false);
  const namespaces = [...new Set(r.list('ALERT_NAMESPACES'))];
  for (const ns of namespaces) {
    if (!isDnsLabel(ns)) r.problem(`ALERT_NAMESPACES: "${ns.slice(0, 80)}" is not a namespace name (lower-case letters, digits and '-')`);
  }
  const config: AlertsConfig = {
    enabled,
    namespaces,
    gracePeriodMs: duration(r, 'ALERT_GRACE_PERIOD', DEFAULT_ALERT_GRACE_PERIOD_MS, 3_600_000),
    quietWindowMs: duration(r, 'ALERT_QUIET_WINDOW', DEFAULT_ALERT_QUIET_WINDOW_MS, 7 * DAY_MS),
    floodThreshold: r.integer('ALERT_FLOOD_THRESHOLD', DEFAULT_ALERT_FLOOD_THRESHOLD, { min: 1, max: 100 }),
    routes: [],
  };
  const routes = parseAlertRoutes(r.string('ALERT_ROUTES'));
  for (const problem of routes.problems) r.problem(problem);
  config.routes = routes.routes;

  const clusterName = r.string('ALERT_CLUSTER_NAME');
  if (clusterName !== undefined) {
    if (isClusterName(clusterName)) config.clusterName = clusterName;
    else r.problem(`ALERT_CLUSTER_NAME must be lower-case letters, digits, '-', '_' or '.' (got "${clusterName.slice(0, 80)}")`);
  }

  const secret = r.string('ALERTMANAGER_WEBHOOK_SECRET');
  if (secret !== undefined) {
    // Never echo the value.
    if (secret.length < MIN_WEBHOOK_SECRET_LENGTH)
      r.problem(`ALERTMANAGER_WEBHOOK_SECRET must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`);
    else config.webhookSecret = new SecretValue(secret);
  }

  const leaseNamespace = r.string('LEADER_ELECTION_NAMESPACE');
  const leaseName = r.string('LEADER_ELECTION_LEASE_NAME', DEFAULT_LEASE_NAME);
  if (!isDnsSubdomain(leaseName)) r.problem(`LEADER_ELECTION_LEASE_NAME must be a DNS subdomain name (got "${leaseName.slice(0, 80)}")`);
  if (leaseNamespace !== undefined) {
    if (isDnsLabel(leaseNamespace)) config.leaderElection = { namespace: leaseNamespace, leaseName };
    else r.problem(`LEADER_ELECTION_NAMESPACE must be a namespace name (got "${leaseNamespace.slice(0, 80)}")`);
  }

  const podName = r.string('POD_NAME');
  if (podName !== undefined) {
    if (isDnsSubdomain(podName)) config.podName = podName;
    else r.problem(`POD_NAME must be a pod name (got "${podName.slice(0, 80)}")`);
  }
  return config;
}
