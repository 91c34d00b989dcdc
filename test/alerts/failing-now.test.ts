import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { failingNow, namespacesToList, scopesOf, type FailingNowCluster } from '../../src/alerts/failing-now.js';
import type { SubscriptionStatus } from '../../src/alerts/routing.js';
import { createKubernetesReader, type KubernetesReader } from '../../src/clients/kubernetes/kubernetes-reader.js';
import { silentLogger } from '../../src/logging/index.js';
import { payloads, startFakeKubernetesApi, type FakeKubernetesApi } from '../../src/sandbox/kubernetes-api/index.js';
import { testTls } from '../support/tls.js';

const TOKEN = 'failing-now-token-3c9e7a1f';
const OPS = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2';

function status(more: Partial<SubscriptionStatus> = {}): SubscriptionStatus {
  return {
    conversationId: OPS,
    alertsEnabled: true,
    subscribed: true,
    scopes: [{}],
    staticRoutes: [],
    conversationKnown: true,
    ...more,
  };
}

describe('what is failing now where alerts come from: the scopes', () => {
  it('reads the static routes that lead here as scopes, "*" standing for any cluster or namespace', () => {
    const scopes = scopesOf(
      status({
        scopes: [{ namespace: 'shop' }],
        staticRoutes: [
          { cluster: 'prod', namespace: '*' },
          { cluster: '*', namespace: 'payments' },
        ],
      }),
    );
    assert.deepEqual(scopes, [{ namespace: 'shop' }, { cluster: 'prod' }, { namespace: 'payments' }]);
  });

  it('lists every namespace the watcher watches when a scope names none, and only the named ones otherwise', () => {
    const prod = { aliases: ['prod', 'aks-prod-weu'] };
    assert.deepEqual(namespacesToList([{}], prod, []), { namespaces: 'all', unwatched: [] });
    assert.deepEqual(namespacesToList([{ namespace: 'shop' }, {}], prod, ['shop', 'payments']), {
      namespaces: ['shop', 'payments'],
      unwatched: [],
    });
    assert.deepEqual(namespacesToList([{ namespace: 'shop' }, { namespace: 'payments' }, { namespace: 'shop' }], prod, []), {
      namespaces: ['payments', 'shop'],
      unwatched: [],
    });
  });

  it('says which named namespaces the watcher does not watch, and skips a cluster no scope covers', () => {
    const prod = { aliases: ['prod', 'aks-prod-weu'] };
    assert.deepEqual(namespacesToList([{ namespace: 'shop' }, { namespace: 'kube-system' }], prod, ['shop']), {
      namespaces: ['shop'],
      unwatched: ['kube-system'],
    });
    assert.equal(namespacesToList([{ cluster: 'staging' }], prod, []), undefined);
    assert.deepEqual(namespacesToList([{ cluster: 'aks-prod-weu', namespace: 'shop' }], prod, []), { namespaces: ['shop'], unwatched: [] });
  });
});

describe('what is failing now where alerts come from: listed from the API server', function () {
  this.timeout(20_000);
  let fake: FakeKubernetesApi;
  let kube: KubernetesReader;
  const now = () => new Date();

  before(async () => {
    const tls = testTls();
    fake = await startFakeKubernetesApi({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca }, auth: { bearerTokens: [TOKEN] } });
    for (const ns of ['shop', 'payments', 'empty']) fake.addNamespace(ns);
    const image = (name: string) => `shopacr.azurecr.io/shop/${name}:2.4.1`;
    fake.upsertPod(
      payloads.imagePullBackOffPod({
        namespace: 'shop',
        name: 'web-7d4c9b8f6d-p1',
        ownerDeployment: 'web',
        image: image('web'),
        pullError: payloads.pullErrors.anonymousUnauthorized(image('web')),
      }),
    );
    fake.upsertPod(
      payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-7d4c9b8f6d-p2', ownerDeployment: 'web', image: image('web') }),
    );
    fake.upsertPod(
      payloads.crashLoopBackOffPod({ namespace: 'shop', name: 'cart-5f6d7c8b9a-k2m4n', ownerDeployment: 'cart', image: image('cart') }),
    );
    fake.upsertPod(payloads.runningPod({ namespace: 'shop', name: 'api-6c5b4a3f2e-q7r8s', ownerDeployment: 'api', image: image('api') }));
    fake.upsertPod(payloads.errImagePullPod({ namespace: 'payments', name: 'ledger-0', image: 'ghcr.io/acme/ledger:1.0' }));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(fake.kubeconfig({ token: TOKEN, clusterName: 'prod' }));
    kube = createKubernetesReader(kubeConfig, { log: silentLogger(), timeoutMs: 5000 });
  });
  after(async () => {
    await fake.close();
  });

  const prod = (watched: string[] = []): FailingNowCluster => ({
    name: 'prod',
    aliases: ['prod'],
    connect: async () => ({ kube, watched }),
  });

  it('lists the failing pods of the subscribed namespace, grouped by workload, the most failing first', async () => {
    const [listed, ...more] = await failingNow(status({ scopes: [{ namespace: 'shop' }] }), [prod()], now);
    assert.equal(more.length, 0);
    assert.equal(listed!.error, undefined);
    assert.deepEqual(listed!.namespaces, ['shop']);
    const report = listed!.report!;
    assert.equal(report.namespace, 'shop');
    assert.equal(report.cluster, 'prod');
    assert.equal(report.failingCount, 3, 'two pods of web that cannot pull, one of cart that crashes; api runs');
    assert.deepEqual(
      report.groups.map((g) => [g.workload.kind, g.workload.name, g.failing]),
      [
        ['Deployment', 'web', 2],
        ['Deployment', 'cart', 1],
      ],
    );
    assert.ok(report.groups[0]!.pods.every((p) => p.pullFailure));
  });

  it('lists every namespace for a subscription to everything, and the named ones for several scopes', async () => {
    const [all] = await failingNow(status(), [prod()], now);
    assert.equal(all!.namespaces, 'all');
    assert.equal(all!.report!.failingCount, 4);
    assert.deepEqual(all!.report!.groups.map((g) => g.namespace).sort(), ['payments', 'shop', 'shop']);

    const [two] = await failingNow(status({ scopes: [{ namespace: 'payments' }, { namespace: 'empty' }] }), [prod()], now);
    assert.deepEqual(two!.namespaces, ['empty', 'payments']);
    assert.equal(two!.report!.failingCount, 1);
    assert.equal(two!.report!.groups[0]!.workload.name, 'ledger-0');
  });

  it('keeps to the namespaces the watcher watches, and says which ones it does not', async () => {
    const [listed] = await failingNow(status({ scopes: [{}] }), [prod(['payments'])], now);
    assert.deepEqual(listed!.namespaces, ['payments']);
    assert.equal(listed!.report!.failingCount, 1);

    const [none] = await failingNow(status({ scopes: [{ namespace: 'shop' }] }), [prod(['payments'])], now);
    assert.deepEqual(none!.unwatched, ['shop']);
    assert.equal(none!.report, undefined, 'nothing listed: alerts would never come from there');
  });

  it('reports a namespace that does not exist, or a cluster that cannot be reached, as data with the reason', async () => {
    const [missing] = await failingNow(status({ scopes: [{ namespace: 'shpo' }] }), [prod()], now);
    assert.equal(missing!.error?.code, 'NAMESPACE_NOT_FOUND');
    assert.equal(missing!.report, undefined);

    const unreachable: FailingNowCluster = {
      name: 'staging',
      aliases: ['staging'],
      connect: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })),
    };
    const results = await failingNow(status(), [prod(), unreachable], now);
    assert.deepEqual(
      results.map((r) => [r.cluster, r.error === undefined]),
      [
        ['prod', true],
        ['staging', false],
      ],
    );
  });

  it('lists only the clusters the scopes cover', async () => {
    const staging: FailingNowCluster = { name: 'staging', aliases: ['staging'], connect: () => Promise.reject(new Error('not asked')) };
    const results = await failingNow(status({ scopes: [{ cluster: 'prod', namespace: 'shop' }] }), [prod(), staging], now);
    assert.deepEqual(
      results.map((r) => r.cluster),
      ['prod'],
    );
    assert.deepEqual(await failingNow(status({ scopes: [], staticRoutes: [] }), [prod()], now), [], 'alerts off here: nothing listed');
  });
});
