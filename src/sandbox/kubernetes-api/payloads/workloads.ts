/**
 * Deployments and ReplicaSets, and the ownerReferences that tie a pod to them: a pod of Deployment `web` is owned by
 * ReplicaSet `web-<pod-template-hash>` (controller: true), which is owned by the Deployment. Alert grouping by
 * workload follows this chain.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';
import type { Wire, WireDeployment, WireReplicaSet } from '../wire.js';
import { kubeTime, podTemplateHash, replicaSetName, secondsBefore, uidFor } from './names.js';

export type WireOwnerReference = Wire<V1OwnerReference>;

export function replicaSetUid(namespace: string, deployment: string): string {
  return uidFor(`replicaset:${namespace}/${replicaSetName(deployment)}`);
}

export function deploymentUid(namespace: string, deployment: string): string {
  return uidFor(`deployment:${namespace}/${deployment}`);
}

/** The ownerReference a pod of Deployment `deployment` carries. */
export function replicaSetOwnerReference(namespace: string, deployment: string): WireOwnerReference {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: replicaSetName(deployment),
    uid: replicaSetUid(namespace, deployment),
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface WorkloadOptions {
  namespace: string;
  /** The Deployment's name; it is also the `app` label and the container name. */
  deployment: string;
  image: string;
  replicas?: number;
  /** Pods currently ready (status); defaults to none, since fixtures are about failing workloads. */
  readyReplicas?: number;
  now?: Date;
}

function template(o: WorkloadOptions, hash?: string) {
  const labels: Record<string, string> = { app: o.deployment };
  if (hash) labels['pod-template-hash'] = hash;
  return {
    metadata: { labels },
    spec: {
      containers: [
        {
          name: o.deployment,
          image: o.image,
          imagePullPolicy: 'IfNotPresent',
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    },
  };
}

export function deployment(o: WorkloadOptions): WireDeployment {
  const now = o.now ?? new Date();
  const replicas = o.replicas ?? 1;
  const ready = o.readyReplicas ?? 0;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: o.deployment,
      namespace: o.namespace,
      uid: deploymentUid(o.namespace, o.deployment),
      generation: 1,
      labels: { app: o.deployment },
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      creationTimestamp: kubeTime(secondsBefore(now, 600)),
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: o.deployment } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: template(o),
    },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: replicas - ready,
      conditions: [
        ready >= replicas
          ? {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
              lastUpdateTime: kubeTime(now),
              lastTransitionTime: kubeTime(now),
            }
          : {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
              lastUpdateTime: kubeTime(now),
              lastTransitionTime: kubeTime(now),
            },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${replicaSetName(o.deployment)}" is progressing.`,
          lastUpdateTime: kubeTime(now),
          lastTransitionTime: kubeTime(secondsBefore(now, 600)),
        },
      ],
    },
  } as WireDeployment;
}

export function replicaSet(o: WorkloadOptions): WireReplicaSet {
  const now = o.now ?? new Date();
  const hash = podTemplateHash(o.deployment);
  const replicas = o.replicas ?? 1;
  const ready = o.readyReplicas ?? 0;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName(o.deployment),
      namespace: o.namespace,
      uid: replicaSetUid(o.namespace, o.deployment),
      generation: 1,
      labels: { app: o.deployment, 'pod-template-hash': hash },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + 1),
        'deployment.kubernetes.io/revision': '1',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: o.deployment,
          uid: deploymentUid(o.namespace, o.deployment),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      creationTimestamp: kubeTime(secondsBefore(now, 600)),
    },
    spec: { replicas, selector: { matchLabels: { app: o.deployment, 'pod-template-hash': hash } }, template: template(o, hash) },
    status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 },
  } as WireReplicaSet;
}
