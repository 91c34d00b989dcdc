/**
 * Events as a cluster records them, in their core/v1 form (`kubectl get events -o json`):
 *   - kubelet events (legacy recorder): `source.component: kubelet`, `count`, `firstTimestamp`/`lastTimestamp`,
 *     `reportingComponent: kubelet`, `reportingInstance: <node>`, `eventTime: null`;
 *   - scheduler events (written through events.k8s.io/v1): `eventTime` (MicroTime), `series` on repeats,
 *     `action`, `reportingComponent: default-scheduler`, empty `source`, null first/last timestamps.
 */
import type { WireEvent, WirePod } from '../wire.js';
import { eventName, kubeMicroTime, kubeTime, secondsBefore } from './names.js';
import { pullErrors } from './pull-errors.js';

export interface KubeletEventOptions {
  pod: WirePod;
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  /** Container the event is about (fieldPath `spec.containers{name}` or `spec.initContainers{name}`). */
  container?: string;
  count?: number;
  firstSeen?: Date;
  lastSeen?: Date;
  /** Defaults to a name derived from the pod and reason. */
  name?: string;
}

function involvedObject(pod: WirePod, fieldPath?: string) {
  const o: Record<string, string> = {
    kind: 'Pod',
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    apiVersion: 'v1',
  };
  if (pod.metadata?.uid) o.uid = pod.metadata.uid;
  if (pod.metadata?.resourceVersion) o.resourceVersion = pod.metadata.resourceVersion;
  if (fieldPath) o.fieldPath = fieldPath;
  return o;
}

function fieldPathOf(pod: WirePod, container: string | undefined): string | undefined {
  if (container === undefined) return undefined;
  const isInit = (pod.spec?.initContainers ?? []).some((c) => c.name === container);
  return isInit ? `spec.initContainers{${container}}` : `spec.containers{${container}}`;
}

/** An event recorded by the kubelet on the pod's node. */
export function kubeletEvent(o: KubeletEventOptions): WireEvent {
  const node = o.pod.spec?.nodeName ?? '';
  const last = o.lastSeen ?? new Date();
  const first = o.firstSeen ?? last;
  const podName = o.pod.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: o.name ?? eventName(podName, `${o.pod.metadata?.uid}/${o.reason}/${o.message}`),
      namespace: o.pod.metadata?.namespace ?? '',
      creationTimestamp: kubeTime(first),
    },
    involvedObject: involvedObject(o.pod, fieldPathOf(o.pod, o.container)),
    reason: o.reason,
    message: o.message,
    source: { component: 'kubelet', host: node },
    firstTimestamp: kubeTime(first),
    lastTimestamp: kubeTime(last),
    count: o.count ?? 1,
    type: o.type ?? 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: node,
  } as unknown as WireEvent;
}

export interface SchedulerEventOptions {
  pod: WirePod;
  reason: 'FailedScheduling' | 'Scheduled';
  message: string;
  /** More than 1 adds `series` (the scheduler's repeated attempts). */
  count?: number;
  firstSeen?: Date;
  lastSeen?: Date;
}

/** An event written by kube-scheduler through events.k8s.io/v1, as read back through core/v1. */
export function schedulerEvent(o: SchedulerEventOptions): WireEvent {
  const last = o.lastSeen ?? new Date();
  const first = o.firstSeen ?? last;
  const podName = o.pod.metadata?.name ?? '';
  const event: Record<string, unknown> = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: eventName(podName, `${o.pod.metadata?.uid}/${o.reason}`),
      namespace: o.pod.metadata?.namespace ?? '',
      creationTimestamp: kubeTime(first),
    },
    involvedObject: involvedObject(o.pod),
    reason: o.reason,
    message: o.message,
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    type: o.reason === 'FailedScheduling' ? 'Warning' : 'Normal',
    eventTime: kubeMicroTime(first),
    action: o.reason === 'FailedScheduling' ? 'Scheduling' : 'Binding',
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-kube-scheduler-5d8f9c7b6d-q4x2n',
  };
  if ((o.count ?? 1) > 1) event.series = { count: o.count, lastObservedTime: kubeMicroTime(last) };
  return event as unknown as WireEvent;
}

export interface ImagePullEventsOptions {
  /** The failing container; defaults to the first container waiting on an image. */
  container?: string;
  /** Runtime error of the pulls; defaults to "not found" for the container's image. */
  pullError?: string;
  /** How many pull attempts failed so far (count of the Failed events). */
  attempts?: number;
  now?: Date;
}

function failingImageContainer(pod: WirePod, name?: string): { name: string; image: string } {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  if (name !== undefined) {
    const found = all.find((c) => c.name === name);
    if (!found) throw new Error(`no container named ${name}`);
    return { name, image: found.image ?? '' };
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const waiting = statuses.find((s) => ['ImagePullBackOff', 'ErrImagePull'].includes(s.state?.waiting?.reason ?? ''));
  const chosen = all.find((c) => c.name === waiting?.name) ?? all[0];
  if (!chosen) throw new Error('the pod has no containers');
  return { name: chosen.name, image: chosen.image ?? '' };
}

/**
 * What `kubectl get events --field-selector involvedObject.name=<pod>` shows for a pod stuck pulling its image:
 * Scheduled, then Pulling / Failed (runtime error) / Failed "Error: ErrImagePull" / BackOff / Failed "Error: ImagePullBackOff",
 * each with its repeat count.
 */
export function imagePullEvents(pod: WirePod, o: ImagePullEventsOptions = {}): WireEvent[] {
  const now = o.now ?? new Date();
  const { name, image } = failingImageContainer(pod, o.container);
  const attempts = o.attempts ?? 4;
  const pullError = o.pullError ?? pullErrors.notFound(image);
  const started = pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp) : secondsBefore(now, 300);
  const events: WireEvent[] = [];
  if (pod.spec?.nodeName) {
    events.push(
      schedulerEvent({
        pod,
        reason: 'Scheduled',
        message: `Successfully assigned ${pod.metadata?.namespace}/${pod.metadata?.name} to ${pod.spec.nodeName}`,
        firstSeen: started,
      }),
    );
  }
  const base = { pod, container: name, firstSeen: secondsBefore(now, Math.max(60, (now.getTime() - started.getTime()) / 1000 - 2)) };
  events.push(
    kubeletEvent({ ...base, reason: 'Pulling', message: `Pulling image "${image}"`, count: attempts, lastSeen: secondsBefore(now, 30) }),
    kubeletEvent({
      ...base,
      reason: 'Failed',
      type: 'Warning',
      message: `Failed to pull image "${image}": ${pullError}`,
      count: attempts,
      lastSeen: secondsBefore(now, 29),
    }),
    kubeletEvent({
      ...base,
      reason: 'Failed',
      type: 'Warning',
      message: 'Error: ErrImagePull',
      count: attempts,
      lastSeen: secondsBefore(now, 29),
    }),
    kubeletEvent({
      ...base,
      reason: 'BackOff',
      message: `Back-off pulling image "${image}"`,
      count: attempts * 2 + 1,
      lastSeen: secondsBefore(now, 5),
    }),
    kubeletEvent({
      ...base,
      reason: 'Failed',
      type: 'Warning',
      message: 'Error: ImagePullBackOff',
      count: attempts * 2 + 1,
      lastSeen: secondsBefore(now, 5),
    }),
  );
  return events;
}

/** The events of a container restarting over and over (after OOMKilled or a crash): Pulled / Created / Started / BackOff. */
export function crashLoopEvents(pod: WirePod, o: { container?: string; restarts?: number; now?: Date } = {}): WireEvent[] {
  const now = o.now ?? new Date();
  const container = o.container ?? pod.spec?.containers?.[0]?.name ?? '';
  const image = pod.spec?.containers?.find((c) => c.name === container)?.image ?? '';
  const restarts = o.restarts ?? pod.status?.containerStatuses?.find((c) => c.name === container)?.restartCount ?? 6;
  const base = { pod, container, firstSeen: secondsBefore(now, 290) };
  return [
    kubeletEvent({
      ...base,
      reason: 'Pulled',
      message: `Container image "${image}" already present on machine`,
      count: restarts + 1,
      lastSeen: secondsBefore(now, 60),
    }),
    kubeletEvent({
      ...base,
      reason: 'Created',
      message: `Created container ${container}`,
      count: restarts + 1,
      lastSeen: secondsBefore(now, 60),
    }),
    kubeletEvent({
      ...base,
      reason: 'Started',
      message: `Started container ${container}`,
      count: restarts + 1,
      lastSeen: secondsBefore(now, 60),
    }),
    kubeletEvent({
      ...base,
      reason: 'BackOff',
      type: 'Warning',
      message: `Back-off restarting failed container ${container} in pod ${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`,
      count: restarts * 4,
      lastSeen: secondsBefore(now, 3),
    }),
  ];
}

/** The scheduler's repeated FailedScheduling for an unschedulable pod, with `series`. */
export function failedSchedulingEvent(pod: WirePod, o: { message?: string; count?: number; now?: Date } = {}): WireEvent {
  const now = o.now ?? new Date();
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  return schedulerEvent({
    pod,
    reason: 'FailedScheduling',
    message: o.message ?? condition?.message ?? '0/3 nodes are available: 3 Insufficient cpu.',
    count: o.count ?? 3,
    firstSeen: secondsBefore(now, 300),
    lastSeen: secondsBefore(now, 20),
  });
}
