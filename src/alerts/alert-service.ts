import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import type { AlertsConfig } from '../config/alerts.js';
import type { Diagnosis, DiagnosisTarget } from '../diagnosis/types.js';
import { PullDoctorError } from '../errors/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import type { DocumentStore } from '../store/index.js';
import { AlertEngine, type AlertEngineSettings } from './alert-engine.js';
import type { AlertChannel } from './alert-delivery.js';
import { AlertMetrics, isoTime, systemClock, type Clock } from './machinery.js';
import { AlertRouter, ConversationRegistry, SubscriptionService } from './routing.js';
import { PodCheckQueue, type PodAlert } from './alertmanager-webhook.js';
import { ALERT_COLLECTIONS } from './alert-record.js';
import { LeaderElector } from './leader-elector.js';
import type { SendRateLimiter } from './sending.js';

export interface AlertServiceOptions {
  config: AlertsConfig;
  /** The cluster's name in alerts and routes (ALERT_CLUSTER_NAME, else the kubeconfig's cluster name). */
  cluster: string;
  kubeConfig: KubeConfig;
  reader: KubernetesReader;
  /** The diagnosis engine (diagnosePod with the composition root's clients). */
  diagnose: (target: DiagnosisTarget) => Promise<Diagnosis>;
  store: DocumentStore;
  /** The Teams layer's proactive sender. */
  channel: AlertChannel;
  log?: Logger | undefined;
  clock?: Clock | undefined;
  metrics?: AlertMetrics | undefined;
  /** Lease holder identity; default `<POD_NAME or pull-doctor>-<random>`. */
  identity?: string | undefined;
  /** Leader election timing (defaults: 15 s lease, 10 s renew deadline, 2 s retry). */
  leaderElection?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number; random?: () => number } | undefined;
  /** Overrides of the engine's defaults (tests shorten windows and back-offs). */
  engine?: Partial<AlertEngineSettings> | undefined;
  /**
   * The pace of sends towards Teams, shared by every AlertService of the process (one per cluster): Teams' limits
   * are per conversation and per app, whichever cluster an alert is about. Default: this service's own.
   */
  sendLimiter?: SendRateLimiter | undefined;
  /**
   * The checks Alertmanager asks for, shared by every AlertService of the process (one per cluster) and every
   * request: a few at a time, duplicates merged, a bounded backlog. Default: this service's own.
   */
  podChecks?: PodCheckQueue | undefined;
}

/**
 * Proactive alerts for one cluster, on every replica: Alertmanager's reports are taken everywhere (a follower leaves
 * them in the store for the leader); the watcher and the senders run only on the replica holding the lease (or on the
 * only one, without LEADER_ELECTION_NAMESPACE), starting and stopping with leadership. Chat subscriptions, conversation
 * references and the webhook are the composition's (src/app/alerts-wiring.ts), shared by every cluster's service
 * through the store.
 */
export class AlertService {
  readonly metrics: AlertMetrics;
  readonly identity: string;
  private readonly conversations: ConversationRegistry;
  private readonly router: AlertRouter;
  private readonly podChecks: PodCheckQueue;
  private readonly elector: LeaderElector | undefined;
  private readonly clock: Clock;
  private readonly log: Logger;
  private current: AlertEngine | undefined;
  private transition: Promise<void> = Promise.resolve();
  private started = false;

  constructor(private readonly options: AlertServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.log ?? silentLogger()).child({ component: 'alerts' });
    this.metrics = options.metrics ?? new AlertMetrics();
    this.identity = options.identity ?? `${options.config.podName ?? 'pull-doctor'}-${randomBytes(4).toString('hex')}`;
    this.conversations = new ConversationRegistry(options.store, this.clock);
    const subscriptions = new SubscriptionService({
      store: options.store,
      routes: options.config.routes,
      alertsEnabled: options.config.enabled,
      clock: this.clock,
    });
    this.router = new AlertRouter({ routes: options.config.routes, subscriptions, clock: this.clock });
    this.podChecks = options.podChecks ?? new PodCheckQueue({ log: this.log });
    const le = options.config.leaderElection;
    this.elector = le
      ? new LeaderElector({
          kubeConfig: options.kubeConfig,
          namespace: le.namespace,
          leaseName: le.leaseName,
          identity: this.identity,
          clock: this.clock,
          ...(options.leaderElection ?? {}),
          onStartedLeading: () => this.lead(),
          onStoppedLeading: () => this.follow(),
          metrics: this.metrics,
          log: this.log,
        })
      : undefined;
  }

  get isLeader(): boolean {
    return this.current?.isRunning ?? false;
  }

  /** The leader's engine while this replica leads (for tests and diagnostics). */
  get engine(): AlertEngine | undefined {
    return this.current;
  }

  async start(): Promise<void> {
    if (!this.options.config.enabled) {
      this.log.info('alerts are off (ALERTS_ENABLED is not true)');
      return;
    }
    this.started = true;
    if (this.elector) {
      this.log.info('campaigning for the alerts lease', { identity: this.identity });
      this.elector.start();
    } else {
      this.log.warn('no LEADER_ELECTION_NAMESPACE: this replica watches and alerts on its own; run a single replica');
      await this.lead();
    }
  }

  /** SIGTERM: stop watching and sending, then release the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.elector) await this.elector.stop();
    await this.follow();
  }

  private lead(): Promise<void> {
    this.transition = this.transition.then(async () => {
      if (this.current) return;
      const engine = new AlertEngine({
        ...this.options.config,
        ...(this.options.engine ?? {}),
        cluster: this.options.cluster,
        kubeConfig: this.options.kubeConfig,
        reader: this.options.reader,
        diagnose: this.options.diagnose,
        store: this.options.store,
        channel: this.options.channel,
        conversations: this.conversations,
        router: this.router,
        clock: this.clock,
        metrics: this.metrics,
        instanceId: this.identity,
        log: this.log,
        limiter: this.options.sendLimiter,
      });
      this.current = engine;
      await engine.start();
    });
    return this.transition;
  }

  private follow(): Promise<void> {
    this.transition = this.transition.then(async () => {
      const engine = this.current;
      this.current = undefined;
      await engine?.stop();
    });
    return this.transition;
  }

  /**
   * Subscriptions changed in this process (a chat command, answered by the composition's SubscriptionService over the
   * same store): drop the cached routing at once instead of within 10 s.
   */
  subscriptionsChanged(): void {
    this.router.invalidate();
  }

  /**
   * An Alertmanager report about a pod: checked by the leader in its turn (the process-wide PodCheckQueue); a
   * follower leaves it in the store's inbox for the leader. Reports naming another cluster are ignored. The
   * process-wide webhook calls it, having picked the service by the alert's `cluster` label. Throws BUSY when the
   * queue is full (the webhook answers 503 and Alertmanager retries).
   */
  async takeAlertmanagerAlert(alert: PodAlert): Promise<void> {
    if (alert.cluster !== undefined && alert.cluster !== this.options.cluster) {
      this.log.info('ignoring an Alertmanager alert about another cluster', { cluster: alert.cluster.slice(0, 63) });
      return;
    }
    if (!this.current?.isRunning) {
      await this.leaveForLeader(alert);
      return;
    }
    // Answer at once; the check reads the pod (and may diagnose it) when its turn comes.
    const key = JSON.stringify([this.options.cluster, alert.namespace, alert.pod]);
    if (this.podChecks.offer(key, () => this.checkNow(alert)) === 'full') {
      throw new PullDoctorError('BUSY', 'Too many pod checks are waiting already.', { advice: 'Alertmanager retries the notification.' });
    }
  }

  /** The queued check: by the engine if this replica still leads, else left for the leader. */
  private async checkNow(alert: PodAlert): Promise<void> {
    const engine = this.current;
    if (engine?.isRunning) await engine.checkPod(alert.namespace, alert.pod, 'alertmanager');
    else await this.leaveForLeader(alert);
  }

  private async leaveForLeader(alert: PodAlert): Promise<void> {
    const id = `${alert.namespace}/${alert.pod}`;
    const value = { namespace: alert.namespace, pod: alert.pod, status: alert.status, at: isoTime(this.clock.now()) };
    const existing = await this.options.store.get(ALERT_COLLECTIONS.inbox, id);
    if (existing) await this.options.store.replace(ALERT_COLLECTIONS.inbox, id, value, existing.etag).catch(() => undefined);
    else await this.options.store.create(ALERT_COLLECTIONS.inbox, id, value).catch(() => undefined);
  }
}
