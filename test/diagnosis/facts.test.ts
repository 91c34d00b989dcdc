import assert from 'node:assert/strict';
import { loadKubeConfig } from '../../src/clients/kubernetes/kube-config.js';
import { createKubernetesReader } from '../../src/clients/kubernetes/kubernetes-reader.js';
import { createAzureReader } from '../../src/clients/azure/azure-reader.js';
import { createRegistryClient } from '../../src/clients/registry/create-registry-client.js';
import { staticRegistryNetwork } from '../../src/clients/registry/registry-network.js';
import { DiagnosisFacts } from '../../src/diagnosis/facts.js';
import { startFakeResourceManager, type FakeResourceManager } from '../../src/sandbox/resource-manager/index.js';
import { sandboxCredential } from '../../src/sandbox/sandbox-identity.js';
import { testTls } from '../support/tls.js';

const SUB = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

/** A kubeconfig naming an AKS API server; nothing connects to it (finding the cluster reads ARM only). */
function kubeFor(server: string, clusterName: string) {
  const yaml = `apiVersion: v1
kind: Config
clusters:
- name: ${clusterName}
  cluster:
    server: ${server}
contexts:
- name: ${clusterName}
  context: { cluster: ${clusterName}, user: u }
current-context: ${clusterName}
users:
- name: u
  user: { token: t }
`;
  return createKubernetesReader(loadKubeConfig({ kubeconfigYaml: yaml }));
}

describe('finding the AKS cluster behind a kubeconfig', () => {
  let arm: FakeResourceManager;
  const ids: Record<string, string> = {};
  before(async () => {
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addSubscription({ subscriptionId: SUB });
    arm.addResourceGroup({ subscriptionId: SUB, name: 'rg-a' });
    arm.addResourceGroup({ subscriptionId: SUB, name: 'rg-b' });
    ids.public = arm.addManagedCluster({
      subscriptionId: SUB,
      resourceGroup: 'rg-a',
      name: 'prod',
      location: 'westeurope',
      fqdn: 'prod-dns-4k2j1h0g.hcp.westeurope.azmk8s.io',
    }).id;
    ids.private = arm.addManagedCluster({
      subscriptionId: SUB,
      resourceGroup: 'rg-a',
      name: 'vault',
      location: 'westeurope',
      fqdn: null,
      privateFqdn: 'vault-dns-9z8y7x6w.privatelink.westeurope.azmk8s.io',
    }).id;
    ids.twinA = arm.addManagedCluster({ subscriptionId: SUB, resourceGroup: 'rg-a', name: 'twin', location: 'westeurope' }).id;
    ids.twinB = arm.addManagedCluster({ subscriptionId: SUB, resourceGroup: 'rg-b', name: 'twin', location: 'westeurope' }).id;
  });
  after(async () => {
    await arm?.close();
  });

  function facts(server: string, clusterName: string, clusterId?: string) {
    const reader = createAzureReader({ credential: sandboxCredential(), endpoint: arm.url });
    return new DiagnosisFacts({ metadata: { name: 'p', namespace: 'n' } }, [], {
      kube: kubeFor(server, clusterName),
      registry: createRegistryClient({ network: staticRegistryNetwork({}) }),
      azure: { available: true, reader, subscriptionId: SUB, registryTokens: false, ...(clusterId ? { clusterId } : {}) },
    });
  }

  it("matches the API server host against the clusters' public FQDN", async () => {
    const c = await facts('https://prod-dns-4k2j1h0g.hcp.westeurope.azmk8s.io:443', 'whatever').cluster();
    assert.equal(c.status === 'found' && c.value.id, ids.public);
  });

  it('matches a private cluster by its private FQDN, case-insensitively', async () => {
    const c = await facts('https://VAULT-dns-9z8y7x6w.privatelink.westeurope.azmk8s.io:443', 'whatever').cluster();
    assert.equal(c.status === 'found' && c.value.id, ids.private);
  });

  it('falls back to the kubeconfig cluster name when it is unique in the subscription', async () => {
    const c = await facts('https://10.0.0.4:443', 'prod').cluster();
    assert.equal(c.status === 'found' && c.value.id, ids.public);
  });

  it('does not guess between two clusters of the same name', async () => {
    const c = await facts('https://10.0.0.4:443', 'twin').cluster();
    assert.equal(c.status, 'missing');
    assert.match(
      c.status === 'missing' ? c.reason : '',
      /No AKS cluster in subscription .* has the API server host "10\.0\.0\.4" or the name "twin"/,
    );
  });

  it('uses the resource id given with --cluster-id without searching', async () => {
    const before = arm.requests.length;
    const c = await facts('https://10.0.0.4:443', 'twin', ids.twinB).cluster();
    assert.equal(c.status === 'found' && c.value.id, ids.twinB);
    assert.ok(
      arm.requests.slice(before).every((r) => !/managedClusters$/.test(r.path)),
      'no list call',
    );
  });
});
