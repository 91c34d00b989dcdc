import assert from 'node:assert/strict';
import { aksClusterCheck } from '../../../src/diagnosis/checks/aks-cluster.js';
import { found, missing, skipped } from '../../../src/diagnosis/facts.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext, KUBELET_OBJECT_ID, shopCluster } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const pulling = (image: string) =>
  payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-7d4c9b6f5-x2k8p', container: 'web', image, now });
const acrPod = () => pulling('shopacr.azurecr.io/shop/web:2.4.1');

describe('the aks-cluster check', () => {
  it('applies to a failing pull from an Azure Container Registry only', () => {
    assert.equal(aksClusterCheck.applies(checkContext(acrPod())), true);
    assert.equal(aksClusterCheck.applies(checkContext(pulling('ghcr.io/contoso/web:2.4.1'))), false);
  });

  it('passes with the cluster that runs the pod and its kubelet identity', async () => {
    const cluster = shopCluster();
    const [f] = await aksClusterCheck.run(checkContext(acrPod(), { cluster: found(cluster) }));
    assert.equal(f?.status, 'pass');
    assert.equal(f?.summary, `The pod runs on AKS cluster shop-aks (westeurope); its kubelet identity is ${KUBELET_OBJECT_ID}.`);
    assert.equal(
      f?.detail,
      `Cluster ${cluster.id}; kubelet client id ${cluster.kubeletIdentity?.clientId}; identity ${cluster.kubeletIdentity?.resourceId}.`,
    );
  });

  it('warns about a cluster that pulls with a service principal, naming it', async () => {
    const { kubeletIdentity: _, ...withoutIdentity } = shopCluster();
    const [f] = await aksClusterCheck.run(
      checkContext(acrPod(), { cluster: found({ ...withoutIdentity, servicePrincipalClientId: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a' }) }),
    );
    assert.equal(f?.status, 'warn');
    assert.equal(f?.summary, 'AKS cluster shop-aks uses a service principal, not a kubelet managed identity.');
    assert.equal(f?.detail, 'Service principal client id 5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a.');
    assert.match(f?.remediation ?? '', /migrate the cluster to a managed identity/);
    assert.deepEqual(f?.commands, ['az aks update --resource-group rg-shop --name shop-aks --enable-managed-identity']);
  });

  it('warns when the cluster behind the kubeconfig is not found, with the reason and how to name it', async () => {
    const reason =
      'No AKS cluster in subscription 3b8e1f2a-6c4d-4e5f-9a0b-1c2d3e4f5a6b has the API server host "shop-aks-dns-4f1c2b3a.hcp.westeurope.azmk8s.io".';
    const [f] = await aksClusterCheck.run(checkContext(acrPod(), { cluster: missing(reason) }));
    assert.deepEqual(f, {
      check: 'aks-cluster',
      status: 'warn',
      summary: 'The AKS cluster behind this kubeconfig was not found.',
      detail: reason,
      remediation:
        "Pass the cluster's resource id with --cluster-id (or resourceId in the cluster file), or grant Pull Doctor's identity Reader on the cluster's subscription.",
    });
  });

  it('skips with the reason when Azure is not configured', async () => {
    const [f] = await aksClusterCheck.run(
      checkContext(acrPod(), { cluster: skipped('No Azure credential configured (AZURE_CREDENTIAL=none).') }),
    );
    assert.deepEqual(f, {
      check: 'aks-cluster',
      status: 'skip',
      summary: 'Azure checks skipped: No Azure credential configured (AZURE_CREDENTIAL=none).',
    });
  });

  it('fails as a whole when ARM cannot be read, so the engine reports it as an error', async () => {
    await assert.rejects(aksClusterCheck.run(checkContext(acrPod(), { cluster: new Error('Azure throttled the request') })), /throttled/);
  });
});
