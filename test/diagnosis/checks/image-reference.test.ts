import assert from 'node:assert/strict';
import { imageReferenceCheck } from '../../../src/diagnosis/checks/image-reference.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const pulling = (image: string) =>
  payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-7d4c9b6f5-x2k8p', container: 'web', image, now });

describe('the image-reference check', () => {
  it('applies to a pod with an image problem, and not to a crashing one', () => {
    assert.equal(imageReferenceCheck.applies(checkContext(pulling('nginx:1.27'))), true);
    const crashing = payloads.crashLoopBackOffPod({
      namespace: 'shop',
      name: 'orders-6f7a8b9c0-o1p2q',
      image: 'shopacr.azurecr.io/shop/orders:1.0',
      now,
    });
    assert.equal(imageReferenceCheck.applies(checkContext(crashing)), false);
  });

  it('passes a full reference and says what it names', async () => {
    assert.deepEqual(await imageReferenceCheck.run(checkContext(pulling('shopacr.azurecr.io/shop/web:2.4.1'))), [
      {
        check: 'image-reference',
        status: 'pass',
        summary: 'shopacr.azurecr.io/shop/web:2.4.1 is a valid image reference.',
        detail: 'Registry shopacr.azurecr.io, repository shop/web, tag 2.4.1.',
      },
    ]);
  });

  it('spells out what a short Docker Hub name is short for, and a digest as a digest', async () => {
    const [short] = await imageReferenceCheck.run(checkContext(pulling('nginx')));
    assert.equal(short?.summary, 'nginx is a valid image reference, short for docker.io/library/nginx:latest.');
    assert.equal(short?.detail, 'Registry docker.io, repository library/nginx, tag latest.');
    const digest = `sha256:${'4f'.repeat(32)}`;
    const [pinned] = await imageReferenceCheck.run(checkContext(pulling(`ghcr.io/contoso/reports@${digest}`)));
    assert.equal(pinned?.detail, `Registry ghcr.io, repository contoso/reports, digest ${digest}.`);
  });

  it("fails a reference the runtime cannot parse, with the parser's own words, as the root cause", async () => {
    const pod = payloads.invalidImageNamePod({
      namespace: 'shop',
      name: 'search-1c2d3e4f5-s6t7u',
      container: 'search',
      image: 'shopacr.azurecr.io/Shop/Search:1.0',
      now,
    });
    const [f] = await imageReferenceCheck.run(checkContext(pod));
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, '"shopacr.azurecr.io/Shop/Search:1.0" is not a valid image reference.');
    assert.equal(f?.detail, 'invalid reference format: repository name (Shop/Search) must be lowercase');
    assert.equal(
      f?.headline,
      'Image name shopacr.azurecr.io/Shop/Search:1.0 is not valid: repository name (Shop/Search) must be lowercase',
    );
    assert.match(f?.remediation ?? '', /^Fix the image in the pod spec .* in lower case, without https:\/\/\.$/);
  });
});
