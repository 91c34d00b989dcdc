import type { CoordinationV1Api, KubeConfig, V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { coordinationV1Api, isApiStatus, microTime } from '../clients/kubernetes/kubernetes-apis.js';
import { describeError } from '../errors/index.js';
import { toKubernetesError } from '../clients/kubernetes/kubernetes-reader.js';
import { silentLogger, type Logger } from '../logging/index.js';
import { delay, type AlertMetrics, type Clock } from './machinery.js';

export interface LeaderElectorOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  leaseName: string;
  /** Unique per process: the pod name plus a random suffix. */
  identity: string;
  clock: Clock;
  /** How long a lease holds without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** A leader that could not renew for this long steps down (default 10 s; must be below the lease duration). */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew (default 2 s; followers add up to 20 % jitter). */
  retryPeriodMs?: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
  metrics?: AlertMetrics;
  log?: Logger;
  random?: () => number;
  /** Per-request timeout (default: the renew deadline). */
  requestTimeoutMs?: number;
}

interface ObservedLease {
  holder: string;
  renewTime: string;
  resourceVersion: string;
  leaseDurationMs: number;
  /** Our clock when we first saw this record: expiry is judged from it, not from the holder's clock. */
  observedAt: number;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, the way client-go's leaderelection does it: the leader renews
 * every retry period with compare-and-swap on resourceVersion; a follower takes the lease once it has not seen it
 * change for a lease duration (by its own clock); a leader that cannot renew within the renew deadline steps down
 * before anyone else may take over; `stop()` (SIGTERM) releases the lease so a follower takes over at once.
 */
export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly log: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed: ObservedLease | undefined;
  private leading = false;
  private lastRenewal = 0;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly options: LeaderElectorOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!(this.renewDeadlineMs < this.leaseDurationMs)) throw new RangeError('the renew deadline must be shorter than the lease duration');
    if (this.leaseDurationMs % 1000 !== 0) throw new RangeError('the lease duration is a whole number of seconds');
    this.api = coordinationV1Api(options.kubeConfig, options.requestTimeoutMs ?? this.renewDeadlineMs);
    this.log = (options.log ?? silentLogger()).child({
      component: 'leader-election',
      lease: `${options.namespace}/${options.leaseName}`,
      identity: options.identity,
    });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get identity(): string {
    return this.options.identity;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader steps down and releases the lease (holder cleared) so another replica takes over at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    if (this.leading) {
      await this.stepDown('stopping');
      await this.release();
    }
  }

  private async run(): Promise<void> {
    const random = this.options.random ?? Math.random;
    while (!this.abort.signal.aborted) {
      const acquired = await this.tryAcquireOrRenew();
      if (this.abort.signal.aborted) return;
      const now = this.options.clock.now();
      if (acquired) {
        this.lastRenewal = now;
        if (!this.leading) {
          this.leading = true;
          this.options.metrics?.inc('alert_leader_transitions_total');
          this.log.info('became the leader: this replica watches pods and sends alerts');
          await this.callback(this.options.onStartedLeading, 'onStartedLeading');
        }
      } else if (this.leading && (now - this.lastRenewal >= this.renewDeadlineMs || this.heldByOther())) {
        await this.stepDown(this.heldByOther() ? 'another replica holds the lease' : 'could not renew within the renew deadline');
      }
      const wait = this.leading ? this.retryPeriodMs : this.retryPeriodMs * (1 + 0.2 * random());
      await delay(this.options.clock, wait, this.abort.signal);
    }
  }

  private heldByOther(): boolean {
    return this.observed !== undefined && this.observed.holder !== '' && this.observed.holder !== this.options.identity;
  }

  private async stepDown(reason: string): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.log.warn('stopped leading', { reason });
    await this.callback(this.options.onStoppedLeading, 'onStoppedLeading');
  }

  private async callback(fn: () => void | Promise<void>, name: string): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.log.error(`${name} failed`, { code: describeError(error).code, error });
    }
  }

  private microTime(ms: number): V1MicroTime {
    return microTime(ms);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, leaseName: name, identity } = this.options;
    const now = this.options.clock.now();
    const durationSeconds = this.leaseDurationMs / 1000;
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (isApiStatus(error, 404)) {
        try {
          const created = await this.api.createNamespacedLease({
            namespace,
            body: {
              apiVersion: 'coordination.k8s.io/v1',
              kind: 'Lease',
              metadata: { name, namespace },
              spec: {
                holderIdentity: identity,
                leaseDurationSeconds: durationSeconds,
                acquireTime: this.microTime(now),
                renewTime: this.microTime(now),
                leaseTransitions: 0,
              },
            },
          });
          this.observe(created, now);
          return true;
        } catch (createError) {
          this.report('create', createError);
          return false;
        }
      }
      this.report('get', error);
      return false;
    }
    this.observe(lease, now);
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const expired = this.observed!.observedAt + this.observed!.leaseDurationMs <= now;
    if (holder !== '' && holder !== identity && !expired) return false;
    const mine = holder === identity;
    const next: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...lease.metadata, name, namespace },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: mine && spec.acquireTime ? this.microTime(Date.parse(String(spec.acquireTime))) : this.microTime(now),
        renewTime: this.microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      },
    };
    try {
      const replaced = await this.api.replaceNamespacedLease({ name, namespace, body: next });
      this.observe(replaced, now);
      if (!mine) this.log.info('acquired the lease', { previousHolder: holder || null });
      return true;
    } catch (error) {
      if (isApiStatus(error, 409)) {
        this.log.debug('lost a race for the lease (resourceVersion changed)');
        return false;
      }
      this.report('update', error);
      return false;
    }
  }

  /** Clears the holder so that followers need not wait for the lease to expire. */
  private async release(): Promise<void> {
    const { namespace, leaseName: name, identity } = this.options;
    try {
      const lease = await this.api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      const now = this.options.clock.now();
      await this.api.replaceNamespacedLease({
        name,
        namespace,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: lease.metadata ?? { name, namespace },
          spec: {
            holderIdentity: '',
            leaseDurationSeconds: 1,
            acquireTime: this.microTime(now),
            renewTime: this.microTime(now),
            leaseTransitions: lease.spec?.leaseTransitions ?? 0,
          },
        },
      });
      this.log.info('released the lease');
    } catch (error) {
      this.report('release', error);
    }
  }

  private observe(lease: V1Lease, now: number): void {
    const record = {
      holder: lease.spec?.holderIdentity ?? '',
      renewTime: String(lease.spec?.renewTime ?? ''),
      resourceVersion: lease.metadata?.resourceVersion ?? '',
      leaseDurationMs: (lease.spec?.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000,
    };
    const o = this.observed;
    if (!o || o.holder !== record.holder || o.renewTime !== record.renewTime || o.resourceVersion !== record.resourceVersion) {
      this.observed = { ...record, observedAt: now };
    }
  }

  private report(verb: 'get' | 'create' | 'update' | 'release', error: unknown): void {
    const failure = toKubernetesError(
      error,
      { verb: 'get', resource: 'leases', apiGroup: 'coordination.k8s.io', namespace: this.options.namespace, name: this.options.leaseName },
      { server: this.options.kubeConfig.getCurrentCluster()?.server ?? '', timeoutMs: this.renewDeadlineMs },
    );
    this.log.warn(`could not ${verb} the lease`, { code: failure.code, reason: failure.message });
  }
}
