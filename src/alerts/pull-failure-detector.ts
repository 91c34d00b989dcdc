import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import { describeError } from '../errors/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import { redactText } from '../logging/redact.js';
import { parseImageReference } from '../diagnosis/image/image-reference.js';
import { IMAGE_PULL_REASONS } from '../diagnosis/pod-state.js';
import type { Diagnosis, DiagnosisTarget } from '../diagnosis/types.js';
import { ActivityTracker, Backoff, delay, isoTime, type AlertMetrics, type Clock } from './machinery.js';
import { workloadOf, type WorkloadRef } from '../diagnosis/failing-pods.js';
import type { AlertDiagnosisSummary, AlertSource } from './alert-record.js';

/** What the detector asks of the rest: diagnose a pod (a DiagnosisTarget), raise or clear its part in an alert. */
export interface FailureSink {
  /** The pod is failing to pull after its grace period: count it in its group's alert. */
  raise(report: {
    namespace: string;
    pod: string;
    workload: WorkloadRef;
    diagnosis: Diagnosis | null;
    summary: AlertDiagnosisSummary;
    source: AlertSource;
  }): Promise<void>;
  /** The pod no longer fails (or is gone). */
  recover(namespace: string, pod: string): Promise<void>;
  /** Whether a firing alert already counts this pod. */
  isTracked(namespace: string, pod: string): boolean;
}

export interface PullFailureDetectorOptions {
  cluster: string;
  reader: KubernetesReader;
  diagnose: (target: DiagnosisTarget) => Promise<Diagnosis>;
  sink: FailureSink;
  clock: Clock;
  gracePeriodMs: number;
  metrics: AlertMetrics;
  log?: Logger | undefined;
  /** Diagnoses running at once (default 4). */
  concurrency?: number | undefined;
  /** A diagnosis of a pod of the same workload and image this recent is reused (default 60 s; 0 turns it off). */
  reuseMs?: number | undefined;
  /** Attempts to re-read a pod when the API server fails (default 5, backing off from 2 s). */
  readAttempts?: number | undefined;
  /**
   * How long an alerted pod that was deleted keeps its place while a replacement may fail in its stead (default 60 s;
   * see `hold`).
   */
  handoverMs?: number | undefined;
  tracker?: ActivityTracker | undefined;
}

const MAX_EVENTS = 15;
const MAX_KEY_EVENT_CHARS = 600;

/** The default of `handoverMs`: long enough for a controller to create the replacement and its first pull to fail. */
export const DEFAULT_HANDOVER_MS = 60_000;

/**
 * Turns pod updates into alerts: a pod whose container or init container enters ErrImagePull or ImagePullBackOff
 * starts a grace period; when it ends the pod is read again and, if it still fails, diagnosed and reported. A pod
 * that recovers (or is deleted) within the grace period produces nothing; one that recovers later clears its part
 * of the alert. Diagnoses run a few at a time; pods of one workload failing on one image share a recent one.
 *
 * An alerted pod that is deleted is not taken for a recovery at once: the first thing on-call does with a pod in
 * ImagePullBackOff is `kubectl delete pod`, and its controller's replacement fails the same way seconds later. Its
 * part is held for `handoverMs`; a pod of the same workload that fails to pull meanwhile (or was already in its grace
 * period) is checked at once — the workload's outage is past its grace period already — and counted before the
 * deleted pod is let go, so the alert goes on firing since the start of the outage instead of turning resolved and
 * coming back as a new message. When no pod of the workload fails within `handoverMs`, the alert resolves then.
 */
export class PullFailureDetector {
  private readonly timers = new Map<string, unknown>();
  /** Pod id → its workload's id, while the pod is in its grace period. */
  private readonly graceWorkload = new Map<string, string>();
  /** Workload id → the deleted pods whose part is held, and when they are let go. */
  private readonly handovers = new Map<string, { namespace: string; pods: Set<string>; timer: unknown }>();
  private readonly reused = new Map<string, { at: number; diagnosis: Diagnosis | null; summary: AlertDiagnosisSummary }>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly diagnosing = new Map<string, Promise<{ diagnosis: Diagnosis | null; summary: AlertDiagnosisSummary }>>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  private stopped = false;
  private readonly log: Logger;
  readonly tracker: ActivityTracker;

  constructor(private readonly options: PullFailureDetectorOptions) {
    this.log = (options.log ?? silentLogger()).child({ component: 'pull-failure-detector' });
    this.tracker = options.tracker ?? new ActivityTracker();
  }

  /** Pods in their grace period. */
  get pending(): number {
    return this.timers.size;
  }

  observe(pod: V1Pod): void {
    const namespace = pod.metadata?.namespace;
    const name = pod.metadata?.name;
    if (this.stopped || !namespace || !name) return;
    const id = `${namespace}/${name}`;
    if (imagePullFailures(pod).length > 0) {
      const workload = workloadId(namespace, workloadOf(pod));
      const handover = this.handovers.get(workload);
      // A pod recreated under the same name (a StatefulSet's) failing again: it stays counted, nothing to let go.
      if (handover?.pods.delete(name) && handover.pods.size === 0) this.endHandover(workload);
      if (this.timers.has(id) || this.inFlight.has(id) || this.options.sink.isTracked(namespace, name)) return;
      if (this.handovers.has(workload)) {
        this.takeOver(workload, namespace, name);
        return;
      }
      this.graceWorkload.set(id, workload);
      this.timers.set(
        id,
        this.options.clock.setTimeout(() => {
          this.timers.delete(id);
          this.graceWorkload.delete(id);
          void this.checkQuietly(namespace, name);
        }, this.options.gracePeriodMs),
      );
      return;
    }
    this.cancel(id);
    if (!this.options.sink.isTracked(namespace, name)) return;
    if (pod.metadata?.deletionTimestamp) this.hold(namespace, name, pod);
    else void this.tracker.track(() => this.recover(namespace, name));
  }

  forget(pod: V1Pod): void {
    const namespace = pod.metadata?.namespace;
    const name = pod.metadata?.name;
    if (!namespace || !name) return;
    this.cancel(`${namespace}/${name}`);
    if (this.options.sink.isTracked(namespace, name)) this.hold(namespace, name, pod);
  }

  /** An alerted pod is being deleted: its part in the alert is held until a replacement fails or `handoverMs` passes. */
  private hold(namespace: string, name: string, pod: V1Pod): void {
    const workload = workloadId(namespace, workloadOf(pod));
    let handover = this.handovers.get(workload);
    if (!handover) {
      const timer = this.options.clock.setTimeout(() => this.endHandover(workload), this.options.handoverMs ?? DEFAULT_HANDOVER_MS);
      this.handovers.set(workload, (handover = { namespace, pods: new Set(), timer }));
    }
    if (handover.pods.has(name)) return;
    handover.pods.add(name);
    this.log.debug('an alerted pod is going away: waiting for a replacement before letting it go', { namespace, pod: name });
    for (const [id, inGrace] of [...this.graceWorkload]) {
      if (inGrace === workload) this.takeOver(workload, namespace, id.slice(namespace.length + 1));
    }
  }

  /** A pod of a workload whose alerted pod went away fails to pull: checked now, then the pods held are let go. */
  private takeOver(workload: string, namespace: string, name: string): void {
    this.log.info('a replacement of an alerted pod fails to pull: checked without a grace period', { namespace, pod: name });
    void this.checkQuietly(namespace, name).finally(() => this.endHandover(workload));
  }

  /** `check` for the watcher's own timers: a failure (the store refusing the alert) is logged, never thrown away unseen. */
  private async checkQuietly(namespace: string, name: string): Promise<void> {
    try {
      await this.check(namespace, name, 'watcher');
    } catch (error) {
      this.log.error('could not record a pod that fails to pull; it is checked again when it changes or the watch resyncs', {
        namespace,
        pod: name,
        code: describeError(error).code,
      });
    }
  }

  /** Lets the held pods go: each clears its part of the alert (which resolves if nothing took over). */
  private endHandover(workload: string): void {
    const handover = this.handovers.get(workload);
    if (!handover) return;
    this.handovers.delete(workload);
    this.options.clock.clearTimeout(handover.timer);
    for (const pod of handover.pods) {
      if (this.options.sink.isTracked(handover.namespace, pod)) void this.tracker.track(() => this.recover(handover.namespace, pod));
    }
  }

  /** Reads the pod now, without a grace period (Alertmanager already waited its `for:`), and reports what it finds. */
  check(namespace: string, name: string, source: AlertSource): Promise<void> {
    const id = `${namespace}/${name}`;
    this.cancel(id);
    const existing = this.inFlight.get(id);
    if (existing) return existing;
    const run = this.tracker.track(() => this.evaluate(namespace, name, source)).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, run);
    return run;
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) this.options.clock.clearTimeout(timer);
    this.timers.clear();
    this.graceWorkload.clear();
    for (const handover of this.handovers.values()) this.options.clock.clearTimeout(handover.timer);
    this.handovers.clear();
    for (const wake of this.waiting.splice(0)) wake();
    return this.tracker.whenQuiet();
  }

  private cancel(id: string): void {
    this.graceWorkload.delete(id);
    const timer = this.timers.get(id);
    if (timer !== undefined) {
      this.options.clock.clearTimeout(timer);
      this.timers.delete(id);
    }
  }

  private async evaluate(namespace: string, name: string, source: AlertSource): Promise<void> {
    const pod = await this.readPod(namespace, name);
    if (this.stopped || pod === undefined) return;
    const failures = pod === null ? [] : imagePullFailures(pod);
    if (pod === null || failures.length === 0) {
      this.log.debug('pod no longer fails to pull', { namespace, pod: name });
      if (this.options.sink.isTracked(namespace, name)) await this.recover(namespace, name);
      return;
    }
    const workload = workloadOf(pod);
    const image = failures[0]!.image;
    const { diagnosis, summary } = await this.diagnosis(namespace, name, workload, image);
    if (this.stopped) return;
    if (diagnosis && !diagnosis.problems.some((p) => p.kind === 'image-pull')) {
      this.log.info('pod recovered while it was diagnosed', { namespace, pod: name });
      return;
    }
    await this.options.sink.raise({ namespace, pod: name, workload, diagnosis, summary, source });
  }

  /** The pod, null when it is gone, undefined when it could not be read (logged; the alert is not lost: retried). */
  private async readPod(namespace: string, name: string): Promise<V1Pod | null | undefined> {
    const attempts = this.options.readAttempts ?? 5;
    const backoff = new Backoff({ initialMs: 2000, maxMs: 30_000 });
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.options.reader.readPod(namespace, name);
      } catch (error) {
        const advice = describeError(error);
        if (attempt >= attempts || this.stopped) {
          this.log.error(
            'could not read a failing pod after its grace period; it will be checked again when it changes or the watch resyncs',
            { namespace, pod: name, code: advice.code },
          );
          return undefined;
        }
        this.log.warn('could not read a failing pod; retrying', { namespace, pod: name, code: advice.code, attempt });
        await this.tracker.idleWhile(delay(this.options.clock, backoff.next()));
      }
    }
  }

  private async diagnosis(
    namespace: string,
    pod: string,
    workload: WorkloadRef,
    image: string,
  ): Promise<{ diagnosis: Diagnosis | null; summary: AlertDiagnosisSummary }> {
    const reuseMs = this.options.reuseMs ?? 60_000;
    const reuseKey = JSON.stringify([namespace, workload.kind, workload.name, image]);
    const recent = this.reused.get(reuseKey);
    if (reuseMs > 0 && recent && this.options.clock.now() - recent.at < reuseMs) {
      this.options.metrics.inc('alert_diagnoses_reused_total');
      return { diagnosis: recent.diagnosis, summary: { ...recent.summary } };
    }
    const running = reuseMs > 0 ? this.diagnosing.get(reuseKey) : undefined;
    if (running) {
      this.options.metrics.inc('alert_diagnoses_reused_total');
      const shared = await this.tracker.idleWhile(running);
      return { diagnosis: shared.diagnosis, summary: { ...shared.summary } };
    }
    const fresh = this.diagnoseNow(namespace, pod, image, reuseKey, reuseMs);
    this.diagnosing.set(reuseKey, fresh);
    try {
      return await fresh;
    } finally {
      this.diagnosing.delete(reuseKey);
    }
  }

  private async diagnoseNow(
    namespace: string,
    pod: string,
    image: string,
    reuseKey: string,
    reuseMs: number,
  ): Promise<{ diagnosis: Diagnosis | null; summary: AlertDiagnosisSummary }> {
    await this.slot();
    try {
      const target: DiagnosisTarget = { namespace, pod, cluster: this.options.cluster };
      this.options.metrics.inc('alert_diagnoses_total');
      const diagnosis = await this.options.diagnose(target);
      const result = { diagnosis, summary: summarize(diagnosis, image) };
      this.reused.set(reuseKey, { at: this.options.clock.now(), ...result });
      return result;
    } catch (error) {
      const advice = describeError(error);
      this.options.metrics.inc('alert_diagnosis_errors_total');
      this.log.warn('diagnosis failed; alerting without it', { namespace, pod, code: advice.code });
      const summary: AlertDiagnosisSummary = {
        pod,
        diagnosedAt: isoTime(this.options.clock.now()),
        fix: null,
        events: [],
        error: `${advice.title}: ${advice.message}`,
        image,
      };
      const registry = registryOf(image);
      if (registry) summary.registry = registry;
      return { diagnosis: null, summary };
    } finally {
      this.release();
      for (const [key, entry] of this.reused) if (this.options.clock.now() - entry.at >= reuseMs) this.reused.delete(key);
    }
  }

  private async slot(): Promise<void> {
    if (this.running < (this.options.concurrency ?? 4)) {
      this.running += 1;
      return;
    }
    await this.tracker.idleWhile(new Promise<void>((resolve) => this.waiting.push(resolve)));
    this.running += 1;
  }

  private release(): void {
    this.running -= 1;
    this.waiting.shift()?.();
  }

  private async recover(namespace: string, name: string): Promise<void> {
    try {
      await this.options.sink.recover(namespace, name);
    } catch (error) {
      this.log.error('could not record that a pod recovered', { namespace, pod: name, code: describeError(error).code });
    }
  }
}

const workloadId = (namespace: string, workload: WorkloadRef) => `${namespace}\u0000${workload.kind}\u0000${workload.name}`;

function registryOf(image: string): string | undefined {
  const parsed = parseImageReference(image);
  return parsed.ok ? parsed.ref.registry : undefined;
}

/** What an alert keeps of a diagnosis: ids, the image and registry, the telling event, the fix, the newest events. */
export function summarize(diagnosis: Diagnosis, fallbackImage: string): AlertDiagnosisSummary {
  const image = diagnosis.evidence.image ?? fallbackImage;
  const summary: AlertDiagnosisSummary = {
    pod: diagnosis.pod,
    diagnosedAt: diagnosis.diagnosedAt,
    image,
    fix: diagnosis.fix,
    events: diagnosis.events.slice(0, MAX_EVENTS),
  };
  const registry = diagnosis.evidence.registryHost ?? registryOf(image);
  if (registry) summary.registry = registry;
  const key = diagnosis.evidence.keyEvent;
  if (key) summary.keyEvent = redactText(`${key.reason}: ${key.message}`).slice(0, MAX_KEY_EVENT_CHARS);
  summary.headline = diagnosis.headline;
  summary.remedy = diagnosis.remedy;
  return summary;
}

/** One container (or init container) of a pod waiting because its image cannot be pulled. */
export interface ImagePullFailure {
  container: string;
  initContainer: boolean;
  image: string;
  reason: string;
}

/**
 * The containers and init containers of a pod waiting in ErrImagePull or ImagePullBackOff. Works on what the
 * informer hands over: typed objects from a list and plain JSON from a watch. A pod being deleted fails nothing.
 */
export function imagePullFailures(pod: V1Pod): ImagePullFailure[] {
  if (pod.metadata?.deletionTimestamp) return [];
  const failures: ImagePullFailure[] = [];
  const collect = (statuses: V1ContainerStatus[] | undefined, initContainer: boolean) => {
    for (const status of statuses ?? []) {
      const reason = status.state?.waiting?.reason;
      if (reason === undefined || !IMAGE_PULL_REASONS.has(reason)) continue;
      const specs = initContainer ? pod.spec?.initContainers : pod.spec?.containers;
      const image = specs?.find((c) => c.name === status.name)?.image ?? status.image ?? '';
      failures.push({ container: status.name, initContainer, image, reason });
    }
  };
  collect(pod.status?.initContainerStatuses, true);
  collect(pod.status?.containerStatuses, false);
  return failures;
}
