import assert from 'node:assert/strict';
import { withPodFailing, type PodFailureReport } from '../../src/alerts/alert-record.js';
import { alertView } from '../../src/alerts/alert-view.js';

const at = '2026-11-26T23:12:00.000Z';

function notFoundOn(image: string, registry: string): PodFailureReport {
  return {
    cluster: 'prod',
    namespace: 'shop',
    workload: { kind: 'Deployment', name: 'storefront' },
    cause: 'image-not-found',
    pod: 'storefront-7b8c9d0e1-h2i3j',
    diagnosis: { pod: 'storefront-7b8c9d0e1-h2i3j', diagnosedAt: at, image, registry, fix: null, events: [] },
    source: 'watcher',
    conversations: ['19:ops@thread.tacv2'],
  };
}

describe('the alert view', () => {
  it('explains a missing tag on ACR as missing, without suggesting that credentials are', () => {
    const view = alertView(
      withPodFailing(null, notFoundOn('shopacr.azurecr.io/shop/storefront:3.1', 'shopacr.azurecr.io'), 'k1', at, 3_600_000)!,
    );
    assert.equal(view.causeTitle, 'The image or tag does not exist in the registry');
    assert.match(view.causeExplanation, /really missing/);
    assert.doesNotMatch(view.causeExplanation, /Docker Hub/);
  });

  it('warns that a private repository elsewhere looks missing without credentials', () => {
    const view = alertView(withPodFailing(null, notFoundOn('docker.io/acme/storefront:3.1', 'docker.io'), 'k1', at, 3_600_000)!);
    assert.match(view.causeExplanation, /private repository when no credentials are offered/);
  });
});
