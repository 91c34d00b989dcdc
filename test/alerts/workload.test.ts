import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { workloadOf } from '../../src/alerts/workload.js';
import { payloads } from '../../src/sandbox/kubernetes-api/index.js';

const owned = (kind: string, name: string, labels: Record<string, string> = {}): V1Pod =>
  ({ metadata: { name: `${name}-abcde`, namespace: 'shop', labels, ownerReferences: [{ apiVersion: 'apps/v1', kind, name, uid: 'u', controller: true }] } }) as V1Pod;

describe('workloadOf', () => {
  it('reads a Deployment from the ReplicaSet owner and the pod-template-hash label, without asking the API', () => {
    const pod = payloads.imagePullBackOffPod({ namespace: 'shop', ownerDeployment: 'web', image: 'shopacr.azurecr.io/shop/web:2.4.1' }) as V1Pod;
    assert.deepEqual(workloadOf(pod), { kind: 'Deployment', name: 'web' });
  });

  it('keeps a ReplicaSet whose name does not end in the pod-template-hash (or without the label) as a ReplicaSet', () => {
    assert.deepEqual(workloadOf(owned('ReplicaSet', 'legacy-rs', { 'pod-template-hash': '7d4c9b8f6d' })), { kind: 'ReplicaSet', name: 'legacy-rs' });
    assert.deepEqual(workloadOf(owned('ReplicaSet', 'web-7d4c9b8f6d')), { kind: 'ReplicaSet', name: 'web-7d4c9b8f6d' });
  });

  it('names StatefulSets, DaemonSets and other controllers as they are', () => {
    assert.deepEqual(workloadOf(owned('StatefulSet', 'db')), { kind: 'StatefulSet', name: 'db' });
    assert.deepEqual(workloadOf(owned('DaemonSet', 'node-agent')), { kind: 'DaemonSet', name: 'node-agent' });
    assert.deepEqual(workloadOf(owned('Rollout', 'canary')), { kind: 'Rollout', name: 'canary' });
  });

  it('reads a CronJob from the name of its Job (minutes since the epoch), and keeps other Jobs as Jobs', () => {
    assert.deepEqual(workloadOf(owned('Job', 'nightly-report-29512440')), { kind: 'CronJob', name: 'nightly-report' });
    assert.deepEqual(workloadOf(owned('Job', 'migrate-v2')), { kind: 'Job', name: 'migrate-v2' });
  });

  it('takes a pod without owner as its own workload', () => {
    const pod = payloads.imagePullBackOffPod({ namespace: 'shop', name: 'debug-shell', image: 'busybox:1.36' }) as V1Pod;
    assert.deepEqual(workloadOf(pod), { kind: 'Pod', name: 'debug-shell' });
  });
});
