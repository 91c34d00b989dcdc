import assert from 'node:assert/strict';
import { acrRegistryCheck } from '../../../src/diagnosis/checks/acr-registry.js';
import { found, missing, skipped } from '../../../src/diagnosis/facts.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import { checkContext, shopAcr, shopCluster, type FactsStub } from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const acrPod = () =>
  payloads.imagePullBackOffPod({
    namespace: 'shop',
    name: 'web-7d4c9b6f5-x2k8p',
    container: 'web',
    image: 'shopacr.azurecr.io/shop/web:2.4.1',
    now,
  });
const run = (acr: NonNullable<FactsStub['acrRegistry']>) => acrRegistryCheck.run(checkContext(acrPod(), { acrRegistry: acr }));

describe('the acr-registry check', () => {
  it('applies to a failing pull from an Azure Container Registry only', () => {
    assert.equal(acrRegistryCheck.applies(checkContext(acrPod())), true);
    const hub = payloads.imagePullBackOffPod({ namespace: 'shop', name: 'billing-7f6e5d4c3-b4c5d', image: 'acme/billing:3.2', now });
    assert.equal(acrRegistryCheck.applies(checkContext(hub)), false);
  });

  it('passes with the registry resource behind the login server, its SKU and role assignment mode', async () => {
    const registry = shopAcr();
    assert.deepEqual(await run({ 'shopacr.azurecr.io': found(registry) }), [
      {
        check: 'acr-registry',
        status: 'pass',
        summary: 'shopacr.azurecr.io is registry shopacr in resource group rg-shop (westeurope).',
        detail: `Resource id ${registry.id}; SKU Premium; role assignment mode: RBAC registry permissions.`,
      },
    ]);
    const [abac] = await run({ 'shopacr.azurecr.io': found(shopAcr({ roleAssignmentMode: 'AbacRepositoryPermissions' })) });
    assert.match(abac?.detail ?? '', /role assignment mode: RBAC registry \+ ABAC repository permissions\.$/);
  });

  it('warns when no registry has the login server, and names the registry with a similar one: did you mean', async () => {
    const reason =
      "No container registry in any subscription Pull Doctor's identity can read (searched with Azure Resource Graph) has the login server shopacrr.azurecr.io.";
    const pod = payloads.imagePullBackOffPod({
      namespace: 'shop',
      name: 'frontend-9c8b7a6f5-f6g7h',
      image: 'shopacrr.azurecr.io/shop/frontend:1.0',
      now,
    });
    const [f] = await acrRegistryCheck.run(
      checkContext(pod, {
        acrRegistry: { 'shopacrr.azurecr.io': missing(reason) },
        similarRegistries: { 'shopacrr.azurecr.io': ['shopacr.azurecr.io', 'shopacr2.azurecr.io'] },
      }),
    );
    assert.equal(f?.status, 'warn');
    assert.equal(
      f?.summary,
      'No Azure Container Registry with login server shopacrr.azurecr.io was found. Did you mean shopacr.azurecr.io?',
    );
    assert.equal(f?.detail, `${reason}\nOther registries with a similar name: shopacr2.azurecr.io.`);
    assert.equal(
      f?.remediation,
      'If shopacr.azurecr.io is the registry meant, fix the image in the workload: shopacr.azurecr.io/shop/frontend:1.0.',
    );
  });

  it('without a similar registry, says the registry may be where Pull Doctor cannot read', async () => {
    const reason =
      'No container registry in subscription 3b8e1f2a-6c4d-4e5f-9a0b-1c2d3e4f5a6b (Azure Resource Graph denied the query (AccessDenied): only subscription 3b8e1f2a-6c4d-4e5f-9a0b-1c2d3e4f5a6b was searched.) has the login server shopacr.azurecr.io.';
    const [f] = await acrRegistryCheck.run(
      checkContext(acrPod(), { acrRegistry: { 'shopacr.azurecr.io': missing(reason) }, similarRegistries: { 'shopacr.azurecr.io': [] } }),
    );
    assert.equal(f?.summary, 'No Azure Container Registry with login server shopacr.azurecr.io was found.');
    assert.equal(f?.detail, reason);
    assert.match(f?.remediation ?? '', /Check the registry name in the image\. If it is right, .* grant it Reader there/);
  });

  it("names the registry's subscription when it is not the cluster's (a hub), and says when only some subscriptions were searched", async () => {
    const hub = shopAcr({
      id: '/subscriptions/9a8b7c6d-1111-4222-8333-944455556666/resourceGroups/rg-hub/providers/Microsoft.ContainerRegistry/registries/platformhubacr',
      name: 'platformhubacr',
      resourceGroup: 'rg-hub',
      subscriptionId: '9a8b7c6d-1111-4222-8333-944455556666',
      loginServer: 'shopacr.azurecr.io',
    });
    const [f] = await acrRegistryCheck.run(
      checkContext(acrPod(), {
        acrRegistry: {
          'shopacr.azurecr.io': found(hub, 'Azure Resource Graph denied the query (AccessDenied): only subscription x was searched.'),
        },
        cluster: found(shopCluster()),
      }),
    );
    assert.equal(
      f?.summary,
      'shopacr.azurecr.io is registry platformhubacr in resource group rg-hub of subscription 9a8b7c6d-1111-4222-8333-944455556666 (westeurope).',
    );
    assert.match(f?.detail ?? '', /\nAzure Resource Graph denied the query \(AccessDenied\)/);
  });

  it('skips with the reason when Azure is not configured', async () => {
    assert.deepEqual(await run({ 'shopacr.azurecr.io': skipped('No Azure credential configured (AZURE_CREDENTIAL=none).') }), [
      { check: 'acr-registry', status: 'skip', summary: 'Azure checks skipped: No Azure credential configured (AZURE_CREDENTIAL=none).' },
    ]);
  });

  it('fails as a whole when the registries cannot be listed, so the engine reports it as an error', async () => {
    await assert.rejects(run({ 'shopacr.azurecr.io': new Error('Not allowed to list container registries') }), /Not allowed/);
  });
});
