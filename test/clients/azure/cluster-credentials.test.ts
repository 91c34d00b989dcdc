import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { clusterEndpointFromKubeconfig, createClusterCredentials } from '../../../src/clients/azure/cluster-credentials.js';
import { isPullDoctorError } from '../../../src/errors/index.js';
import { startFakeResourceManager, type FakeResourceManager } from '../../../src/sandbox/resource-manager/index.js';
import { staticTokenCredential } from '../../support/static-token-credential.js';
import { testTls } from '../../support/tls.js';

const SUB = '5e5e5e5e-1b2c-4d3e-8f4a-5b6c7d8e9f00';

describe('cluster credentials', () => {
  let arm: FakeResourceManager;

  beforeEach(async () => {
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addSubscription({ subscriptionId: SUB });
    arm.addResourceGroup({ subscriptionId: SUB, name: 'rg' });
  });

  afterEach(async () => {
    await arm.close();
  });

  it("returns the API server URL and CA data from the cluster's user kubeconfig", async () => {
    const cluster = arm.addManagedCluster({
      subscriptionId: SUB,
      resourceGroup: 'rg',
      name: 'aks-prod',
      kubeconfig: {
        server: 'https://aks-prod-dns-5e5e5e5e.hcp.westeurope.azmk8s.io:443',
        caPem: testTls().ca,
        user: { kind: 'token', token: 'kubeconfig-user-token' },
      },
    });
    const credentials = createClusterCredentials({ credential: staticTokenCredential(), endpoint: arm.url });
    const endpoint = await credentials.getClusterUserKubeconfig(cluster.id);
    assert.equal(endpoint.server, 'https://aks-prod-dns-5e5e5e5e.hcp.westeurope.azmk8s.io:443');
    assert.equal(Buffer.from(endpoint.caData, 'base64').toString('utf8'), testTls().ca);
    assert.ok(!JSON.stringify(endpoint).includes('kubeconfig-user-token'));
    assert.deepEqual(
      arm.requests.map((r) => `${r.method} ${r.path.split('/').pop()}`),
      ['POST listClusterUserCredential'],
    );
  });

  it('follows a server changed after creation, so tests can point clusters at local API servers', async () => {
    const cluster = arm.addManagedCluster({ subscriptionId: SUB, resourceGroup: 'rg', name: 'aks-dev' });
    arm.setClusterKubeconfig(cluster.id, { server: 'https://127.0.0.1:6443', caPem: testTls().ca });
    const endpoint = await createClusterCredentials({ credential: staticTokenCredential(), endpoint: arm.url }).getClusterUserKubeconfig(
      cluster.id,
    );
    assert.equal(endpoint.server, 'https://127.0.0.1:6443');
  });

  it('maps a missing cluster to AZURE_NOT_FOUND', async () => {
    const credentials = createClusterCredentials({ credential: staticTokenCredential(), endpoint: arm.url });
    await assert.rejects(
      credentials.getClusterUserKubeconfig(
        `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/nope`,
      ),
      (e: unknown) => isPullDoctorError(e) && e.code === 'AZURE_NOT_FOUND',
    );
  });

  describe('reading a kubeconfig', () => {
    const ca = Buffer.from(testTls().ca).toString('base64');
    const config = (clusters: unknown[], current = 'b') =>
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters,
        contexts: [{ name: 'b', context: { cluster: 'b', user: 'u' } }],
        'current-context': current,
      });

    it("picks the current context's cluster among several", () => {
      const yaml = config([
        { name: 'a', cluster: { server: 'https://a.example.com', 'certificate-authority-data': ca } },
        { name: 'b', cluster: { server: 'https://b.example.com', 'certificate-authority-data': ca } },
      ]);
      assert.equal(clusterEndpointFromKubeconfig(yaml, 'id').server, 'https://b.example.com');
    });

    it('refuses kubeconfigs that are not YAML, lack a CA, use http or name no cluster, with AZURE_API_ERROR', () => {
      for (const yaml of [
        '{ not: [yaml',
        config([{ name: 'b', cluster: { server: 'https://b.example.com', 'insecure-skip-tls-verify': true } }]),
        config([{ name: 'b', cluster: { server: 'http://b.example.com', 'certificate-authority-data': ca } }]),
        config(
          [
            { name: 'a', cluster: { server: 'https://a.example.com', 'certificate-authority-data': ca } },
            { name: 'c', cluster: {} },
          ],
          'zzz',
        ),
        config([
          {
            name: 'b',
            cluster: { server: 'https://b.example.com', 'certificate-authority-data': Buffer.from('not a cert').toString('base64') },
          },
        ]),
        'apiVersion: v1\nclusters: []\n',
      ]) {
        assert.throws(
          () => clusterEndpointFromKubeconfig(yaml, 'id'),
          (e: unknown) => isPullDoctorError(e) && e.code === 'AZURE_API_ERROR',
        );
      }
    });
  });
});
