import type { V1OwnerReference, V1Pod } from '@kubernetes/client-node';

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
