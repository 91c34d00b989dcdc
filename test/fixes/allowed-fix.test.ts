import assert from 'node:assert/strict';
import { ROLE_IDS } from '../../src/diagnosis/roles/rbac.js';
import { assertAllowedFix, fixProblem, registryNameOf, roleNameOf } from '../../src/fixes/allowed-fix.js';
import { ACR_PULL, FIX, KUBELET_PRINCIPAL, REGISTRY_ID } from './fix-harness.js';

describe('which fixes the bot will ever apply', () => {
  it('accepts AcrPull and Container Registry Repository Reader on a registry, in the subscription and tenant forms', () => {
    assert.equal(fixProblem(FIX), undefined);
    const reader = ACR_PULL.replace(ROLE_IDS.acrPull, ROLE_IDS.containerRegistryRepositoryReader);
    assert.equal(fixProblem({ ...FIX, roleDefinitionId: reader }), undefined);
    assert.equal(
      fixProblem({ ...FIX, roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}` }),
      undefined,
    );
    assert.equal(fixProblem({ ...FIX, scope: REGISTRY_ID.toLowerCase() }), undefined);
  });

  it('refuses other roles, even with a pull role GUID inside a longer path', () => {
    const owner = ACR_PULL.replace(ROLE_IDS.acrPull, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
    assert.match(fixProblem({ ...FIX, roleDefinitionId: owner })!, /neither AcrPull nor/);
    assert.match(
      fixProblem({ ...FIX, roleDefinitionId: `${ACR_PULL}/../8e3af657-a8ff-443c-a75c-2fe8c4bcb635` })!,
      /not a role definition resource id/,
    );
    assert.match(fixProblem({ ...FIX, roleDefinitionId: ROLE_IDS.acrPull })!, /not a role definition resource id/);
  });

  it('refuses scopes other than one registry: subscriptions, resource groups, repositories, other resources, traversal', () => {
    const sub = REGISTRY_ID.split('/resourceGroups')[0]!;
    for (const scope of [
      sub,
      `${sub}/resourceGroups/rg-shop`,
      `${REGISTRY_ID}/repositories/web`,
      REGISTRY_ID.replace('Microsoft.ContainerRegistry/registries', 'Microsoft.Storage/storageAccounts'),
      `${REGISTRY_ID}/../../../`,
      `${REGISTRY_ID} `,
      '/',
    ]) {
      assert.match(fixProblem({ ...FIX, scope })!, /not the resource id of a container registry/, scope);
    }
  });

  it('refuses other kinds of fix, principals that are not object ids, and extra fields', () => {
    assert.match(fixProblem({ ...FIX, kind: 'assign-owner' })!, /only fix/);
    assert.match(fixProblem({ ...FIX, principalId: 'aks-prod-agentpool' })!, /object id/);
    assert.match(fixProblem({ ...FIX, condition: "@Resource[x] StringEquals 'y'" })!, /unexpected fields/);
    assert.match(fixProblem(null)!, /missing/);
  });

  it('keeps only the four fields of the fix, with the principal in lowercase', () => {
    assert.deepEqual(assertAllowedFix({ ...FIX, principalId: KUBELET_PRINCIPAL.toUpperCase() }), FIX);
    assert.throws(
      () => assertAllowedFix({ ...FIX, scope: '/' }),
      (e: Error & { code?: string }) => e.code === 'FIX_REFUSED',
    );
  });

  it('names roles and registries the way people know them', () => {
    assert.equal(roleNameOf(ACR_PULL), 'AcrPull');
    assert.equal(
      roleNameOf(ACR_PULL.replace(ROLE_IDS.acrPull, ROLE_IDS.containerRegistryRepositoryReader)),
      'Container Registry Repository Reader',
    );
    assert.equal(registryNameOf(REGISTRY_ID), 'shopacr');
  });
});
