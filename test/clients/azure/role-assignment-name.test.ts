import assert from 'node:assert/strict';
import { roleAssignmentName, roleAssignmentName as executorsName, uuidV5 } from '../../../src/clients/azure/role-assignment-name.js';
import { BUILT_IN_ROLE_IDS } from '../../../src/sandbox/resource-manager/index.js';

const SUB = '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b';
const REGISTRY_ID = `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr`;
const KUBELET = 'c0ffee00-1234-4abc-8def-0123456789ab';
const ACR_PULL = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLE_IDS.acrPull}`;

describe('deterministic role assignment names', () => {
  it('computes RFC 4122 version-5 UUIDs (the DNS namespace test vectors)', () => {
    assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('never changes a name it has given: retries after an upgrade must find the first assignment', () => {
    assert.equal(roleAssignmentName(REGISTRY_ID, KUBELET, ACR_PULL), '80ec594e-01c1-5700-8023-de322acd2d49');
  });

  it('is the one the fix executor uses', () => {
    assert.equal(executorsName, roleAssignmentName);
  });

  it('gives the same name for the same grant, whatever the letter case, slashes or role id form', () => {
    const name = roleAssignmentName(REGISTRY_ID, KUBELET, ACR_PULL);
    assert.match(name, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(roleAssignmentName(`${REGISTRY_ID.toUpperCase()}/`, KUBELET.toUpperCase(), ACR_PULL.toUpperCase()), name);
    assert.equal(roleAssignmentName(REGISTRY_ID.slice(1), KUBELET, `/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLE_IDS.acrPull}`), name);
    assert.equal(roleAssignmentName(REGISTRY_ID, KUBELET, BUILT_IN_ROLE_IDS.acrPull), name);
  });

  it('gives different names for a different registry, principal or role', () => {
    const name = roleAssignmentName(REGISTRY_ID, KUBELET, ACR_PULL);
    assert.notEqual(roleAssignmentName(REGISTRY_ID.replace('shopacr', 'shopacr2'), KUBELET, ACR_PULL), name);
    assert.notEqual(roleAssignmentName(REGISTRY_ID, KUBELET.replace('c0ffee00', 'c0ffee01'), ACR_PULL), name);
    assert.notEqual(roleAssignmentName(REGISTRY_ID, KUBELET, BUILT_IN_ROLE_IDS.containerRegistryRepositoryReader), name);
  });
});
