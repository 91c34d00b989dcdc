import assert from 'node:assert/strict';
import { podStateCheck } from '../../../src/diagnosis/checks/pod-state.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');

describe('the pod-state check', () => {
  it('always applies: every diagnosis starts with the state of the pod', () => {
    assert.equal(
      podStateCheck.applies(
        checkContext(payloads.runningPod({ namespace: 'shop', name: 'storefront-7b8c9d0e1-h2i3j', image: 'nginx:1.27', now })),
      ),
      true,
    );
  });

  it('passes a running pod whose containers are all ready, and one that ran to completion', async () => {
    const running = checkContext(
      payloads.runningPod({ namespace: 'shop', name: 'storefront-7b8c9d0e1-h2i3j', image: 'shopacr.azurecr.io/shop/storefront:3.0', now }),
    );
    assert.deepEqual(await podStateCheck.run(running), [
      { check: 'pod-state', status: 'pass', summary: 'The pod is running; 1 of 1 containers are ready.' },
    ]);

    const done = payloads.runningPod({ namespace: 'shop', name: 'report-job-x7k2q', image: 'shopacr.azurecr.io/shop/report:1.0', now });
    done.status!.phase = 'Succeeded';
    assert.equal((await podStateCheck.run(checkContext(done)))[0]?.summary, 'The pod ran to completion.');
  });

  it('fails a container that cannot pull its image, naming the image and the kubelet message', async () => {
    const pod = payloads.imagePullBackOffPod({
      namespace: 'shop',
      name: 'web-7d4c9b6f5-x2k8p',
      container: 'web',
      image: 'shopacr.azurecr.io/shop/web:2.4.1',
      now,
    });
    const [f] = await podStateCheck.run(checkContext(pod));
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, 'Container "web" cannot pull its image (ImagePullBackOff).');
    assert.equal(f?.detail, 'Image: shopacr.azurecr.io/shop/web:2.4.1\nBack-off pulling image "shopacr.azurecr.io/shop/web:2.4.1"');
    assert.equal(f?.remediation, undefined);
    assert.equal(f?.headline, undefined, 'a failing pull is a symptom: the pull checks name its cause');
  });

  it('fills the pod, namespace and container into the commands of its advice, so they paste as they are', async () => {
    const pod = payloads.crashLoopBackOffPod({
      namespace: 'shop',
      name: 'orders-6f7a8b9c0-o1p2q',
      container: 'orders',
      image: 'shopacr.azurecr.io/shop/orders:1.0',
      lastTermination: { reason: 'Error', exitCode: 1 },
      now,
    });
    const [f] = await podStateCheck.run(checkContext(pod));
    assert.equal(f?.summary, 'Container "orders" keeps crashing (CrashLoopBackOff).');
    assert.match(
      f?.detail ?? '',
      /^Image: shopacr\.azurecr\.io\/shop\/orders:1\.0\nLast run: Error, exit code 1 at 2026-11-27 04:11:21 UTC/,
    );
    assert.equal(f?.headline, 'Container orders keeps crashing (CrashLoopBackOff)');
    assert.deepEqual(f?.commands, ['kubectl logs orders-6f7a8b9c0-o1p2q -n shop -c orders --previous']);
    assert.doesNotMatch(f?.remediation ?? '', /`|POD|NAMESPACE|CONTAINER/);
  });

  it('names an OOM kill as such, with the memory advice', async () => {
    const pod = payloads.crashLoopBackOffPod({
      namespace: 'shop',
      name: 'orders-6f7a8b9c0-o1p2q',
      container: 'orders',
      image: 'shopacr.azurecr.io/shop/orders:1.0',
      now,
    });
    const [f] = await podStateCheck.run(checkContext(pod));
    assert.equal(f?.summary, 'Container "orders" was killed for using too much memory (OOMKilled).');
    assert.equal(f?.headline, 'Container orders is killed for using too much memory (OOMKilled)');
    assert.match(f?.remediation ?? '', /Raise resources\.limits\.memory/);
    assert.deepEqual(f?.commands, [
      'kubectl logs orders-6f7a8b9c0-o1p2q -n shop -c orders --previous',
      'kubectl top pod orders-6f7a8b9c0-o1p2q -n shop --containers',
    ]);
  });

  it('fails a pod no node can take, with the scheduler message', async () => {
    const pod = payloads.unschedulablePod({
      namespace: 'shop',
      name: 'analytics-0d9c8b7a6-a5b4c',
      image: 'shopacr.azurecr.io/shop/analytics:1.0',
      now,
    });
    const [f] = await podStateCheck.run(checkContext(pod));
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, 'The pod cannot be scheduled on any node.');
    assert.match(f?.detail ?? '', /nodes are available/);
    assert.match(f?.remediation ?? '', /cluster autoscaler/);
    assert.equal(f?.headline, 'No node can run the pod: 0/3 nodes are available: 3 Insufficient cpu', 'the preemption note is left out');
  });

  it('warns about a running pod that is not ready for no reason it can name', async () => {
    const pod = payloads.runningPod({
      namespace: 'shop',
      name: 'storefront-7b8c9d0e1-h2i3j',
      image: 'shopacr.azurecr.io/shop/storefront:3.0',
      now,
    });
    pod.status!.containerStatuses![0]!.ready = false;
    const [f] = await podStateCheck.run(checkContext(pod));
    assert.equal(f?.status, 'warn');
    assert.equal(f?.summary, 'The pod is Running but no container is in a known failing state.');
    assert.equal(f?.detail, '0 of 1 containers are ready; the others are running but not ready (check readiness probes)');
  });
});
