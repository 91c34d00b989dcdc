/**
 * Pods as an AKS cluster (containerd, Azure CNI overlay, kube-api-access projected token) returns them from
 * `GET /api/v1/namespaces/<ns>/pods/<name>`, in the states Pull Doctor diagnoses: image pull failures
 * (ErrImagePull / ImagePullBackOff / InvalidImageName, in a container or an init container), CrashLoopBackOff
 * after OOMKilled, unschedulable Pending, and healthy Running.
 */
import type { V1ContainerStatus, V1PodCondition } from '@kubernetes/client-node';
import type { Wire, WirePod } from '../wire.js';
import { containerId, imageDigest, kubeTime, podNameFor, replicaSetName, safeString, secondsBefore, aksNodeName, uidFor } from './names.js';
import { imageParts, invalidImageNameMessage, pullErrors } from './pull-errors.js';
import { replicaSetOwnerReference } from './workloads.js';

type WireContainerStatus = Wire<V1ContainerStatus>;
type WireCondition = Wire<V1PodCondition>;

export interface ContainerSpecOptions {
  name: string;
  image: string;
}

export interface PodOptions {
  namespace: string;
  /** Defaults to `<deployment>-<hash>-<suffix>` when ownerDeployment is given, else `<container>`. */
  name?: string;
  /** Image of the (first) main container. */
  image: string;
  /** Name of the main container; defaults to the deployment name, else `app`. */
  container?: string;
  /** The pod belongs to Deployment `ownerDeployment` through ReplicaSet `<ownerDeployment>-<hash>`. */
  ownerDeployment?: string;
  /** Further main containers (sidecars), running unless they are the failing one. */
  sidecars?: ContainerSpecOptions[];
  initContainers?: ContainerSpecOptions[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Defaults to an AKS node name; null means not scheduled. */
  nodeName?: string | null;
  serviceAccountName?: string;
  imagePullSecrets?: string[];
  /** Resource requests/limits of every container, e.g. `{ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '256Mi' } }`. */
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  uid?: string;
  /** "Now" for timestamps; the pod was created `ageSeconds` (default 300) before. */
  now?: Date;
  ageSeconds?: number;
}

interface Resolved {
  o: PodOptions;
  name: string;
  uid: string;
  container: string;
  node: string | null;
  now: Date;
  created: Date;
  podIP: string;
  hostIP: string;
  tokenVolume: string;
}

function resolve(o: PodOptions): Resolved {
  const container = o.container ?? o.ownerDeployment ?? 'app';
  const name = o.name ?? (o.ownerDeployment ? podNameFor(replicaSetName(o.ownerDeployment)) : container);
  const seed = `${o.namespace}/${name}`;
  const octet = (n: number) => (parseInt(safeString(`${seed}:${n}`, 1), 36) % 250) + 2;
  const now = o.now ?? new Date();
  return {
    o,
    name,
    uid: o.uid ?? uidFor(`pod:${seed}`),
    container,
    node: o.nodeName === undefined ? aksNodeName() : o.nodeName,
    now,
    created: secondsBefore(now, o.ageSeconds ?? 300),
    podIP: `10.244.${octet(1)}.${octet(2)}`,
    hostIP: '10.224.0.4',
    tokenVolume: `kube-api-access-${safeString(`token:${seed}`, 5)}`,
  };
}

function containerSpec(r: Resolved, c: ContainerSpecOptions) {
  const spec: Record<string, unknown> = {
    name: c.name,
    image: c.image,
    imagePullPolicy: imageParts(c.image).tagOrDigest === 'latest' ? 'Always' : 'IfNotPresent',
    resources: r.o.resources ?? {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts: [{ name: r.tokenVolume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
  };
  return spec;
}

function qosClass(o: PodOptions): string {
  const { requests, limits } = o.resources ?? {};
  if (!requests && !limits) return 'BestEffort';
  if (limits?.cpu && limits?.memory && (!requests || (requests.cpu === limits.cpu && requests.memory === limits.memory)))
    return 'Guaranteed';
  return 'Burstable';
}

function metadata(r: Resolved) {
  const labels: Record<string, string> = {
    ...(r.o.ownerDeployment
      ? { app: r.o.ownerDeployment, 'pod-template-hash': replicaSetName(r.o.ownerDeployment).split('-').pop()! }
      : { app: r.container }),
    ...r.o.labels,
  };
  const meta: Record<string, unknown> = {
    name: r.name,
    namespace: r.o.namespace,
    uid: r.uid,
    creationTimestamp: kubeTime(r.created),
    labels,
  };
  if (r.o.ownerDeployment) {
    meta.generateName = `${replicaSetName(r.o.ownerDeployment)}-`;
    meta.ownerReferences = [replicaSetOwnerReference(r.o.namespace, r.o.ownerDeployment)];
  }
  if (r.o.annotations) meta.annotations = r.o.annotations;
  return meta;
}

function spec(r: Resolved) {
  const sa = r.o.serviceAccountName ?? 'default';
  const s: Record<string, unknown> = {
    containers: [{ name: r.container, image: r.o.image }, ...(r.o.sidecars ?? [])].map((c) => containerSpec(r, c)),
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccount: sa,
    serviceAccountName: sa,
    terminationGracePeriodSeconds: 30,
    tolerations: [
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
    ],
    volumes: [
      {
        name: r.tokenVolume,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ],
  };
  if (r.o.initContainers?.length) s.initContainers = r.o.initContainers.map((c) => containerSpec(r, c));
  if (r.node !== null) s.nodeName = r.node;
  if (r.o.imagePullSecrets?.length) s.imagePullSecrets = r.o.imagePullSecrets.map((name) => ({ name }));
  return s;
}

function condition(type: string, status: 'True' | 'False', at: Date, reason?: string, message?: string): WireCondition {
  const c: WireCondition = { type, status, lastProbeTime: null as unknown as string, lastTransitionTime: kubeTime(at) };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

function mountStatus(r: Resolved) {
  return [
    { name: r.tokenVolume, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true, recursiveReadOnly: 'Disabled' },
  ];
}

function runningStatus(r: Resolved, c: ContainerSpecOptions): WireContainerStatus {
  const p = imageParts(c.image);
  return {
    name: c.name,
    image: p.reference,
    imageID: `${p.host}/${p.repository}@${imageDigest(c.image)}`,
    containerID: containerId(`${r.uid}/${c.name}`),
    ready: true,
    started: true,
    restartCount: 0,
    lastState: {},
    state: { running: { startedAt: kubeTime(secondsBefore(r.now, Math.max(1, (r.o.ageSeconds ?? 300) - 20))) } },
    volumeMounts: mountStatus(r),
  } as WireContainerStatus;
}

function waitingStatus(r: Resolved, c: ContainerSpecOptions, reason: string, message?: string): WireContainerStatus {
  const waiting: Record<string, string> = { reason };
  if (message !== undefined) waiting.message = message;
  return {
    name: c.name,
    image: c.image,
    imageID: '',
    ready: false,
    started: false,
    restartCount: 0,
    lastState: {},
    state: { waiting },
    volumeMounts: mountStatus(r),
  } as WireContainerStatus;
}

function completedInitStatus(r: Resolved, c: ContainerSpecOptions): WireContainerStatus {
  const p = imageParts(c.image);
  const id = containerId(`${r.uid}/${c.name}`);
  return {
    name: c.name,
    image: p.reference,
    imageID: `${p.host}/${p.repository}@${imageDigest(c.image)}`,
    containerID: id,
    ready: true,
    started: false,
    restartCount: 0,
    lastState: {},
    state: {
      terminated: {
        containerID: id,
        exitCode: 0,
        reason: 'Completed',
        startedAt: kubeTime(secondsBefore(r.now, (r.o.ageSeconds ?? 300) - 5)),
        finishedAt: kubeTime(secondsBefore(r.now, (r.o.ageSeconds ?? 300) - 10)),
      },
    },
    volumeMounts: mountStatus(r),
  } as WireContainerStatus;
}

function scheduledStatusBase(r: Resolved, phase: string) {
  return {
    phase,
    hostIP: r.hostIP,
    hostIPs: [{ ip: r.hostIP }],
    podIP: r.podIP,
    podIPs: [{ ip: r.podIP }],
    qosClass: qosClass(r.o),
    startTime: kubeTime(r.created),
  };
}

function pod(r: Resolved, status: Record<string, unknown>): WirePod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: metadata(r), spec: spec(r), status } as WirePod;
}

/** A healthy pod: every container running and ready. */
export function runningPod(o: PodOptions): WirePod {
  const r = resolve(o);
  const mains = [{ name: r.container, image: o.image }, ...(o.sidecars ?? [])];
  const status: Record<string, unknown> = {
    ...scheduledStatusBase(r, 'Running'),
    conditions: [
      condition('PodReadyToStartContainers', 'True', r.created),
      condition('Initialized', 'True', r.created),
      condition('Ready', 'True', r.created),
      condition('ContainersReady', 'True', r.created),
      condition('PodScheduled', 'True', r.created),
    ],
    containerStatuses: mains.map((c) => runningStatus(r, c)),
  };
  if (o.initContainers?.length) status.initContainerStatuses = o.initContainers.map((c) => completedInitStatus(r, c));
  return pod(r, status);
}

export interface ImagePullFailureOptions extends PodOptions {
  /** The runtime's error for the last pull (see pullErrors); defaults to a "not found". */
  pullError?: string;
  /** The exact waiting message, overriding what is derived from pullError. */
  message?: string;
  /**
   * Back-off message format: '1.31' gives `Back-off pulling image "x"`; '1.32' (kubernetes#127918) appends the last
   * pull error: `Back-off pulling image "x": ErrImagePull: <error>`. Default '1.31' (the fake's server version).
   */
  kubeletVersion?: '1.31' | '1.32';
  /** Which container fails (main or init container name); defaults to the main container. */
  failingContainer?: string;
}

function imagePullFailure(o: ImagePullFailureOptions, reason: 'ImagePullBackOff' | 'ErrImagePull' | 'InvalidImageName'): WirePod {
  const r = resolve(o);
  const mains = [{ name: r.container, image: o.image }, ...(o.sidecars ?? [])];
  const inits = o.initContainers ?? [];
  const failingName = o.failingContainer ?? r.container;
  const failing = [...inits, ...mains].find((c) => c.name === failingName);
  if (!failing) throw new Error(`no container named ${failingName} in the pod`);
  const pullError = o.pullError ?? pullErrors.notFound(failing.image);
  const message =
    o.message ??
    (reason === 'InvalidImageName'
      ? invalidImageNameMessage(failing.image)
      : reason === 'ErrImagePull'
        ? pullError
        : o.kubeletVersion === '1.32'
          ? `Back-off pulling image "${failing.image}": ErrImagePull: ${pullError}`
          : `Back-off pulling image "${failing.image}"`);
  const failingIsInit = inits.some((c) => c.name === failingName);
  const unready = failingIsInit ? mains.map((c) => c.name) : [failingName];

  const conditions = [
    condition('PodReadyToStartContainers', 'True', r.created),
    failingIsInit
      ? condition('Initialized', 'False', r.created, 'ContainersNotInitialized', `containers with incomplete status: [${failingName}]`)
      : condition('Initialized', 'True', r.created),
    condition('Ready', 'False', r.created, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
    condition('ContainersReady', 'False', r.created, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
    condition('PodScheduled', 'True', r.created),
  ];
  const status: Record<string, unknown> = { ...scheduledStatusBase(r, 'Pending'), conditions };
  if (failingIsInit) {
    const index = inits.findIndex((c) => c.name === failingName);
    status.initContainerStatuses = inits.map((c, i) =>
      i < index ? completedInitStatus(r, c) : i === index ? waitingStatus(r, c, reason, message) : waitingStatus(r, c, 'PodInitializing'),
    );
    status.containerStatuses = mains.map((c) => waitingStatus(r, c, 'PodInitializing'));
  } else {
    if (inits.length) status.initContainerStatuses = inits.map((c) => completedInitStatus(r, c));
    status.containerStatuses = mains.map((c) => (c.name === failingName ? waitingStatus(r, c, reason, message) : runningStatus(r, c)));
  }
  return pod(r, status);
}

/** Waiting in ImagePullBackOff (kubelet is backing off between pull attempts). */
export function imagePullBackOffPod(o: ImagePullFailureOptions): WirePod {
  return imagePullFailure(o, 'ImagePullBackOff');
}

/** Waiting in ErrImagePull (the pull attempt just failed; message is the runtime's error). */
export function errImagePullPod(o: ImagePullFailureOptions): WirePod {
  return imagePullFailure(o, 'ErrImagePull');
}

/** Waiting in InvalidImageName (the reference cannot be parsed; kubelet never tries to pull). */
export function invalidImageNamePod(o: ImagePullFailureOptions): WirePod {
  return imagePullFailure(o, 'InvalidImageName');
}

export interface CrashLoopOptions extends PodOptions {
  restartCount?: number;
  /** The last termination: OOMKilled (137) by default, or e.g. `{ reason: 'Error', exitCode: 1 }`. */
  lastTermination?: { reason: string; exitCode: number; message?: string };
  /** Back-off delay shown in the message (kubelet doubles it up to 5m0s). */
  backOff?: string;
}

/** Running phase, container waiting in CrashLoopBackOff with lastState.terminated (OOMKilled by default). */
export function crashLoopBackOffPod(o: CrashLoopOptions): WirePod {
  const r = resolve({ resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } }, ...o });
  const restarts = o.restartCount ?? 6;
  const termination = o.lastTermination ?? { reason: 'OOMKilled', exitCode: 137 };
  const p = imageParts(o.image);
  const lastId = containerId(`${r.uid}/${r.container}/${restarts}`);
  const finished = secondsBefore(r.now, 40);
  const terminated: Record<string, unknown> = {
    containerID: lastId,
    exitCode: termination.exitCode,
    reason: termination.reason,
    startedAt: kubeTime(secondsBefore(finished, 12)),
    finishedAt: kubeTime(finished),
  };
  if (termination.message) terminated.message = termination.message;
  const failing: WireContainerStatus = {
    name: r.container,
    image: p.reference,
    imageID: `${p.host}/${p.repository}@${imageDigest(o.image)}`,
    containerID: lastId,
    ready: false,
    started: false,
    restartCount: restarts,
    lastState: { terminated },
    state: {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${o.backOff ?? '5m0s'} restarting failed container=${r.container} pod=${r.name}_${o.namespace}(${r.uid})`,
      },
    },
    volumeMounts: mountStatus(r),
  } as WireContainerStatus;
  const status: Record<string, unknown> = {
    ...scheduledStatusBase(r, 'Running'),
    conditions: [
      condition('PodReadyToStartContainers', 'True', r.created),
      condition('Initialized', 'True', r.created),
      condition('Ready', 'False', finished, 'ContainersNotReady', `containers with unready status: [${r.container}]`),
      condition('ContainersReady', 'False', finished, 'ContainersNotReady', `containers with unready status: [${r.container}]`),
      condition('PodScheduled', 'True', r.created),
    ],
    containerStatuses: [failing, ...(o.sidecars ?? []).map((c) => runningStatus(r, c))],
  };
  if (o.initContainers?.length) status.initContainerStatuses = o.initContainers.map((c) => completedInitStatus(r, c));
  return pod(r, status);
}

export interface UnschedulableOptions extends Omit<PodOptions, 'nodeName'> {
  /** The scheduler's verdict; defaults to a CPU shortage on a 3-node pool. */
  message?: string;
}

export const DEFAULT_UNSCHEDULABLE_MESSAGE =
  '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';

/** Pending, never scheduled: PodScheduled=False, reason Unschedulable. */
export function unschedulablePod(o: UnschedulableOptions): WirePod {
  const r = resolve({ resources: { requests: { cpu: '4', memory: '8Gi' } }, ...o, nodeName: null });
  return pod(r, {
    phase: 'Pending',
    conditions: [condition('PodScheduled', 'False', r.created, 'Unschedulable', o.message ?? DEFAULT_UNSCHEDULABLE_MESSAGE)],
    qosClass: qosClass(r.o),
  });
}
