import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { analyzePodState } from '../../src/diagnosis/pod-state.js';
import { payloads } from '../../src/sandbox/kubernetes-api/index.js';

const now = new Date('2026-11-26T10:00:00Z');
const asPod = (wire: unknown) => wire as V1Pod;

function withWaiting(pod: V1Pod, reason: string, message: string): V1Pod {
  const status = pod.status!.containerStatuses![0]!;
  status.state = { waiting: { reason, message } };
  return pod;
}

describe('analyzePodState', () => {
  it('calls a running pod with every container ready healthy', () => {
    const a = analyzePodState(asPod(payloads.runningPod({ namespace: 'shop', name: 'web-1', image: 'nginx:1.27', now })));
    assert.equal(a.healthy, true);
    assert.deepEqual(a.problems, []);
  });

  it('finds an image pull failure with the container, its spec image and the reason', () => {
    const a = analyzePodState(
      asPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:1.2', now })),
    );
    assert.equal(a.healthy, false);
    assert.equal(a.problems.length, 1);
    assert.deepEqual(
      { kind: a.problems[0]!.kind, reason: a.problems[0]!.reason, image: a.problems[0]!.image },
      { kind: 'image-pull', reason: 'ImagePullBackOff', image: 'shopacr.azurecr.io/web:1.2' },
    );
  });

  it('puts a failing init container first', () => {
    const pod = asPod(
      payloads.imagePullBackOffPod({
        namespace: 'shop',
        name: 'web-1',
        image: 'app:1',
        initContainers: [{ name: 'init-db', image: 'migrate:9' }],
        failingContainer: 'init-db',
        now,
      }),
    );
    const a = analyzePodState(pod);
    assert.equal(a.problems[0]?.initContainer, true);
    assert.equal(a.problems[0]?.container, 'init-db');
    assert.equal(a.problems[0]?.image, 'migrate:9');
  });

  it('recognises InvalidImageName, ErrImageNeverPull and CreateContainerConfigError', () => {
    const base = () => asPod(payloads.runningPod({ namespace: 'shop', name: 'web-1', image: 'app:1', now }));
    const kinds = [
      ['InvalidImageName', 'Failed to apply default image tag "App:1": couldn\'t parse image name', 'invalid-image-name'],
      ['ErrImageNeverPull', 'Container image "app:1" is not present with pull policy of Never', 'image-never-pull'],
      ['CreateContainerConfigError', 'secret "db-password" not found', 'container-config'],
    ] as const;
    for (const [reason, message, kind] of kinds) {
      const a = analyzePodState(withWaiting(base(), reason, message));
      assert.equal(a.problems[0]?.kind, kind, reason);
      assert.equal(a.problems[0]?.message, message);
    }
  });

  it('explains a crash loop by the last termination, and tells OOMKilled apart', () => {
    const oom = analyzePodState(asPod(payloads.crashLoopBackOffPod({ namespace: 'shop', name: 'api-1', image: 'api:2', now })));
    assert.equal(oom.problems[0]?.kind, 'oom-killed');
    assert.match(oom.problems[0]?.message ?? '', /^Last run: OOMKilled, exit code 137/);
    const crash = analyzePodState(
      asPod(
        payloads.crashLoopBackOffPod({
          namespace: 'shop',
          name: 'api-1',
          image: 'api:2',
          lastTermination: { reason: 'Error', exitCode: 1 },
          now,
        }),
      ),
    );
    assert.equal(crash.problems[0]?.kind, 'crash-loop');
    assert.match(crash.problems[0]?.message ?? '', /Error, exit code 1/);
  });

  it('reports an unschedulable pending pod with the scheduler message', () => {
    const a = analyzePodState(asPod(payloads.unschedulablePod({ namespace: 'shop', name: 'big-1', image: 'app:1', now })));
    assert.equal(a.problems[0]?.kind, 'unschedulable');
    assert.match(a.problems[0]?.message ?? '', /0\/3 nodes are available/);
  });

  it('leaves a running pod whose container is not ready unexplained rather than healthy', () => {
    const pod = asPod(payloads.runningPod({ namespace: 'shop', name: 'web-1', image: 'app:1', now }));
    pod.status!.containerStatuses![0]!.ready = false;
    const a = analyzePodState(pod);
    assert.equal(a.healthy, false);
    assert.deepEqual(a.problems, []);
    assert.match(a.unexplained ?? '', /running but not ready/);
  });

  it('copes with a pod that has no status at all', () => {
    const a = analyzePodState({ metadata: { name: 'x' } });
    assert.equal(a.healthy, false);
    assert.equal(a.phase, 'Unknown');
  });
});
