import assert from 'node:assert/strict';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { cachingAzureReader, cachingCredential, ExpiringMap } from '../../../src/clients/azure/azure-cache.js';
import { createAzureReader } from '../../../src/clients/azure/azure-reader.js';
import { ROLE_IDS } from '../../../src/diagnosis/roles/rbac.js';
import { startFakeResourceManager, type FakeResourceManager } from '../../../src/sandbox/resource-manager/index.js';
import { testTls } from '../../support/tls.js';

const SUB = '6f2c3a1e-8b7d-4c5e-9a0f-1b2c3d4e5f60';
const HUB = '7a1b2c3d-8b7d-4c5e-9a0f-1b2c3d4e5f60';
const KUBELET = '3e1f0c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const FQDN = 'aks-prod-dns-1a2b3c4d.hcp.westeurope.azmk8s.io';

/** A credential like `az account get-access-token`: slow, one token per call, counting the calls per scope. */
function countingCredential(lifetimeMs = 3_600_000, now = () => Date.now()) {
  const calls: Array<{ scope: string; options?: GetTokenOptions }> = [];
  const credential: TokenCredential = {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      calls.push({ scope: [scopes].flat().join(' '), ...(options ? { options } : {}) });
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { token: `token-${calls.length}`, expiresOnTimestamp: now() + lifetimeMs, tokenType: 'Bearer' };
    },
  };
  return { credential, calls };
}

describe('the token cache of a diagnosis', () => {
  it('fetches one token per scope, shared by concurrent callers and later ones', async () => {
    const { credential, calls } = countingCredential();
    const cached = cachingCredential(credential);
    const arm = 'https://management.azure.com/.default';
    const tokens = await Promise.all([cached.getToken(arm), cached.getToken([arm]), cached.getToken(arm)]);
    assert.deepEqual(
      tokens.map((t) => t?.token),
      ['token-1', 'token-1', 'token-1'],
    );
    assert.equal((await cached.getToken(arm))?.token, 'token-1');
    assert.equal((await cached.getToken('https://containerregistry.azure.net/.default'))?.token, 'token-2');
    assert.equal(calls.length, 2);
  });

  it('fetches again once the token is within five minutes of expiring, and for another tenant', async () => {
    let time = Date.parse('2026-03-02T09:00:00Z');
    const { credential, calls } = countingCredential(20 * 60_000, () => time);
    const cached = cachingCredential(credential, () => time);
    const scope = 'https://management.azure.com/.default';
    await cached.getToken(scope);
    time += 14 * 60_000;
    await cached.getToken(scope);
    assert.equal(calls.length, 1, 'six minutes left: still good');
    time += 2 * 60_000;
    await cached.getToken(scope);
    assert.equal(calls.length, 2, 'four minutes left: fetched again');
    await cached.getToken(scope, { tenantId: '11111111-2222-4333-8444-555555555555' });
    assert.equal(calls.length, 3);
  });

  it('passes a claims challenge (the token was refused) straight to the credential', async () => {
    const { credential, calls } = countingCredential();
    const cached = cachingCredential(credential);
    await cached.getToken('https://management.azure.com/.default');
    await cached.getToken('https://management.azure.com/.default', { claims: '{"access_token":{"nbf":{"essential":true}}}' });
    assert.equal(calls.length, 2);
  });

  it('does not keep a failure: the next call asks again', async () => {
    let fail = true;
    const cached = cachingCredential({
      async getToken() {
        if (fail) throw new Error('Please run az login');
        return { token: 't', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    });
    await assert.rejects(cached.getToken('s'), /az login/);
    fail = false;
    assert.equal((await cached.getToken('s'))?.token, 't');
  });

  it('wraps a credential once', () => {
    const cached = cachingCredential(countingCredential().credential);
    assert.equal(cachingCredential(cached), cached);
  });
});

describe('ExpiringMap', () => {
  it('forgets entries after their time and the oldest beyond its size', () => {
    let time = 0;
    const map = new ExpiringMap<string>(2, () => time);
    map.set('a', 'A', 100);
    map.set('b', 'B', 100);
    map.set('c', 'C', 100);
    assert.equal(map.get('a'), undefined);
    assert.equal(map.get('b'), 'B');
    time = 100;
    assert.equal(map.get('b'), undefined);
    assert.equal(map.size, 1);
  });
});

describe('the Azure facts kept by the bot between diagnoses', () => {
  let arm: FakeResourceManager;
  let registryId: string;
  let time: number;
  const search = { apiServerHosts: [FQDN], clusterNames: ['aks-prod'], loginServers: ['platformacr.azurecr.io'] };

  beforeEach(async () => {
    time = Date.parse('2026-03-02T09:00:00Z');
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addSubscription({ subscriptionId: SUB });
    arm.addSubscription({ subscriptionId: HUB });
    arm.addResourceGroup({ subscriptionId: SUB, name: 'rg-aks' });
    arm.addResourceGroup({ subscriptionId: HUB, name: 'rg-hub' });
    arm.addManagedCluster({
      subscriptionId: SUB,
      resourceGroup: 'rg-aks',
      name: 'aks-prod',
      fqdn: FQDN,
      kubeletIdentity: { objectId: KUBELET },
    });
    registryId = arm.addRegistry({ subscriptionId: HUB, resourceGroup: 'rg-hub', name: 'platformacr' }).id;
  });

  afterEach(async () => {
    await arm.close();
  });

  function reader() {
    const { credential } = countingCredential();
    return cachingAzureReader(createAzureReader({ credential, endpoint: arm.url, retry: { maxRetries: 0 } }), {
      ttlMs: 5 * 60_000,
      maxEntries: 8,
      now: () => time,
    });
  }

  const graphCalls = () => arm.requests.filter((r) => r.path.includes('Microsoft.ResourceGraph')).length;

  it('answers a repeated search from memory: the cluster by host and the registry by login server', async () => {
    const r = reader();
    const first = await r.findResources(search);
    const again = await r.findResources(search);
    assert.deepEqual(again, first);
    assert.equal(first.clusters[0]?.kubeletIdentity?.objectId, KUBELET);
    assert.equal(first.registries[0]?.id, registryId);
    assert.equal(graphCalls(), 1);
  });

  it('asks Resource Graph only for what it does not know, and keeps nothing that was not found', async () => {
    const r = reader();
    await r.findResources(search);
    const more = await r.findResources({ ...search, loginServers: ['platformacr.azurecr.io', 'shopacr.azurecr.io'] });
    assert.equal(more.registries.length, 1);
    const sent = arm.requests.filter((q) => q.path.includes('Microsoft.ResourceGraph')).at(-1)!.body as { query: string };
    assert.doesNotMatch(sent.query, /managedclusters|platformacr/, 'the known cluster and registry are not asked for again');
    arm.addRegistry({ subscriptionId: SUB, resourceGroup: 'rg-aks', name: 'shopacr' });
    const created = await r.findResources({ ...search, loginServers: ['shopacr.azurecr.io'] });
    assert.equal(created.registries[0]?.name, 'shopacr', 'a registry created since is found');
    assert.equal(graphCalls(), 3);
  });

  it('asks again after a few minutes, so a changed registry is seen', async () => {
    const r = reader();
    await r.findResources(search);
    time += 5 * 60_000;
    await r.findResources(search);
    assert.equal(graphCalls(), 2);
  });

  it('keeps clusters read by id and role definitions, but always reads role assignments', async () => {
    const r = reader();
    const clusterId = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
    arm.addRoleAssignment({ scope: registryId, roleDefinitionId: ROLE_IDS.acrPull, principalId: KUBELET });
    for (let i = 0; i < 2; i++) {
      await r.getManagedCluster(clusterId.toUpperCase());
      await r.getRoleDefinition(`/subscriptions/${HUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`);
      await r.listRoleAssignmentsForPrincipal(registryId, KUBELET);
    }
    const count = (pattern: RegExp) => arm.requests.filter((q) => pattern.test(q.path)).length;
    assert.equal(count(/managedClusters\/aks-prod$/i), 1);
    assert.equal(count(/roleDefinitions\//), 1);
    assert.equal(count(/roleAssignments$/), 2);
  });
});
