import { AlertMetrics, systemClock, type Clock } from '../alerts/machinery.js';
import { AlertService, type AlertServiceOptions } from '../alerts/alert-service.js';
import type { AlertEngineSettings } from '../alerts/alert-engine.js';
import {
  createAlertmanagerWebhook,
  MAX_ALERTMANAGER_BODY_BYTES,
  PodCheckQueue,
  type PodAlert,
  type PodCheckLimits,
} from '../alerts/alertmanager-webhook.js';
import { ConversationRegistry, SubscriptionService } from '../alerts/routing.js';
import { SendRateLimiter } from '../alerts/sending.js';
import type { AlertRoute } from '../config/alert-routes.js';
import type { AlertsConfig } from '../config/alerts.js';
import type { Config } from '../config/index.js';
import { diagnosePod } from '../diagnosis/diagnose-pod.js';
import { describeError, PullDoctorError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { SandboxWorld } from '../sandbox/sandbox-world.js';
import type { RawPostRoute } from '../server/raw-post-route.js';
import type { DocumentStore } from '../store/index.js';
import type { AlertCommandHandler } from '../teams/alert-command-handler.js';
import { AlertConversations } from '../teams/alerts/alert-conversations.js';
import { AlertSubscriptionCommands } from '../teams/alerts/alert-subscription-commands.js';
import { TeamsAlertChannel } from '../teams/alerts/teams-alert-channel.js';
import type { CardActionStore } from '../teams/card-action-store.js';
import type { ConversationInstallListener } from '../teams/conversation-install-listener.js';
import type { TeamsBot } from '../teams/create-teams-bot.js';
import { alertClusterNamed, alertClusters, alertRoutesFor, type AlertCluster } from './alert-clusters.js';
import type { ClusterConnections } from './cluster-connections.js';
import { SandboxOutageDrill } from './sandbox-outage-drill.js';

/** In the sandbox: a short grace period, and the outage drill's timing. */
export const SANDBOX_ALERT_GRACE_MS = 10_000;
export const SANDBOX_OUTAGE_FAIL_AFTER_MS = 3_000;
export const SANDBOX_OUTAGE_RECOVER_AFTER_MS = 90_000;
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
  sandbox?: { gracePeriodMs?: number; failAfterMs?: number; recoverAfterMs?: number };
}

export interface AlertsWiringOptions {
  config: Config;
  clusters: ClusterConnections;
  /** Present in sandbox mode: alerts are then on for the sandbox cluster, with a short grace period and the drill. */
  sandbox?: SandboxWorld;
  store: DocumentStore;
  /** The bot's card action store: the alert card's buttons are stored there, like the diagnosis card's. */
  cardActions: CardActionStore;
  /** Whether a FixRequestHandler is configured (alert cards then offer Request fix when a fix is proposed). */
  fixRequestsEnabled: boolean;
  log: Logger;
  tuning?: AlertsTuning;
}

/** Proactive alerts, assembled for the bot: the Teams extension points, the webhook route, and one service per cluster. */
export interface AlertsWiring {
  /** `alerts on|off|status`. */
  readonly commands: AlertCommandHandler;
  /** Installation and removal of the bot, and messages to it: where alerts can be posted. */
  readonly conversations: ConversationInstallListener;
  /** `POST /api/alerts`, Alertmanager's webhook (256 KiB at most). */
  readonly route: RawPostRoute;
  /** The clusters watched, the default one first. */
  readonly clusters: readonly AlertCluster[];
  /** The running services, by cluster name (a cluster that could not be connected yet is missing). */
  readonly services: ReadonlyMap<string, AlertService>;
  readonly metrics: AlertMetrics;
  /** Gives the alerts the Teams bot's proactive sender and cards; before `start`. */
  attach(teams: Pick<TeamsBot, 'sender' | 'cards'>): void;
  /** Starts one AlertService per cluster (each campaigns for its lease, or leads alone); call once the server listens. */
  start(): Promise<void>;
  /** Stops watching and sending and releases the leases (SIGTERM); before the store closes. */
  stop(): Promise<void>;
}

/** The alerts configuration in effect: the configured one, or the sandbox's (always on, short grace, no lease). */
function effectiveConfig(options: AlertsWiringOptions): AlertsConfig | undefined {
  const { config, sandbox, tuning } = options;
  if (!sandbox) return config.alerts.enabled ? config.alerts : undefined;
  const { clusterName: _ignored, leaderElection: _none, ...rest } = config.alerts;
  return { ...rest, enabled: true, namespaces: [], gracePeriodMs: tuning?.sandbox?.gracePeriodMs ?? SANDBOX_ALERT_GRACE_MS };
}

/**
 * Proactive alerts in the bot (docs/alerts.md), or undefined when they are off (ALERTS_ENABLED is not true, outside
 * the sandbox). One AlertService per cluster of `clusters` — namespaces from the cluster file, else ALERT_NAMESPACES;
 * routes from the cluster file plus ALERT_ROUTES; a Lease per cluster in LEADER_ELECTION_NAMESPACE — all over the
 * bot's store, sending through one limiter (Teams' limits are per conversation and per app). Chat subscriptions,
 * conversation references and the Alertmanager endpoint are served on every replica, whoever leads.
 */
export function createAlertsWiring(options: AlertsWiringOptions): AlertsWiring | undefined {
  const alerts = effectiveConfig(options);
  if (!alerts) return undefined;
  const { store, log: baseLog, tuning, sandbox } = options;
  const log = baseLog.child({ component: 'alerts-wiring' });
  const clock = tuning?.clock ?? systemClock;
  const fromClusterFile = !sandbox && options.config.clusters.configFile !== undefined;
  if (fromClusterFile && alerts.clusterName !== undefined) log.warn('ALERT_CLUSTER_NAME is ignored with a cluster file: alerts use the names of its clusters');
  const clusters = alertClusters(options.clusters, fromClusterFile, sandbox ? undefined : alerts.clusterName);
  const metrics = new AlertMetrics();
  const limiter = new SendRateLimiter({ clock, ...(tuning?.engine?.sendLimits ?? {}) });
  // Alertmanager's pod checks, for every cluster and request: a few at a time, duplicates merged, a bounded backlog.
  const podChecks = new PodCheckQueue({ ...(tuning?.podChecks ?? {}), log: baseLog });
  const services = new Map<string, AlertService>();
  const timers = new Set<unknown>();
  /** Static routes of every cluster, for `alerts status` (grows as the cluster file's clusters connect). */
  const allRoutes: AlertRoute[] = [...alerts.routes];
  const registry = new ConversationRegistry(store, clock);
  const subscriptions = new SubscriptionService({
    store,
    routes: allRoutes,
    alertsEnabled: true,
    clock,
    onChange: () => {
      for (const service of services.values()) service.subscriptionsChanged();
    },
  });
  const conversations = new AlertConversations(registry);
  const drill = sandbox
    ? new SandboxOutageDrill({
        world: sandbox,
        clock,
        failAfterMs: tuning?.sandbox?.failAfterMs ?? SANDBOX_OUTAGE_FAIL_AFTER_MS,
        recoverAfterMs: tuning?.sandbox?.recoverAfterMs ?? SANDBOX_OUTAGE_RECOVER_AFTER_MS,
        gracePeriodMs: alerts.gracePeriodMs,
        log,
      })
    : undefined;
  const commands = new AlertSubscriptionCommands({
    subscriptions,
    conversations,
    clusters: clusters.map((c) => c.name),
    clusterNamed: (name) => alertClusterNamed(clusters, name)?.name,
    gracePeriodMs: alerts.gracePeriodMs,
    ...(drill ? { onSubscribed: async () => drill.announce() } : {}),
  });

  const takeAlert = async (alert: PodAlert): Promise<void> => {
    const cluster = alert.cluster === undefined ? clusters[0] : alertClusterNamed(clusters, alert.cluster);
    if (!cluster) {
      log.info('ignoring an Alertmanager alert about a cluster alerts do not watch', { cluster: alert.cluster?.slice(0, 63) });
      return;
    }
    const service = services.get(cluster.name);
    if (!service) throw new PullDoctorError('KUBE_UNREACHABLE', `Alerts for cluster ${cluster.name} are not running yet.`);
    const { cluster: _label, ...rest } = alert;
    await service.takeAlertmanagerAlert({ ...rest, cluster: cluster.name });
  };
  const webhook = createAlertmanagerWebhook({ secret: alerts.webhookSecret, onPodAlert: takeAlert, metrics, log: baseLog });

  let channel: TeamsAlertChannel | undefined;
  let stopped = false;

  const startCluster = async (cluster: AlertCluster): Promise<void> => {
    if (stopped || services.has(cluster.name)) return;
    try {
      const { connection, dependencies } = await options.clusters.connect(cluster.connectAs);
      if (stopped) return;
      const routes = alertRoutesFor(cluster.name, connection.routes, alerts.routes);
      for (const route of alertRoutesFor(cluster.name, connection.routes, [])) allRoutes.push(route);
      const serviceLog = baseLog.child({ cluster: cluster.name });
      const service = new AlertService({
        config: { ...alerts, namespaces: connection.namespaces ?? alerts.namespaces, routes },
        cluster: cluster.name,
        kubeConfig: connection.kubeConfig,
        reader: connection.kube,
        diagnose: (target) => diagnosePod({ ...target, cluster: target.cluster ?? cluster.name }, { ...dependencies, log: serviceLog, now: () => new Date(clock.now()) }),
        store,
        channel: channel!,
        clock,
        metrics,
        sendLimiter: limiter,
        podChecks,
        log: serviceLog,
        ...(tuning?.leaderElection ? { leaderElection: tuning.leaderElection } : {}),
        ...(tuning?.engine ? { engine: tuning.engine } : {}),
      });
      services.set(cluster.name, service);
      await service.start();
      log.info('alerts started for a cluster', { cluster: cluster.name, identity: service.identity, leaderElection: alerts.leaderElection?.namespace ?? 'off' });
    } catch (error) {
      const retryMs = tuning?.connectRetryMs ?? ALERT_CLUSTER_RETRY_MS;
      log.warn('alerts could not start for a cluster; trying again later', { cluster: cluster.name, reason: describeError(error).message, retryMs });
      const failed = services.get(cluster.name);
      services.delete(cluster.name);
      await failed?.stop().catch(() => undefined);
      if (stopped) return;
      const timer = clock.setTimeout(() => {
        timers.delete(timer);
        void startCluster(cluster);
      }, retryMs);
      timers.add(timer);
    }
  };

  return {
    commands,
    conversations,
    clusters,
    services,
    metrics,
    route: {
      path: '/api/alerts',
      maxBodyBytes: MAX_ALERTMANAGER_BODY_BYTES,
      handle: async (request) => {
        const answer = await webhook({ headers: request.headers, body: request.body });
        return { status: answer.status, body: answer.body };
      },
      refuseByHeaders: (headers) => webhook.refuseByHeaders(headers),
    },
    attach(teams) {
      channel = new TeamsAlertChannel({
        sender: teams.sender,
        cards: teams.cards,
        cardActions: options.cardActions,
        fixRequestsEnabled: options.fixRequestsEnabled,
        // Re-run checks goes through the bot's Diagnoser, which knows the only cluster by its context names.
        diagnoserCluster: (name) => (fromClusterFile || options.clusters.names.includes(name) ? name : undefined),
        log: baseLog,
      });
    },
    async start() {
      if (!channel) throw new Error('alerts: attach the Teams bot before starting');
      log.info('starting alerts', { clusters: clusters.map((c) => c.name), gracePeriodMs: alerts.gracePeriodMs, sandbox: sandbox !== undefined });
      await Promise.all(clusters.map((c) => startCluster(c)));
    },
    async stop() {
      stopped = true;
      drill?.stop();
      for (const timer of timers) clock.clearTimeout(timer);
      timers.clear();
      await Promise.all([...services.values()].map((s) => s.stop().catch((error: unknown) => log.warn('alerts did not stop cleanly', { reason: describeError(error).message }))));
      // Checks still queued leave their pods in the store's inbox for the next leader (the store closes after this).
      await Promise.race([podChecks.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    },
  };
}
