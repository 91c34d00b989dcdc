import assert from 'node:assert/strict';
import { payloads } from '../../../../src/sandbox/kubernetes-api/index.js';
import { throughClientModels } from './round-trip.js';

const now = new Date('2026-11-26T10:00:00Z');
const image = 'shopacr.azurecr.io/web:1.4.2';

describe('pod payloads', () => {
  it('use only fields the Kubernetes API defines', () => {
    const pods = [
      payloads.runningPod({ namespace: 'shop', image, now }),
      payloads.imagePullBackOffPod({ namespace: 'shop', image, now, ownerDeployment: 'web', imagePullSecrets: ['acr-pull'] }),
      payloads.imagePullBackOffPod({
        namespace: 'shop',
        image,
        now,
        initContainers: [{ name: 'migrate', image: 'shopacr.azurecr.io/migrate:7' }],
        failingContainer: 'migrate',
      }),
      payloads.errImagePullPod({ namespace: 'shop', image, now }),
      payloads.invalidImageNamePod({ namespace: 'shop', image: 'shopacr.azurecr.io/Web:1', now }),
      payloads.crashLoopBackOffPod({
        namespace: 'shop',
        image,
        now,
        sidecars: [{ name: 'proxy', image: 'mcr.microsoft.com/oss/envoyproxy/envoy:v1.31.2' }],
      }),
      payloads.unschedulablePod({ namespace: 'shop', image, now }),
    ];
    for (const pod of pods) {
      const { original, roundTripped } = throughClientModels(pod, 'V1Pod');
      assert.deepEqual(roundTripped, original, pod.metadata?.name);
    }
  });

  it('put a pod of a Deployment under its ReplicaSet <deployment>-<pod-template-hash>', () => {
    const pod = payloads.imagePullBackOffPod({ namespace: 'shop', image, ownerDeployment: 'web' });
    const [owner] = pod.metadata!.ownerReferences!;
    assert.match(owner!.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    assert.equal(owner!.kind, 'ReplicaSet');
    assert.equal(owner!.controller, true);
    assert.equal(pod.metadata!.labels!['pod-template-hash'], owner!.name.slice('web-'.length));
    assert.match(pod.metadata!.name!, new RegExp(`^${owner!.name}-[a-z0-9]{5}$`));
    const rs = payloads.replicaSet({ namespace: 'shop', deployment: 'web', image });
    assert.equal(rs.metadata!.name, owner!.name);
    assert.equal(rs.metadata!.uid, owner!.uid);
    assert.equal(rs.metadata!.ownerReferences![0]!.uid, payloads.deployment({ namespace: 'shop', deployment: 'web', image }).metadata!.uid);
  });

  it('describe an image pull back-off as kubelet 1.31 does, or with the last error as 1.32 does', () => {
    const pullError = payloads.pullErrors.anonymousUnauthorized(image);
    const old = payloads.imagePullBackOffPod({ namespace: 'shop', image, pullError });
    assert.deepEqual(old.status!.containerStatuses![0]!.state!.waiting, {
      reason: 'ImagePullBackOff',
      message: `Back-off pulling image "${image}"`,
    });
    assert.equal(old.status!.phase, 'Pending');
    const newer = payloads.imagePullBackOffPod({ namespace: 'shop', image, pullError, kubeletVersion: '1.32' });
    assert.equal(
      newer.status!.containerStatuses![0]!.state!.waiting!.message,
      `Back-off pulling image "${image}": ErrImagePull: ${pullError}`,
    );
    const err = payloads.errImagePullPod({ namespace: 'shop', image, pullError });
    assert.deepEqual(err.status!.containerStatuses![0]!.state!.waiting, { reason: 'ErrImagePull', message: pullError });
  });

  it('show a failing init container with the main containers waiting in PodInitializing', () => {
    const pod = payloads.imagePullBackOffPod({
      namespace: 'shop',
      image,
      initContainers: [{ name: 'migrate', image: 'shopacr.azurecr.io/migrate:7' }],
      failingContainer: 'migrate',
    });
    assert.equal(pod.status!.initContainerStatuses![0]!.state!.waiting!.reason, 'ImagePullBackOff');
    assert.equal(pod.status!.initContainerStatuses![0]!.state!.waiting!.message, 'Back-off pulling image "shopacr.azurecr.io/migrate:7"');
    assert.equal(pod.status!.containerStatuses![0]!.state!.waiting!.reason, 'PodInitializing');
    const initialized = pod.status!.conditions!.find((c) => c.type === 'Initialized')!;
    assert.deepEqual(
      [initialized.status, initialized.reason, initialized.message],
      ['False', 'ContainersNotInitialized', 'containers with incomplete status: [migrate]'],
    );
  });

  it('record an OOM kill as the last termination of a crash-looping container', () => {
    const pod = payloads.crashLoopBackOffPod({ namespace: 'shop', name: 'web-1', image, restartCount: 5, now });
    const status = pod.status!.containerStatuses![0]!;
    assert.equal(status.state!.waiting!.reason, 'CrashLoopBackOff');
    assert.equal(status.state!.waiting!.message, `back-off 5m0s restarting failed container=app pod=web-1_shop(${pod.metadata!.uid})`);
    assert.equal(status.lastState!.terminated!.reason, 'OOMKilled');
    assert.equal(status.lastState!.terminated!.exitCode, 137);
    assert.equal(status.restartCount, 5);
    assert.equal(pod.status!.phase, 'Running');
  });

  it("leave an unschedulable pod without node, with PodScheduled=False and the scheduler's message", () => {
    const pod = payloads.unschedulablePod({ namespace: 'shop', image });
    assert.equal(pod.spec!.nodeName, undefined);
    assert.deepEqual(
      pod.status!.conditions!.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        [
          'PodScheduled',
          'False',
          'Unschedulable',
          '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
        ],
      ],
    );
    assert.equal(pod.status!.containerStatuses, undefined);
  });

  it('are deterministic for the same inputs', () => {
    const a = payloads.imagePullBackOffPod({ namespace: 'shop', image, ownerDeployment: 'web', now });
    const b = payloads.imagePullBackOffPod({ namespace: 'shop', image, ownerDeployment: 'web', now });
    assert.deepEqual(a, b);
  });
});
