import type { AlertRoute } from '../config/alert-routes.js';
import type { AlertsConfig } from '../config/alerts.js';
import type { ClusterConnections } from '../clusters/cluster-connections.js';
import { diagnosePod } from '../diagnosis/diagnose-pod.js';
import { describeError, PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { DocumentStore } from '../store/index.js';
import type { AlertChannel } from './alert-delivery.js';
import type { AlertEngineSettings } from './alert-engine.js';
import { AlertMetrics, systemClock, type Clock } from './machinery.js';
import { AlertService, type AlertServiceOptions } from './alert-service.js';
import {
  createAlertmanagerWebhook,
  MAX_ALERTMANAGER_BODY_BYTES,
  PodCheckQueue,
  type PodAlert,
  type PodCheckLimits,
  type WebhookRequest,
  type WebhookResponse,
} from './alertmanager-webhook.js';
import { SendRateLimiter } from './sending.js';
import { ConversationRegistry, SubscriptionService, type SubscriptionStatus } from './routing.js';
import { failingNow, type FailingNow } from './failing-now.js';

/** How long to wait before trying again to start the alerts of a cluster that could not be connected. */
export const ALERT_CLUSTER_RETRY_MS = 30_000;

/** Timing a caller may change (tests move a manual clock and shorten the lease). */
export interface AlertsTuning {
  clock?: Clock;
  leaderElection?: AlertServiceOptions['leaderElection'];
  engine?: Partial<AlertEngineSettings>;
  connectRetryMs?: number;
  /** The bound on Alertmanager's pod checks (default POD_CHECK_LIMITS). */
  podChecks?: Partial<PodCheckLimits>;
}

/** A cluster the alerts watch. */
export interface AlertCluster {
  /** Its name in alerts, routes and subscriptions. */
  name: string;
  /** What to give `ClusterConnections.connect` (undefined: the default cluster). */
  connectAs: string | undefined;
  /** The names a user may say for it ("alerts on on cluster NAME"), its own included. */
  aliases: string[];
}

export interface AlertsOptions {
  /** The alerts configuration in effect (ALERTS_ENABLED and the rest, or a profile's own). */
  config: AlertsConfig;
  clusters: ClusterConnections;
  store: DocumentStore;
  /** Where alert cards go (Teams). */
  channel: AlertChannel;
  log: Logger;
  tuning?: AlertsTuning | undefined;
}

/**
 * The clusters to watch: every cluster of the cluster file (PULLDOCTOR_CONFIG), by its name there; otherwise the
 * one cluster of the kubeconfig, named ALERT_CLUSTER_NAME if set, else its context's name — and known by its context
 * and cluster names too. The first one is the default (Alertmanager alerts without a `cluster` label go there).
 */
export function alertClusters(clusters: ClusterConnections, clusterName: string | undefined): AlertCluster[] {
  if (clusters.fromClusterFile) return clusters.names.map((name) => ({ name, connectAs: name, aliases: [name] }));
  const name = clusterName ?? clusters.names[0] ?? 'default';
  return [{ name, connectAs: undefined, aliases: [...new Set([name, ...clusters.names])] }];
}

/**
 * One cluster's static routes: those of its entry in the cluster file (`routes: { namespace or "*": conversation }`)
 * and ALERT_ROUTES; two routes for the same namespace and cluster pattern send to the conversations of both.
 */
export function alertRoutesFor(
  cluster: string,
  fileRoutes: Readonly<Record<string, string>>,
  configured: readonly AlertRoute[],
): AlertRoute[] {
  const merged = new Map<string, AlertRoute>();
  const add = (route: AlertRoute) => {
    const key = `${route.cluster}\u0000${route.namespace}`;
    const existing = merged.get(key);
    if (existing) existing.conversations = [...new Set([...existing.conversations, ...route.conversations])];
    else merged.set(key, { cluster: route.cluster, namespace: route.namespace, conversations: [...route.conversations] });
  };
  for (const [namespace, conversation] of Object.entries(fileRoutes)) add({ cluster, namespace, conversations: [conversation] });
  for (const route of configured) add(route);
  return [...merged.values()];
}

/**
 * Proactive alerts in the bot (docs/alerts.md). One AlertService per cluster of `clusters` — namespaces from the
 * cluster file, else ALERT_NAMESPACES; routes from the cluster file plus ALERT_ROUTES; a Lease per cluster in
 * LEADER_ELECTION_NAMESPACE — all over the bot's store, sending through one limiter (Teams' limits are per
 * conversation and per app). Chat subscriptions, conversation references and the Alertmanager endpoint are served on
 * every replica, whoever leads. Nothing runs before `start()`.
 */
export class Alerts {
  /** The clusters watched, the default one first. */
  readonly clusters: readonly AlertCluster[];
  /** The running services, by cluster name (a cluster that could not be connected yet is missing). */
  readonly services = new Map<string, AlertService>();
  readonly metrics = new AlertMetrics();
  /** Where alerts can be posted (conversation references, kept in the store). */
  readonly conversations: ConversationRegistry;
  /** Chat subscriptions (`alerts on|off|status`). */
  readonly subscriptions: SubscriptionService;
  readonly gracePeriodMs: number;
  /** `POST /api/alerts`, Alertmanager's webhook (its body bounded by MAX_ALERTMANAGER_BODY_BYTES). */
  readonly webhook: {
    maxBodyBytes: number;
    handle(request: WebhookRequest): Promise<WebhookResponse>;
    refuseByHeaders(headers: WebhookRequest['headers']): WebhookResponse | undefined;
  };
  private readonly config: AlertsConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly limiter: SendRateLimiter;
  private readonly podChecks: PodCheckQueue;
  private readonly timers = new Set<unknown>();
  /** Static routes of every cluster, for `alerts status` (grows as the cluster file's clusters connect). */
  private readonly allRoutes: AlertRoute[];
  private stopped = false;

  constructor(private readonly options: AlertsOptions) {
    const { config, store, tuning } = options;
    this.config = config;
    this.gracePeriodMs = config.gracePeriodMs;
    this.log = options.log.child({ component: 'alerts-wiring' });
    this.clock = tuning?.clock ?? systemClock;
    if (options.clusters.fromClusterFile && config.clusterName !== undefined) {
      this.log.warn('ALERT_CLUSTER_NAME is ignored with a cluster file: alerts use the names of its clusters');
    }
    this.clusters = alertClusters(options.clusters, config.clusterName);
    this.limiter = new SendRateLimiter({ clock: this.clock, ...tuning?.engine?.sendLimits });
    // Alertmanager's pod checks, for every cluster and request: a few at a time, duplicates merged, a bounded backlog.
    this.podChecks = new PodCheckQueue({ ...tuning?.podChecks, log: options.log });
    this.allRoutes = [...config.routes];
    this.conversations = new ConversationRegistry(store, this.clock);
    this.subscriptions = new SubscriptionService({
      store,
      routes: this.allRoutes,
      alertsEnabled: true,
      clock: this.clock,
      onChange: () => {
        for (const service of this.services.values()) service.subscriptionsChanged();
      },
    });
    const webhook = createAlertmanagerWebhook({
      secret: config.webhookSecret,
      onPodAlert: (alert) => this.takeAlert(alert),
      metrics: this.metrics,
      log: options.log,
    });
    this.webhook = {
      maxBodyBytes: MAX_ALERTMANAGER_BODY_BYTES,
      handle: (request) => webhook(request),
      refuseByHeaders: (headers) => webhook.refuseByHeaders(headers),
    };
  }

  /**
   * What is failing now where a conversation's alerts come from (its subscriptions and the static routes that lead
   * there), listed from the pods' status: the answer to `alerts on` and `alerts status` (failing-now.ts). Served on
   * every replica, whoever leads.
   */
  failingNow(status: SubscriptionStatus): Promise<FailingNow[]> {
    const clusters = this.clusters.map((cluster) => ({
      name: cluster.name,
      aliases: cluster.aliases,
      connect: async () => {
        const { connection } = await this.options.clusters.connect(cluster.connectAs);
        return { kube: connection.kube, watched: connection.namespaces ?? this.config.namespaces };
      },
    }));
    return failingNow(status, clusters, () => new Date(this.clock.now()));
  }

  /** The alert cluster a name stands for (one of its aliases), if any. */
  clusterNamed(name: string): AlertCluster | undefined {
    return this.clusters.find((c) => c.aliases.includes(name));
  }

  /** Starts one AlertService per cluster (each campaigns for its lease, or leads alone); call once the server listens. */
  async start(): Promise<void> {
    this.log.info('starting alerts', { clusters: this.clusters.map((c) => c.name), gracePeriodMs: this.config.gracePeriodMs });
    await Promise.all(this.clusters.map((c) => this.startCluster(c)));
  }

  /** Stops watching and sending and releases the leases (SIGTERM); before the store closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    const stopping = [...this.services.values()].map((s) =>
      s.stop().catch((error: unknown) => this.log.warn('alerts did not stop cleanly', { reason: describeError(error).message })),
    );
    await Promise.all(stopping);
    // Checks still queued leave their pods in the store's inbox for the next leader (the store closes after this).
    await Promise.race([this.podChecks.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }

  private async takeAlert(alert: PodAlert): Promise<void> {
    const cluster = alert.cluster === undefined ? this.clusters[0] : this.clusterNamed(alert.cluster);
    if (!cluster) {
      this.log.info('ignoring an Alertmanager alert about a cluster alerts do not watch', { cluster: alert.cluster?.slice(0, 63) });
      return;
    }
    const service = this.services.get(cluster.name);
    if (!service) throw new PullDoctorError('KUBE_UNREACHABLE', `Alerts for cluster ${cluster.name} are not running yet.`);
    await service.takeAlertmanagerAlert({ ...alert, cluster: cluster.name });
  }

  private async startCluster(cluster: AlertCluster): Promise<void> {
    const { config, tuning, store } = this.options;
    if (this.stopped || this.services.has(cluster.name)) return;
    try {
      const { connection, dependencies } = await this.options.clusters.connect(cluster.connectAs);
      if (this.stopped) return;
      const routes = alertRoutesFor(cluster.name, connection.routes, config.routes);
      for (const route of alertRoutesFor(cluster.name, connection.routes, [])) this.allRoutes.push(route);
      const log = this.options.log.child({ cluster: cluster.name });
      const clock = this.clock;
      const service = new AlertService({
        config: { ...config, namespaces: connection.namespaces ?? config.namespaces, routes },
        cluster: cluster.name,
        kubeConfig: connection.kubeConfig,
        reader: connection.kube,
        diagnose: (target) =>
          diagnosePod({ ...target, cluster: target.cluster ?? cluster.name }, { ...dependencies, log, now: () => new Date(clock.now()) }),
        store,
        channel: this.options.channel,
        clock,
        metrics: this.metrics,
        sendLimiter: this.limiter,
        podChecks: this.podChecks,
        log,
        leaderElection: tuning?.leaderElection,
        engine: tuning?.engine,
      });
      this.services.set(cluster.name, service);
      await service.start();
      this.log.info('alerts started for a cluster', {
        cluster: cluster.name,
        identity: service.identity,
        leaderElection: config.leaderElection?.namespace ?? 'off',
      });
    } catch (error) {
      const retryMs = tuning?.connectRetryMs ?? ALERT_CLUSTER_RETRY_MS;
      this.log.warn('alerts could not start for a cluster; trying again later', {
        cluster: cluster.name,
        reason: describeError(error).message,
        retryMs,
      });
      const failed = this.services.get(cluster.name);
      this.services.delete(cluster.name);
      await failed?.stop().catch(() => undefined);
      if (this.stopped) return;
      const timer = this.clock.setTimeout(() => {
        this.timers.delete(timer);
        void this.startCluster(cluster);
      }, retryMs);
      this.timers.add(timer);
    }
  }
}
