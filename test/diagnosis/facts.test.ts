import assert from 'node:assert/strict';
import { loadKubeConfig } from '../../src/clients/kubernetes/kube-config.js';
import { createKubernetesReader } from '../../src/clients/kubernetes/kubernetes-reader.js';
import { createAzureReader } from '../../src/clients/azure/azure-reader.js';
import { createRegistryClient } from '../../src/clients/registry/create-registry-client.js';
import { staticRegistryNetwork } from '../../src/clients/registry/registry-network.js';
import { DiagnosisFacts, type AzureAccess } from '../../src/diagnosis/facts.js';
import { analyzePodState } from '../../src/diagnosis/pod-state.js';
import { payloads } from '../../src/sandbox/kubernetes-api/index.js';
import { armError, armErrors, startFakeResourceManager, type FakeResourceManager } from '../../src/sandbox/resource-manager/index.js';
import { sandboxCredential } from '../../src/sandbox/sandbox-identity.js';
import { testTls } from '../support/tls.js';
import { asV1Pod } from '../support/check-context.js';

const SPOKE = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const HUB = '7f6e5d4c-3b2a-4190-8e7d-6c5b4a392817';
const NOW = new Date('2026-11-27T04:12:01Z');

/** A kubeconfig naming an AKS API server; nothing connects to it (finding the cluster reads ARM only). */
function kubeFor(server: string, clusterName: string) {
  const yaml = `apiVersion: v1
kind: Config
clusters:
- name: ${JSON.stringify(clusterName)}
  cluster:
    server: ${server}
contexts:
- name: ctx
  context: { cluster: ${JSON.stringify(clusterName)}, user: u }
current-context: ctx
users:
- name: u
  user: { token: t }
`;
  return createKubernetesReader(loadKubeConfig({ kubeconfigYaml: yaml }));
}

const PROD_SERVER = 'https://prod-dns-4k2j1h0g.hcp.westeurope.azmk8s.io:443';

describe('finding the AKS cluster and the registries in Azure', () => {
  let arm: FakeResourceManager;
  const ids: Record<string, string> = {};
  before(async () => {
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addSubscription({ subscriptionId: SPOKE, displayName: 'shop' });
    arm.addSubscription({ subscriptionId: HUB, displayName: 'platform hub' });
    arm.addResourceGroup({ subscriptionId: SPOKE, name: 'rg-a' });
    arm.addResourceGroup({ subscriptionId: SPOKE, name: 'rg-b' });
    arm.addResourceGroup({ subscriptionId: HUB, name: 'rg-hub' });
    ids.public = arm.addManagedCluster({
      subscriptionId: SPOKE,
      resourceGroup: 'rg-a',
      name: 'prod',
      fqdn: 'prod-dns-4k2j1h0g.hcp.westeurope.azmk8s.io',
    }).id;
    ids.private = arm.addManagedCluster({
      subscriptionId: HUB,
      resourceGroup: 'rg-hub',
      name: 'vault',
      fqdn: null,
      privateFqdn: 'vault-dns-9z8y7x6w.privatelink.westeurope.azmk8s.io',
    }).id;
    ids.twinA = arm.addManagedCluster({ subscriptionId: SPOKE, resourceGroup: 'rg-a', name: 'twin' }).id;
    ids.twinB = arm.addManagedCluster({ subscriptionId: SPOKE, resourceGroup: 'rg-b', name: 'twin' }).id;
    ids.shopacr = arm.addRegistry({ subscriptionId: SPOKE, resourceGroup: 'rg-a', name: 'shopacr' }).id;
    ids.hubacr = arm.addRegistry({ subscriptionId: HUB, resourceGroup: 'rg-hub', name: 'platformhubacr' }).id;
  });
  after(async () => {
    await arm?.close();
  });
  afterEach(() => {
    arm.clearForbidden();
    arm.clearFaults();
  });

  function facts(server: string, clusterName: string, more: { clusterId?: string; subscriptionId?: string; images?: string[] } = {}) {
    const reader = createAzureReader({ credential: sandboxCredential(), endpoint: arm.url, retry: { maxRetries: 0 } });
    const azure: AzureAccess = { available: true, reader, registryTokens: false };
    if (more.subscriptionId !== undefined) azure.subscriptionId = more.subscriptionId;
    if (more.clusterId !== undefined) azure.clusterId = more.clusterId;
    const pod = asV1Pod(
      payloads.imagePullBackOffPod({
        namespace: 'shop',
        name: 'web-7d4c9b6f5-x2k8p',
        image: more.images?.[0] ?? 'shopacr.azurecr.io/shop/web:2.4.1',
        now: NOW,
      }),
    );
    return new DiagnosisFacts(pod, analyzePodState(pod).problems, {
      kube: kubeFor(server, clusterName),
      registry: createRegistryClient({ network: staticRegistryNetwork({}) }),
      azure,
    });
  }

  function graphQueries(since: number): string[] {
    return arm.requests
      .slice(since)
      .filter((r) => r.path === '/providers/Microsoft.ResourceGraph/resources')
      .map((r) => (r.body as { query: string }).query);
  }

  it('finds the cluster by its API server FQDN and the registry by its login server in one Resource Graph query, listing nothing', async () => {
    const before = arm.requests.length;
    const f = facts(PROD_SERVER, 'whatever');
    const [cluster, acr] = await Promise.all([f.cluster(), f.acrRegistry('shopacr.azurecr.io')]);
    assert.equal(cluster.status === 'found' && cluster.value.id, ids.public);
    assert.equal(acr.status === 'found' && acr.value.id, ids.shopacr);
    assert.equal(acr.status === 'found' && acr.note, undefined);
    assert.equal(arm.requests.length - before, 1, 'one request in all');
    const [query] = graphQueries(before);
    assert.match(query!, /tostring\(properties\.fqdn\) in~ \('prod-dns-4k2j1h0g\.hcp\.westeurope\.azmk8s\.io'\)/);
    assert.match(query!, /tostring\(properties\.loginServer\) in~ \('shopacr\.azurecr\.io'\)/);
  });

  it('finds a private cluster and a registry in another subscription than the configured one', async () => {
    const f = facts('https://VAULT-dns-9z8y7x6w.privatelink.westeurope.azmk8s.io:443', 'whatever', {
      subscriptionId: SPOKE,
      images: ['platformhubacr.azurecr.io/platform/api:3.1.0'],
    });
    const cluster = await f.cluster();
    const acr = await f.acrRegistry('platformhubacr.azurecr.io');
    assert.equal(cluster.status === 'found' && cluster.value.id, ids.private);
    assert.equal(acr.status === 'found' && acr.value.subscriptionId, HUB);
  });

  it('falls back to the kubeconfig cluster name when it is unique, and does not guess between two of the same name', async () => {
    const byName = await facts('https://10.0.0.4:443', 'prod').cluster();
    assert.equal(byName.status === 'found' && byName.value.id, ids.public);
    const twins = await facts('https://10.0.0.4:443', 'twin').cluster();
    assert.equal(twins.status, 'missing');
    assert.match(
      twins.status === 'missing' ? twins.reason : '',
      /^No AKS cluster in any subscription Pull Doctor's identity can read \(searched with Azure Resource Graph\) has the API server host "10\.0\.0\.4" or the name "twin" \(2 clusters have that name, so none is chosen: use --cluster-id\)\.$/,
    );
  });

  it('reads the cluster given with --cluster-id directly and asks Resource Graph only for the registry', async () => {
    const before = arm.requests.length;
    const f = facts('https://10.0.0.4:443', 'twin', { clusterId: ids.twinB });
    const [cluster, acr] = await Promise.all([f.cluster(), f.acrRegistry('shopacr.azurecr.io')]);
    assert.equal(cluster.status === 'found' && cluster.value.id, ids.twinB);
    assert.equal(acr.status, 'found');
    const [query] = graphQueries(before);
    assert.doesNotMatch(query!, /managedclusters/);
    assert.ok(
      arm.requests.slice(before).every((r) => !/managedClusters$/.test(r.path)),
      'no list call',
    );
  });

  it('never puts a hostile kubeconfig cluster name or server host into the query', async () => {
    const before = arm.requests.length;
    const cluster = await facts("https://evil'host:443", "x') or type =~ ('y").cluster();
    assert.equal(cluster.status, 'missing');
    const [query] = graphQueries(before);
    assert.doesNotMatch(query!, /evil|or type =~ \('y/);
  });

  describe('when Resource Graph refuses', () => {
    it('lists the configured subscription instead, and every lookup says why only it was searched', async () => {
      arm.forbid('Microsoft.ResourceGraph/resources/read');
      const f = facts(PROD_SERVER, 'prod', { subscriptionId: SPOKE, images: ['platformhubacr.azurecr.io/platform/api:3.1.0'] });
      const cluster = await f.cluster();
      assert.equal(cluster.status === 'found' && cluster.value.id, ids.public);
      assert.equal(
        cluster.status === 'found' && cluster.note,
        `Azure Resource Graph denied the query (AccessDenied): only subscription ${SPOKE} was searched.`,
      );
      const hub = await f.acrRegistry('platformhubacr.azurecr.io');
      assert.equal(hub.status, 'missing');
      assert.equal(
        hub.status === 'missing' && hub.reason,
        `No container registry in subscription ${SPOKE} (Azure Resource Graph denied the query (AccessDenied): only subscription ${SPOKE} was searched.) has the login server platformhubacr.azurecr.io.`,
      );
    });

    it('does the same when Resource Graph is unavailable (a 404 or 500 after retries) or rejects the query', async () => {
      for (const [status, body] of [
        [404, armErrors.invalidResourceType('resources', 'Microsoft.ResourceGraph', '2021-06-01-preview')],
        [500, armErrors.internal()],
        [400, armError('BadRequest', 'Please provide below info when asking for support.')],
      ] as const) {
        arm.failNext({ pathPattern: 'Microsoft.ResourceGraph' }, status, body);
        const acr = await facts(PROD_SERVER, 'prod', { subscriptionId: SPOKE }).acrRegistry('shopacr.azurecr.io');
        assert.equal(acr.status === 'found' && acr.value.id, ids.shopacr, String(status));
        assert.match(acr.status === 'found' ? (acr.note ?? '') : '', /^Azure Resource Graph could not answer \(/, String(status));
      }
    });

    it('skips the Azure lookups with the reason when there is no subscription to list', async () => {
      arm.forbid('Microsoft.ResourceGraph/resources/read');
      const acr = await facts(PROD_SERVER, 'prod').acrRegistry('shopacr.azurecr.io');
      assert.equal(acr.status, 'skipped');
      assert.match(
        acr.status === 'skipped' ? acr.reason : '',
        /denied the query \(AccessDenied\), and no subscription is configured to list instead \(set AZURE_SUBSCRIPTION_ID\)/,
      );
    });

    it('does not fall back when the credential itself is refused: the lookup fails with that error', async () => {
      arm.failNext({ pathPattern: 'Microsoft.ResourceGraph' }, 401, armErrors.invalidToken());
      await assert.rejects(
        facts(PROD_SERVER, 'prod', { subscriptionId: SPOKE }).acrRegistry('shopacr.azurecr.io'),
        /AZURE_UNAUTHORIZED|rejected the token/,
      );
    });
  });

  describe('did you mean', () => {
    it('names existing registries with a similar login server, from Resource Graph across subscriptions', async () => {
      const f = facts(PROD_SERVER, 'prod', { images: ['shopacrr.azurecr.io/shop/frontend:1.0'] });
      assert.equal((await f.acrRegistry('shopacrr.azurecr.io')).status, 'missing');
      assert.deepEqual(await f.similarRegistries('shopacrr.azurecr.io'), ['shopacr.azurecr.io']);
      assert.deepEqual(await f.similarRegistries('platformhub.azurecr.io'), ['platformhubacr.azurecr.io']);
      assert.deepEqual(await f.similarRegistries('analytics.azurecr.io'), []);
    });

    it('names them from the listed subscription when Resource Graph refuses', async () => {
      arm.forbid('Microsoft.ResourceGraph/resources/read');
      const f = facts(PROD_SERVER, 'prod', { subscriptionId: SPOKE, images: ['shopacrr.azurecr.io/shop/frontend:1.0'] });
      assert.deepEqual(await f.similarRegistries('shopacrr.azurecr.io'), ['shopacr.azurecr.io']);
    });
  });
});
