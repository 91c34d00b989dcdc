import assert from 'node:assert/strict';
import type { RegistryInfo } from '../../../src/clients/azure/azure-reader.js';
import { acrNetworkCheck } from '../../../src/diagnosis/checks/acr-network.js';
import { found, missing } from '../../../src/diagnosis/facts.js';
import type { Cause } from '../../../src/diagnosis/types.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext, pullErrorOf, shopAcr, shopCluster } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const acrPod = () =>
  payloads.imagePullBackOffPod({
    namespace: 'shop',
    name: 'ledger-4e3d2c1b0-l9m8n',
    container: 'ledger',
    image: 'shopacr.azurecr.io/shop/ledger:7.1',
    now,
  });
const ENDPOINT =
  '/subscriptions/3b8e1f2a-6c4d-4e5f-9a0b-1c2d3e4f5a6b/resourceGroups/rg-network/providers/Microsoft.Network/privateEndpoints/shopacr-pe';

function run(registry: RegistryInfo, cause: Cause = 'forbidden', cluster = shopCluster()) {
  const pod = acrPod();
  return acrNetworkCheck.run(
    checkContext(pod, {
      pullError: pullErrorOf(pod, cause),
      acrRegistry: { 'shopacr.azurecr.io': found(registry) },
      cluster: found(cluster),
    }),
  );
}

describe('the acr-network check', () => {
  it('applies to a failing pull from an Azure Container Registry only', () => {
    assert.equal(acrNetworkCheck.applies(checkContext(acrPod())), true);
    const hub = payloads.imagePullBackOffPod({ namespace: 'shop', name: 'cache-3f2e1d0c9-c7d8e', image: 'redis:7.4', now });
    assert.equal(acrNetworkCheck.applies(checkContext(hub)), false);
  });

  it("passes a registry open to public networks in the cluster's region", async () => {
    assert.deepEqual(await run(shopAcr(), 'unauthorized'), [
      { check: 'acr-network', status: 'pass', summary: 'shopacr accepts connections from public networks (no firewall restriction).' },
    ]);
  });

  it("fails a denied pull through a firewall that denies by default, naming it as the root cause, with the cluster's egress IP commands", async () => {
    const [f] = await run(shopAcr({ networkDefaultAction: 'Deny', ipRules: ['203.0.113.0/24', '198.51.100.7'] }));
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, "shopacr's firewall denies access by default; 2 IP ranges are allowed.");
    assert.equal(f?.headline, 'Firewall of shopacr blocks shop-aks (allows only 203.0.113.0/24, 198.51.100.7)');
    assert.equal(f?.detail, 'Allowed: 203.0.113.0/24, 198.51.100.7.');
    assert.doesNotMatch(f?.remediation ?? '', /`/);
    assert.deepEqual(f?.commands, [
      'az network public-ip show --ids $(az aks show -g rg-shop -n shop-aks --query "networkProfile.loadBalancerProfile.effectiveOutboundIPs[].id" -o tsv) --query "[].ipAddress" -o tsv',
      'az acr network-rule add -g rg-shop -n shopacr --ip-address EGRESS_IP',
    ]);
    const [unrelated] = await run(shopAcr({ networkDefaultAction: 'Deny', ipRules: [] }), 'image-not-found');
    assert.equal(unrelated?.status, 'warn');
    assert.equal(unrelated?.headline, undefined, 'a firewall that did not refuse this pull is not its root cause');
    assert.equal(unrelated?.detail, 'No IP range is allowed.');
  });

  it('fails a private registry with no approved private endpoint: nothing can pull from it', async () => {
    const [f] = await run(shopAcr({ publicNetworkAccess: 'Disabled', privateEndpointConnections: [{ id: ENDPOINT, status: 'Pending' }] }));
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, 'shopacr has public network access disabled and no approved private endpoint: nothing can pull from it.');
    assert.match(f?.remediation ?? '', /privatelink\.azurecr\.io DNS zone linked/);
    assert.equal(f?.headline, 'shopacr has public access off and no private endpoint');
  });

  it('passes a private registry with an approved endpoint, warning instead when the pull was refused or timed out', async () => {
    const registry = shopAcr({ publicNetworkAccess: 'Disabled', privateEndpointConnections: [{ id: ENDPOINT, status: 'Approved' }] });
    const [quiet] = await run(registry, 'unauthorized');
    assert.equal(quiet?.status, 'pass');
    assert.equal(quiet?.summary, 'shopacr is private: public access disabled, 1 approved private endpoint.');
    assert.equal((await run(registry, 'network-timeout'))[0]?.status, 'warn');
  });

  it('adds a warning when the registry is in another region than the cluster', async () => {
    const findings = await run(shopAcr({ location: 'eastus' }), 'unauthorized');
    assert.equal(findings.length, 2);
    assert.equal(findings[1]?.status, 'warn');
    assert.equal(findings[1]?.summary, 'shopacr is in eastus but the cluster is in westeurope.');
    assert.match(findings[1]?.remediation ?? '', /geo-replicating the registry/);
  });

  it('says nothing about a registry it did not find (the acr-registry check does), and uses placeholders when the cluster is unknown', async () => {
    const pod = acrPod();
    const none = await acrNetworkCheck.run(
      checkContext(pod, {
        pullError: pullErrorOf(pod, 'forbidden'),
        acrRegistry: { 'shopacr.azurecr.io': missing('No container registry has the login server shopacr.azurecr.io.') },
      }),
    );
    assert.deepEqual(none, []);
    const [f] = await acrNetworkCheck.run(
      checkContext(pod, {
        pullError: pullErrorOf(pod, 'forbidden'),
        acrRegistry: { 'shopacr.azurecr.io': found(shopAcr({ networkDefaultAction: 'Deny' })) },
        cluster: new Error('ARM answered 500'),
      }),
    );
    assert.match(f?.commands?.[0] ?? '', /az aks show -g CLUSTER_RG -n CLUSTER /);
    assert.equal(f?.headline, 'Firewall of shopacr blocks the cluster');
  });

  it('fails as a whole when the registry cannot be read, so the engine reports it as an error', async () => {
    const pod = acrPod();
    await assert.rejects(
      acrNetworkCheck.run(
        checkContext(pod, {
          pullError: pullErrorOf(pod, 'forbidden'),
          acrRegistry: { 'shopacr.azurecr.io': new Error('ARM answered 500') },
        }),
      ),
      /500/,
    );
  });
});
