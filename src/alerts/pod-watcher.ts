import type { Informer, KubeConfig, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { podInformer } from '../clients/kubernetes/kubernetes-apis.js';
import { toKubernetesError } from '../clients/kubernetes/kubernetes-reader.js';
import { silentLogger, type Logger } from '../logging/index.js';
import { Backoff, type AlertMetrics, type Clock } from './machinery.js';

export interface PodWatcherHandlers {
  /** A pod was listed, added or changed. */
  onPod(pod: V1Pod): void;
  /** A pod was deleted (or vanished from a relist). */
  onPodDeleted(pod: V1Pod): void;
  /** A (re)start listed the pods: the cache is complete for these namespaces (undefined: every namespace). */
  onSynced(namespace: string | undefined): void;
}

export interface PodWatcherOptions extends PodWatcherHandlers {
  kubeConfig: KubeConfig;
  /** Namespaces to watch (one informer each); empty: every namespace. */
  namespaces: readonly string[];
  clock: Clock;
  metrics: AlertMetrics;
  log?: Logger | undefined;
  /** Reconnect back-off while the API server is unreachable (default 1 s doubling to 30 s, jittered). */
  backoff?: { initialMs: number; maxMs: number; random?: () => number } | undefined;
  /** Timeout of a list request (default 60 s). */
  listTimeoutMs?: number | undefined;
}

type PodInformer = Informer<V1Pod> & { list(namespace?: string): V1Pod[]; get(name: string, namespace?: string): V1Pod | undefined };

/**
 * Watches pods with @kubernetes/client-node's informer (list, then watch from the list's resourceVersion; the
 * informer re-watches by itself after a dropped stream and relists after 410 Gone). What the informer leaves to
 * its caller is done here: after an error (API server down, 401/403, a failed list) it is restarted after a
 * jittered, bounded back-off, for as long as the watcher runs; every successful (re)start is reported as a sync.
 */
export class PodWatcher {
  private readonly informers = new Map<string | undefined, ResilientInformer>();
  private readonly log: Logger;

  constructor(private readonly options: PodWatcherOptions) {
    this.log = (options.log ?? silentLogger()).child({ component: 'pod-watcher' });
  }

  async start(): Promise<void> {
    const scopes: Array<string | undefined> = this.options.namespaces.length > 0 ? [...this.options.namespaces] : [undefined];
    for (const namespace of scopes) {
      const informer = podInformer(this.options.kubeConfig, namespace, this.options.listTimeoutMs ?? 60_000);
      const resilient = new ResilientInformer(
        informer as PodInformer,
        namespace,
        this.options,
        this.log.child(namespace ? { namespace } : {}),
      );
      this.informers.set(namespace, resilient);
    }
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    this.informers.clear();
  }

  /** The cached pod, if its namespace is watched and it exists. */
  get(namespace: string, name: string): V1Pod | undefined {
    const informer = this.informers.get(namespace) ?? this.informers.get(undefined);
    return informer?.get(namespace, name);
  }

  /** Whether pods of this namespace are watched and the cache is complete (listed since the last restart). */
  isSynced(namespace: string): boolean {
    const informer = this.informers.get(namespace) ?? this.informers.get(undefined);
    return informer?.synced ?? false;
  }

  /** Every cached pod. */
  list(): V1Pod[] {
    return [...this.informers.values()].flatMap((i) => i.list());
  }
}

class ResilientInformer {
  private stopped = false;
  private errors = 0;
  private restartTimer: unknown;
  private readonly backoff: Backoff;
  synced = false;

  constructor(
    private readonly informer: PodInformer,
    private readonly namespace: string | undefined,
    private readonly options: PodWatcherOptions,
    private readonly log: Logger,
  ) {
    this.backoff = new Backoff(options.backoff ?? { initialMs: 1000, maxMs: 30_000 });
    informer.on('add', (pod) => this.options.onPod(pod));
    informer.on('update', (pod) => this.options.onPod(pod));
    informer.on('delete', (pod) => this.options.onPodDeleted(pod));
    informer.on('error', (error) => this.failed(error));
  }

  get(namespace: string, name: string): V1Pod | undefined {
    return this.informer.get(name, namespace);
  }

  list(): V1Pod[] {
    return this.informer.list();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    const errorsBefore = this.errors;
    try {
      await this.informer.start();
    } catch (error) {
      this.failed(error);
    }
    if (this.stopped || this.errors !== errorsBefore) return;
    this.backoff.reset();
    this.synced = true;
    this.options.onSynced(this.namespace);
  }

  private failed(error: unknown): void {
    this.errors += 1;
    this.synced = false;
    if (this.stopped) return;
    const failure = toKubernetesError(
      error,
      { verb: 'watch', resource: 'pods', namespace: this.namespace },
      { server: this.options.kubeConfig.getCurrentCluster()?.server ?? '', timeoutMs: 0 },
    );
    const wait = this.backoff.next();
    this.options.metrics.inc('alert_watch_errors_total');
    this.log.warn('pod watch failed; restarting after a back-off', {
      code: failure.code,
      reason: failure.message,
      attempt: this.backoff.attempts,
      waitMs: wait,
    });
    this.options.clock.clearTimeout(this.restartTimer);
    this.restartTimer = this.options.clock.setTimeout(() => {
      this.options.metrics.inc('alert_watch_restarts_total');
      void this.run();
    }, wait);
  }
}

export type { KubernetesObject };
