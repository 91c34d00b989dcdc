import assert from 'node:assert/strict';
import { acrPullRoleCheck } from '../../../src/diagnosis/checks/acr-pull-role.js';
import { found, missing, skipped } from '../../../src/diagnosis/facts.js';
import type { PullAccessEvaluation } from '../../../src/diagnosis/roles/pull-access.js';
import { payloads } from '../../../src/sandbox/kubernetes-api/index.js';
import {
  checkContext,
  KUBELET_OBJECT_ID,
  kubeletAssignment,
  kubeletPullAccess,
  pullErrorOf,
  shopAcr,
  SUBSCRIPTION,
  type FactsStub,
} from '../../support/check-context.js';

const now = new Date('2026-11-27T04:12:01Z');
const IMAGE = 'shopacr.azurecr.io/shop/web:2.4.1';
const acrPod = () => payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-7d4c9b6f5-x2k8p', container: 'web', image: IMAGE, now });
const registry = shopAcr();
const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-shop`;

function run(access: NonNullable<FactsStub['kubeletPullAccess']>, cause: 'unauthorized' | 'image-not-found' = 'unauthorized') {
  const pod = acrPod();
  return acrPullRoleCheck.run(checkContext(pod, { kubeletPullAccess: access, pullError: pullErrorOf(pod, cause) }));
}
const evaluation = (e: Partial<PullAccessEvaluation>): PullAccessEvaluation => ({ canPull: false, granting: [], notHonoured: [], ...e });

describe('the acr-pull-role check', () => {
  it('applies to a failing pull from an Azure Container Registry only', () => {
    assert.equal(acrPullRoleCheck.applies(checkContext(acrPod())), true);
    const ghcr = payloads.imagePullBackOffPod({
      namespace: 'shop',
      name: 'reports-8a9b0c1d2-r3s4t',
      image: 'ghcr.io/contoso/reports:1.4',
      now,
    });
    assert.equal(acrPullRoleCheck.applies(checkContext(ghcr)), false);
  });

  it('passes when the kubelet identity holds a role that pulls, saying where it is assigned and what else does not count', async () => {
    const granting = [{ assignment: kubeletAssignment('acrPull', RG), roleName: 'AcrPull' }];
    const notHonoured = [
      {
        assignment: kubeletAssignment('containerRegistryRepositoryReader', registry.id),
        roleName: 'Container Registry Repository Reader',
        why: 'it grants repository data actions, which a registry honours only in ABAC mode',
      },
    ];
    const [f] = await run({ 'shopacr.azurecr.io': found(kubeletPullAccess(evaluation({ canPull: true, granting, notHonoured }))) });
    assert.equal(f?.status, 'pass');
    assert.equal(f?.summary, 'The kubelet identity can pull from shopacr: AcrPull inherited from resource group rg-shop.');
    assert.equal(
      f?.detail,
      'Not counted: Container Registry Repository Reader on the registry itself: it grants repository data actions, which a registry honours only in ABAC mode.',
    );
  });

  it('fails when no role lets it pull, naming the role, the cluster and the registry, with the commands that grant and verify it', async () => {
    const [f] = await run({ 'shopacr.azurecr.io': found(kubeletPullAccess(evaluation({}))) });
    assert.equal(f?.status, 'fail');
    assert.equal(f?.summary, 'The kubelet identity of shop-aks has no role that lets it pull from shopacr.');
    assert.equal(f?.headline, 'Kubelet identity of shop-aks has no AcrPull on shopacr');
    assert.equal(f?.detail, `Kubelet identity (object id) ${KUBELET_OBJECT_ID}; registry ${registry.id}.`);
    assert.equal(
      f?.remediation,
      'Give the kubelet identity of shop-aks the AcrPull role on shopacr, then check that the cluster can pull from it; the pod pulls again at its next back-off retry.',
    );
    assert.deepEqual(f?.commands, [
      `az role assignment create --assignee-object-id ${KUBELET_OBJECT_ID} --assignee-principal-type ServicePrincipal --role AcrPull --scope ${registry.id}`,
      'az aks check-acr --resource-group rg-shop --name shop-aks --acr shopacr.azurecr.io',
    ]);
  });

  it('in an ABAC-mode registry, says AcrPull is not honoured and asks for Container Registry Repository Reader', async () => {
    const abac = shopAcr({ roleAssignmentMode: 'AbacRepositoryPermissions' });
    const notHonoured = [
      { assignment: kubeletAssignment('acrPull', abac.id), roleName: 'AcrPull', why: 'AcrPull is not honoured by a registry in ABAC mode' },
    ];
    const [f] = await run({ 'shopacr.azurecr.io': found(kubeletPullAccess(evaluation({ notHonoured }), abac)) });
    assert.equal(f?.status, 'fail');
    assert.match(
      f?.detail ?? '',
      /\nThe registry uses ABAC repository permissions: AcrPull, AcrPush and the Owner\/Contributor\/Reader roles do not grant image pulls there\.\nNot counted: AcrPull on the registry itself: AcrPull is not honoured/,
    );
    assert.equal(f?.headline, 'Kubelet identity of shop-aks has no Container Registry Repository Reader on shopacr');
    assert.match(f?.remediation ?? '', /^Give the kubelet identity of shop-aks the Container Registry Repository Reader role on shopacr/);
    assert.match(f?.commands?.[0] ?? '', /^az role assignment create .* --role "Container Registry Repository Reader" --scope /);
  });

  it('only warns when the registry answered "not found": the node got past sign-in, so the role is not why the pod fails', async () => {
    const [f] = await run({ 'shopacr.azurecr.io': found(kubeletPullAccess(evaluation({}))) }, 'image-not-found');
    assert.equal(f?.status, 'warn');
    assert.match(f?.detail ?? '', /so this is not why this pod fails\.$/);
    assert.equal(f?.remediation, undefined);
    assert.equal(f?.headline, undefined);
  });

  it('warns when the cluster has no kubelet identity to check, and skips when Azure is not configured', async () => {
    const [noIdentity] = await run({
      'shopacr.azurecr.io': missing(
        'Cluster shop-aks has no kubelet managed identity (it uses a service principal), so role assignments cannot be checked here.',
      ),
    });
    assert.equal(noIdentity?.status, 'warn');
    const [notConfigured] = await run({ 'shopacr.azurecr.io': skipped('No Azure credential configured (AZURE_CREDENTIAL=none).') });
    assert.deepEqual(notConfigured, {
      check: 'acr-pull-role',
      status: 'skip',
      summary: 'Not checked: No Azure credential configured (AZURE_CREDENTIAL=none).',
    });
  });

  it('fails as a whole when the role assignments cannot be read, so the engine reports it as an error', async () => {
    await assert.rejects(run({ 'shopacr.azurecr.io': new Error('Not allowed to list role assignments') }), /Not allowed/);
  });
});
