import type { V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import type { KubernetesReader } from '../clients/kubernetes/kubernetes-reader.js';
import { PullDoctorError } from '../errors/index.js';
import { redactText } from '../logging/redact.js';
import { classifyPullError } from './classify/classify-pull-error.js';
import { describeCause } from './classify/cause-advice.js';
import { analyzePodState, IMAGE_PROBLEM_KINDS } from './pod-state.js';
import type { Cause, ProblemKind } from './types.js';

// What is failing in a namespace (or a cluster), read from the pods' status alone: one list call, no diagnosis per
// pod, grouped by the workload that owns each pod. Transport-neutral: the bot's "what's failing" card and the
// alerts' `alerts on` / `alerts status` both read it. Also: which pod a name that is not a pod's means.

/**
 * The workload a pod belongs to, read from the pod alone (no API call): the controller owner reference, with a
 * ReplicaSet named `<deployment>-<pod-template-hash>` read as its Deployment, and a Job named
 * `<cronjob>-<minutes since the epoch>` (how the CronJob controller names its Jobs) as its CronJob. A pod without
 * an owner is its own workload.
 */
export interface WorkloadRef {
  /** `Deployment`, `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, `CronJob`, `Pod`, or another controller's kind. */
  kind: string;
  name: string;
}

/** CronJob controller v2: `fmt.Sprintf("%s-%d", cronJob.Name, scheduledTime.Unix()/60)` — eight digits or more today. */
const CRONJOB_JOB_NAME = /^(.+)-(\d{8,})$/;

function controllerOf(pod: V1Pod): V1OwnerReference | undefined {
  const owners = pod.metadata?.ownerReferences ?? [];
  return owners.find((o) => o.controller === true) ?? owners[0];
}

export function workloadOf(pod: V1Pod): WorkloadRef {
  const owner = controllerOf(pod);
  const podName = pod.metadata?.name ?? '';
  if (!owner?.kind || !owner.name) return { kind: 'Pod', name: podName };
  if (owner.kind === 'ReplicaSet') {
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`) && owner.name.length > hash.length + 1) {
      return { kind: 'Deployment', name: owner.name.slice(0, -(hash.length + 1)) };
    }
    return { kind: 'ReplicaSet', name: owner.name };
  }
  if (owner.kind === 'Job') {
    const cron = owner.name.match(CRONJOB_JOB_NAME);
    if (cron) return { kind: 'CronJob', name: cron[1]! };
    return { kind: 'Job', name: owner.name };
  }
  return { kind: owner.kind, name: owner.name };
}

/** One failing pod, as its status shows it. Text is redacted and bounded, but still cluster-sourced: make it inert. */
export interface FailingPod {
  namespace: string;
  pod: string;
  workload: WorkloadRef;
  /** kubectl's word for it: ImagePullBackOff, ErrImagePull, CrashLoopBackOff, CreateContainerConfigError, Unschedulable, Pending, Error, Evicted, NotReady… */
  state: string;
  /** The kind of problem; `not-ready` for a pod that runs but has not been ready for a while. */
  kind: ProblemKind | 'not-ready';
  /** The pod cannot get its image (image-pull, invalid-image-name, image-never-pull). */
  pullFailure: boolean;
  /** The likely cause in plain words, from the status alone (a diagnosis says more). */
  likelyCause: string;
  /** The pull error's cause, when the status carries the runtime's words and they classify. */
  cause?: Cause;
  /** The failing container and its image, when one container is to blame. */
  container?: string;
  image?: string;
  /** Restarts of all its containers. */
  restarts: number;
  /** ISO time the pod stopped being ready (or was created). */
  since?: string;
}

export interface FailingWorkload {
  namespace: string;
  workload: WorkloadRef;
  /** The failing pods shown, by name. */
  pods: FailingPod[];
  /** All failing pods of the workload (some may be past the report's bound). */
  failing: number;
}

export interface FailingPodsReport {
  /** Absent: every namespace. */
  namespace?: string;
  cluster?: string;
  listedAt: string;
  /** Pods listed. */
  podCount: number;
  failingCount: number;
  /** Workloads with the most failing pods first. */
  groups: FailingWorkload[];
  /** Failing pods past the bound, not in `groups` ("N more"). */
  omitted: number;
}

export interface FailingPodsScope {
  namespace?: string | undefined;
  cluster?: string | undefined;
}

/** At most this many pods are listed in a report; the rest are counted. */
export const FAILING_PODS_LIMIT = 20;
/** A pod still pending or not ready after this long is failing; before, it may just be starting. */
export const STARTING_GRACE_MS = 5 * 60_000;
const MAX_CAUSE_CHARS = 300;

const bounded = (text: string): string => {
  const line = redactText(text).replace(/\s+/g, ' ').trim();
  return line.length > MAX_CAUSE_CHARS ? `${line.slice(0, MAX_CAUSE_CHARS - 1)}…` : line;
};

const PROBLEM_CAUSES: Record<ProblemKind, string> = {
  'image-pull': 'The image cannot be pulled',
  'invalid-image-name': 'The image name is not valid',
  'image-never-pull': 'The pull policy is Never and the image is not on the node',
  'container-config': 'The container cannot be created from its configuration',
  'crash-loop': 'The container keeps crashing after it starts',
  'oom-killed': 'The container is killed for using more memory than its limit',
  unschedulable: 'No node can take the pod',
  pending: 'The pod is still pending',
  'terminated-error': 'The container exited with an error',
};

/** Kubelet ≥ 1.32 appends the last pull error to the back-off message; older ones say only "Back-off pulling image". */
const BACK_OFF_ONLY = /^back-off pulling image "[^"]*"$/i;

function likelyCause(kind: ProblemKind, message: string | undefined, image: string): { text: string; cause?: Cause } {
  const base = PROBLEM_CAUSES[kind];
  if (kind === 'image-pull' && message !== undefined && !BACK_OFF_ONLY.test(message.trim())) {
    const cause = classifyPullError(message);
    if (cause !== 'other') return { text: describeCause(cause).title, cause };
  }
  // Before kubelet 1.32 the back-off says only "Back-off pulling image": why is in the events, which Diagnose reads.
  if (kind === 'image-pull') return { text: image === '' ? base : `Cannot pull ${image}` };
  if (message === undefined || message.trim() === '') return { text: base };
  // The status's own words say which key, which node shortage, which exit code.
  const firstLine = message.split('\n').find((l) => l.trim() !== '') ?? '';
  return { text: `${base}: ${firstLine.replace(/^Last run: /, 'last run ')}` };
}

function timeOf(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** When the pod stopped being ready: the Ready condition's last change, else its creation. */
function sinceOf(pod: V1Pod): string | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return (ready?.status === 'False' ? timeOf(ready.lastTransitionTime) : undefined) ?? timeOf(pod.metadata?.creationTimestamp);
}

/** The failing state of one pod, or undefined when it is healthy, done, going away, or still starting. Pure. */
export function failingPodOf(pod: V1Pod, now: Date = new Date()): FailingPod | undefined {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name;
  if (!name || pod.metadata?.deletionTimestamp) return undefined;
  const analysis = analyzePodState(pod);
  if (analysis.healthy || analysis.phase === 'Succeeded') return undefined;
  const restarts = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].reduce(
    (sum, s) => sum + (s.restartCount ?? 0),
    0,
  );
  const since = sinceOf(pod);
  const base = { namespace, pod: name, workload: workloadOf(pod), restarts, ...(since ? { since } : {}) };
  const problem = analysis.problems[0];
  if (problem) {
    const { text, cause } = likelyCause(problem.kind, problem.message, problem.image);
    const failing: FailingPod = {
      ...base,
      state: problem.reason,
      kind: problem.kind,
      pullFailure: IMAGE_PROBLEM_KINDS.has(problem.kind),
      likelyCause: bounded(text),
    };
    if (cause) failing.cause = cause;
    if (problem.container) failing.container = problem.container;
    if (problem.image) failing.image = bounded(problem.image);
    return failing;
  }
  // No container in a failing state: pending or not ready. Only a while after it began is that a failure.
  const began = since ? Date.parse(since) : NaN;
  if (!Number.isNaN(began) && now.getTime() - began < STARTING_GRACE_MS) return undefined;
  const waiting = pod.status?.containerStatuses?.find((s) => s.state?.waiting?.reason)?.state?.waiting?.reason;
  if (analysis.phase === 'Running') {
    return {
      ...base,
      state: 'NotReady',
      kind: 'not-ready',
      pullFailure: false,
      likelyCause: bounded(`${analysis.readyCount} of ${analysis.containerCount} containers ready: a readiness probe may be failing`),
    };
  }
  const phase = analysis.phase === 'Pending' ? (waiting ?? 'Pending') : analysis.phase;
  return {
    ...base,
    state: bounded(phase),
    kind: 'pending',
    pullFailure: false,
    likelyCause: bounded(analysis.unexplained ?? PROBLEM_CAUSES.pending),
  };
}

const groupKey = (p: FailingPod) => `${p.namespace}\u0000${p.workload.kind}\u0000${p.workload.name}`;

/** Groups the failing pods among `pods` by workload, most failing first, and keeps `limit` pods in all. Pure. */
export function failingPodsReport(
  pods: readonly V1Pod[],
  scope: FailingPodsScope,
  options: { limit?: number | undefined; now?: Date | undefined } = {},
): FailingPodsReport {
  const now = options.now ?? new Date();
  const limit = Math.max(0, options.limit ?? FAILING_PODS_LIMIT);
  const byWorkload = new Map<string, FailingWorkload>();
  let failingCount = 0;
  for (const pod of pods) {
    const failing = failingPodOf(pod, now);
    if (!failing) continue;
    failingCount += 1;
    const key = groupKey(failing);
    const group = byWorkload.get(key) ?? { namespace: failing.namespace, workload: failing.workload, pods: [], failing: 0 };
    group.pods.push(failing);
    group.failing += 1;
    byWorkload.set(key, group);
  }
  const ordered = [...byWorkload.values()].sort(
    (a, b) =>
      b.failing - a.failing ||
      a.namespace.localeCompare(b.namespace) ||
      a.workload.name.localeCompare(b.workload.name) ||
      a.workload.kind.localeCompare(b.workload.kind),
  );
  const groups: FailingWorkload[] = [];
  let shown = 0;
  for (const group of ordered) {
    if (shown >= limit) break;
    const podsShown = group.pods.sort((a, b) => a.pod.localeCompare(b.pod)).slice(0, limit - shown);
    shown += podsShown.length;
    groups.push({ ...group, pods: podsShown });
  }
  const report: FailingPodsReport = {
    listedAt: now.toISOString(),
    podCount: pods.length,
    failingCount,
    groups,
    omitted: failingCount - shown,
  };
  if (scope.namespace !== undefined) report.namespace = scope.namespace;
  if (scope.cluster !== undefined) report.cluster = scope.cluster;
  return report;
}

/**
 * The failing pods of a namespace (or of every namespace): one list call, read from the pods' status. An empty
 * namespace that does not exist is NAMESPACE_NOT_FOUND (one more call, only then); Kubernetes failures are thrown as
 * the reader's PullDoctorErrors.
 */
export async function listFailingPods(
  kube: KubernetesReader,
  scope: FailingPodsScope,
  options: { limit?: number | undefined; now?: (() => Date) | undefined } = {},
): Promise<FailingPodsReport> {
  const { namespace } = scope;
  const pods = namespace === undefined ? await kube.listPodsInAllNamespaces() : await kube.listPods(namespace);
  if (namespace !== undefined && pods.length === 0 && !(await kube.namespaceExists(namespace))) {
    throw new PullDoctorError('NAMESPACE_NOT_FOUND', `There is no namespace "${namespace}".`);
  }
  return failingPodsReport(pods, scope, { limit: options.limit, now: options.now?.() });
}

/** Which pod a name that is not a pod's means: one pod, a choice, or none. */
export type PodNameMatch =
  | { kind: 'pod'; pod: V1Pod; how: 'workload' | 'prefix' }
  /** `candidates`: at most POD_CHOICE_LIMIT of the `count` pods, the failing ones first. */
  | { kind: 'several'; how: 'workload' | 'prefix'; candidates: string[]; count: number; workload?: WorkloadRef }
  | { kind: 'none' };

/** A choice offers at most this many pods. */
export const POD_CHOICE_LIMIT = 5;

/** The failing ones first, then by name; at most POD_CHOICE_LIMIT. */
function choice(pods: readonly V1Pod[], now: Date): string[] {
  return pods
    .map((p) => ({ name: p.metadata?.name ?? '', failing: failingPodOf(p, now) !== undefined }))
    .sort((a, b) => Number(b.failing) - Number(a.failing) || a.name.localeCompare(b.name))
    .slice(0, POD_CHOICE_LIMIT)
    .map((p) => p.name);
}

/**
 * Which of `pods` (one namespace's) a name means when no pod has it: the pods of a workload of that name
 * (`web` → the Deployment web's pods: its one failing pod, or its one pod, else a choice with the failing ones first),
 * else the pods whose names start with it (`web-7d4c9` → `web-7d4c9b6f5-x2k8p`: one, else a choice). Pure.
 */
export function resolvePodName(name: string, pods: readonly V1Pod[], now: Date = new Date()): PodNameMatch {
  if (name === '') return { kind: 'none' };
  const live = pods.filter((p) => p.metadata?.name && !p.metadata.deletionTimestamp);
  const ofWorkload = live.filter((p) => {
    const workload = workloadOf(p);
    return workload.kind !== 'Pod' && (workload.name === name || controllerOf(p)?.name === name);
  });
  if (ofWorkload.length > 0) {
    const failing = ofWorkload.filter((p) => failingPodOf(p, now) !== undefined);
    const only = failing.length === 1 ? failing[0] : ofWorkload.length === 1 ? ofWorkload[0] : undefined;
    if (only) return { kind: 'pod', pod: only, how: 'workload' };
    return {
      kind: 'several',
      how: 'workload',
      candidates: choice(ofWorkload, now),
      count: ofWorkload.length,
      workload: workloadOf(ofWorkload[0]!),
    };
  }
  const prefixed = live.filter((p) => p.metadata!.name!.startsWith(name));
  if (prefixed.length === 1) return { kind: 'pod', pod: prefixed[0]!, how: 'prefix' };
  if (prefixed.length > 1) return { kind: 'several', how: 'prefix', candidates: choice(prefixed, now), count: prefixed.length };
  return { kind: 'none' };
}
