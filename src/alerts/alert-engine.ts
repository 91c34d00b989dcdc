import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import type { Diagnosis, DiagnosisTarget } from '../diagnosis/types.js';
import { describeError } from '../errors/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import type { DocumentStore } from '../store/index.js';
import { ActivityTracker, isoTime, type AlertMetrics, type Clock } from './machinery.js';
import { AlertBook } from './alert-book.js';
import { AlertDelivery, type AlertChannel } from './alert-delivery.js';
import { ALERT_COLLECTIONS, type AlertRecord, type AlertSource } from './alert-record.js';
import type { AlertRouter, ConversationRegistry } from './routing.js';
import { isDeliveryState, withoutStale } from './delivery-state.js';
import { PodWatcher } from './pod-watcher.js';
import { imagePullFailures, PullFailureDetector, type FailureSink } from './pull-failure-detector.js';
import { SendQueue, SendRateLimiter, type RateWindow, type SendItem } from './sending.js';
import { updateWithRetry } from '../store/index.js';

/** Settings of the leader's machinery; the defaults are the product's, tests shorten some. */
export interface AlertEngineSettings {
  namespaces: readonly string[];
  gracePeriodMs: number;
  quietWindowMs: number;
  floodThreshold: number;
  /** The flood rule's window (default 60 s). */
  floodWindowMs?: number;
  /** How often every active alert is checked against what was sent, and the housekeeping runs (default 10 minutes). */
  resyncIntervalMs?: number;
  /** How often Alertmanager reports taken by other replicas are picked up (default 5 s). */
  inboxIntervalMs?: number;
  claimTimeoutMs?: number;
  sendLimits?: { perConversation?: readonly RateWindow[]; perApp?: readonly RateWindow[] };
  sendRetry?: { maxAttempts?: number; parkMs?: number; backoff?: { initialMs: number; maxMs: number } };
  watchBackoff?: { initialMs: number; maxMs: number; random?: () => number };
  diagnosisConcurrency?: number;
  /** How long a deleted alerted pod waits for a replacement that fails in its stead (default 60 s). */
  handoverMs?: number;
}

export interface AlertEngineOptions extends AlertEngineSettings {
  cluster: string;
  kubeConfig: KubeConfig;
  reader: KubernetesReader;
  diagnose: (target: DiagnosisTarget) => Promise<Diagnosis>;
  store: DocumentStore;
  channel: AlertChannel;
  conversations: ConversationRegistry;
  router: AlertRouter;
  clock: Clock;
  metrics: AlertMetrics;
  instanceId: string;
  log?: Logger | undefined;
  /** A limiter shared with the other engines of the process (one per cluster); default: the engine's own. */
  limiter?: SendRateLimiter | undefined;
}

const DAY_MS = 86_400_000;

/**
 * What the leader runs: the pod watcher, the grace periods and diagnoses, the alert book, and the per-conversation
 * send queues. Started when this replica becomes the leader, stopped when it stops being one; everything it knows
 * that matters is in the store, so the next leader resumes (every active alert is re-checked against what was
 * sent when an engine starts).
 */
export class AlertEngine {
  private warnedUndeliverable = false;
  readonly book: AlertBook;
  readonly queue: SendQueue;
  readonly detector: PullFailureDetector;
  readonly watcher: PodWatcher;
  readonly tracker = new ActivityTracker();
  private readonly limiter: SendRateLimiter;
  private readonly log: Logger;
  private readonly timers = new Set<unknown>();
  private running = false;

  constructor(private readonly options: AlertEngineOptions) {
    this.log = (options.log ?? silentLogger()).child({ component: 'alert-engine', cluster: options.cluster });
    const { clock, metrics } = options;
    this.book = new AlertBook({ store: options.store, clock, quietWindowMs: options.quietWindowMs, log: this.log });
    this.limiter = options.limiter ?? new SendRateLimiter({ clock, ...(options.sendLimits ?? {}) });
    const delivery = new AlertDelivery({
      store: options.store,
      book: this.book,
      conversations: options.conversations,
      channel: options.channel,
      clock,
      flood: { threshold: options.floodThreshold, floodWindowMs: options.floodWindowMs ?? 60_000 },
      instanceId: options.instanceId,
      waitForTurn: (conversationId, signal) => this.tracker.idleWhile(this.limiter.acquire(conversationId, signal)),
      enqueue: (conversationId, item, delayMs) => this.enqueue(conversationId, item, delayMs),
      metrics,
      log: this.log,
      claimTimeoutMs: options.claimTimeoutMs,
    });
    this.queue = new SendQueue({
      clock,
      process: (conversationId, item, signal) => delivery.process(conversationId, item, signal),
      onGone: async (conversationId) => {
        this.limiter.forget(conversationId);
        await options.conversations.forget(conversationId);
      },
      onPause: (conversationId, ms) => this.limiter.pause(conversationId, ms),
      metrics,
      log: this.log,
      tracker: this.tracker,
      ...(options.sendRetry ?? {}),
    });
    const sink: FailureSink = {
      raise: async (report) => {
        const conversations = await options.router.conversationsFor(options.cluster, report.namespace);
        const changed = await this.book.podFailing({
          cluster: options.cluster,
          namespace: report.namespace,
          workload: report.workload,
          cause: report.diagnosis?.cause ?? 'other',
          pod: report.pod,
          diagnosis: report.summary,
          source: report.source,
          conversations,
        });
        this.dispatch(changed);
      },
      recover: async (namespace, pod) => this.dispatch(await this.book.podRecovered({ cluster: options.cluster, namespace, pod })),
      isTracked: (namespace, pod) => this.book.isTracked({ cluster: options.cluster, namespace, pod }),
    };
    this.detector = new PullFailureDetector({
      cluster: options.cluster,
      reader: options.reader,
      diagnose: options.diagnose,
      sink,
      clock,
      gracePeriodMs: options.gracePeriodMs,
      metrics,
      log: this.log,
      tracker: this.tracker,
      concurrency: options.diagnosisConcurrency,
      handoverMs: options.handoverMs,
    });
    this.watcher = new PodWatcher({
      kubeConfig: options.kubeConfig,
      namespaces: options.namespaces,
      clock,
      metrics,
      log: this.log,
      onPod: (pod) => this.detector.observe(pod),
      onPodDeleted: (pod) => this.detector.forget(pod),
      onSynced: (namespace) => void this.tracker.track(() => this.resync(namespace)),
      backoff: options.watchBackoff,
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Work in progress (not waiting on a timer) and items queued: zero when everything due now is done. */
  get busy(): number {
    return this.tracker.busy + this.queue.backlog;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.book.load();
    await this.reconcileAll();
    this.every(this.options.inboxIntervalMs ?? 5_000, () => this.drainInbox());
    this.every(this.options.resyncIntervalMs ?? 10 * 60_000, async () => {
      await this.reconcileAll();
      await this.housekeeping();
    });
    await this.drainInbox();
    await this.watcher.start();
    this.log.info('alert engine started', { namespaces: this.options.namespaces.length > 0 ? this.options.namespaces : 'all' });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) this.options.clock.clearTimeout(timer);
    this.timers.clear();
    await this.watcher.stop();
    await Promise.all([this.detector.stop(), this.queue.stop()]);
    this.log.info('alert engine stopped');
  }

  /** Reads a pod now (no grace period) and raises or clears its alert: for Alertmanager reports. */
  checkPod(namespace: string, pod: string, source: AlertSource): Promise<void> {
    return this.detector.check(namespace, pod, source);
  }

  /**
   * Queues every active alert of this engine's cluster for every conversation it is routed to; up-to-date ones cost
   * a store read. (The store is shared by the engines of every cluster: each one reconciles its own.)
   */
  async reconcileAll(): Promise<void> {
    const active = (await this.book.listActive(Math.max(this.options.quietWindowMs, DAY_MS))).filter(
      (r) => r.cluster === this.options.cluster,
    );
    for (const record of active)
      for (const conversationId of record.routedTo) this.queue.enqueue(conversationId, { kind: 'alert', key: record.key });
  }

  private dispatch(records: AlertRecord[]): void {
    for (const record of records) {
      const what = {
        alertId: record.key,
        namespace: record.namespace,
        workload: `${record.workload.kind}/${record.workload.name}`,
        cause: record.cause,
        status: record.status,
      };
      if (record.status === 'resolved') this.options.metrics.inc('alerts_resolved_total');
      // Raised: a generation starts (a new message is due): the first failure, or again after it resolved.
      else if (record.generationStartedAt === record.lastSeen && record.podsAffected === 1) this.options.metrics.inc('alerts_raised_total');
      else this.options.metrics.inc('alerts_updated_total');
      this.log.info('alert changed', { ...what, pods: Object.keys(record.failingPods).length, generation: record.generation });
      if (record.routedTo.length === 0) {
        this.options.metrics.inc('alert_undeliverable_total');
        // Warned once: on a cluster with many failing workloads and no route yet, one line says what to do.
        if (this.warnedUndeliverable) this.log.info('no route or subscription covers this alert', what);
        else
          this.log.warn(
            'no route or subscription covers this alert: set ALERT_ROUTES or say "alerts on" in a conversation (said once; later ones are logged at info)',
            what,
          );
        this.warnedUndeliverable = true;
      }
      for (const conversationId of record.routedTo) this.queue.enqueue(conversationId, { kind: 'alert', key: record.key });
    }
  }

  private enqueue(conversationId: string, item: SendItem, delayMs?: number): void {
    if (!this.running) return;
    if (delayMs === undefined || delayMs <= 0) {
      this.queue.enqueue(conversationId, item);
      return;
    }
    const timer = this.options.clock.setTimeout(() => {
      this.timers.delete(timer);
      this.queue.enqueue(conversationId, item);
    }, delayMs);
    this.timers.add(timer);
  }

  /** After a (re)list: pods an alert counts as failing are read again if the cache says they no longer fail. */
  private async resync(namespace: string | undefined): Promise<void> {
    if (!this.running) return;
    const inScope = (ns: string) => namespace === undefined || ns === namespace;
    const checks: Array<Promise<void>> = [];
    for (const ref of this.book.trackedPods()) {
      if (ref.cluster !== this.options.cluster || !inScope(ref.namespace)) continue;
      const cached = this.watcher.get(ref.namespace, ref.pod);
      if (!cached || imagePullFailures(cached).length === 0) checks.push(this.detector.check(ref.namespace, ref.pod, 'watcher'));
    }
    for (const pod of this.watcher.list()) if (inScope(pod.metadata?.namespace ?? '')) this.detector.observe(pod as V1Pod);
    await Promise.all(checks);
    this.log.debug('resynced with the pod cache', { namespace: namespace ?? 'all', checked: checks.length });
  }

  private async drainInbox(): Promise<void> {
    if (!this.running) return;
    try {
      const docs = await this.options.store.list<{ namespace: string; pod: string }>(ALERT_COLLECTIONS.inbox);
      for (const doc of docs) {
        if (!(await this.options.store.delete(ALERT_COLLECTIONS.inbox, doc.id, doc.etag).catch(() => false))) continue;
        if (typeof doc.value?.namespace === 'string' && typeof doc.value?.pod === 'string')
          await this.checkPod(doc.value.namespace, doc.value.pod, 'alertmanager');
      }
    } catch (error) {
      this.log.warn('could not read the Alertmanager inbox', { code: describeError(error).code });
    }
  }

  private async housekeeping(): Promise<void> {
    const retentionMs = Math.max(7 * DAY_MS, 2 * this.options.quietWindowMs);
    const live = await this.book.prune(retentionMs);
    const now = isoTime(this.options.clock.now());
    for (const doc of await this.options.store.list<unknown>(ALERT_COLLECTIONS.deliveries)) {
      if (!isDeliveryState(doc.value)) continue;
      await updateWithRetry(this.options.store, ALERT_COLLECTIONS.deliveries, doc.id, (current) =>
        withoutStale(isDeliveryState(current) ? current : null, live, now, retentionMs),
      ).catch(() => undefined);
    }
  }

  private every(ms: number, task: () => Promise<void>): void {
    const schedule = () => {
      const timer = this.options.clock.setTimeout(() => {
        this.timers.delete(timer);
        if (!this.running) return;
        void this.tracker
          .track(task)
          .catch((error) => this.log.warn('periodic alert task failed', { code: describeError(error).code }))
          .finally(() => this.running && schedule());
      }, ms);
      this.timers.add(timer);
    };
    schedule();
  }
}
