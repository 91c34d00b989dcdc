import assert from 'node:assert/strict';
import { imagePullFailures } from '../../src/alerts/pull-failure-detector.js';
import { payloads } from '../../src/sandbox/kubernetes-api/index.js';
import { asV1Pod } from '../support/check-context.js';

describe('imagePullFailures', () => {
  it('finds a main container in ImagePullBackOff or ErrImagePull', () => {
    const backOff = asV1Pod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/shop/web:2' }));
    assert.deepEqual(imagePullFailures(backOff), [
      { container: 'app', initContainer: false, image: 'shopacr.azurecr.io/shop/web:2', reason: 'ImagePullBackOff' },
    ]);
    const err = asV1Pod(payloads.errImagePullPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/shop/web:2' }));
    assert.equal(imagePullFailures(err)[0]!.reason, 'ErrImagePull');
  });

  it('finds an init container that cannot pull its image', () => {
    const pod = asV1Pod(
      payloads.imagePullBackOffPod({
        namespace: 'shop',
        name: 'web-1',
        image: 'shopacr.azurecr.io/shop/web:2',
        initContainers: [{ name: 'migrate', image: 'shopacr.azurecr.io/shop/migrate:9' }],
        failingContainer: 'migrate',
      }),
    );
    assert.deepEqual(imagePullFailures(pod), [
      { container: 'migrate', initContainer: true, image: 'shopacr.azurecr.io/shop/migrate:9', reason: 'ImagePullBackOff' },
    ]);
  });

  it('ignores running pods, crash loops, invalid image names and pods being deleted', () => {
    assert.deepEqual(imagePullFailures(asV1Pod(payloads.runningPod({ namespace: 'shop', name: 'ok', image: 'nginx:1.27' }))), []);
    assert.deepEqual(
      imagePullFailures(asV1Pod(payloads.crashLoopBackOffPod({ namespace: 'shop', name: 'crash', image: 'nginx:1.27' }))),
      [],
    );
    assert.deepEqual(imagePullFailures(asV1Pod(payloads.invalidImageNamePod({ namespace: 'shop', name: 'bad', image: 'Nginx:1' }))), []);
    const deleting = payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'a/b:1' });
    (deleting.metadata as Record<string, unknown>).deletionTimestamp = '2026-03-02T09:00:00Z';
    assert.deepEqual(imagePullFailures(asV1Pod(deleting)), []);
  });
});
