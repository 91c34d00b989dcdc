import assert from 'node:assert/strict';
import { roleAssignmentName, uuidV5 } from '../../src/fixes/role-assignment-name.js';
import { ACR_PULL, KUBELET_PRINCIPAL, REGISTRY_ID } from './fix-harness.js';

describe('deterministic role assignment names', () => {
  it('computes RFC 4122 version-5 UUIDs (the DNS namespace example)', () => {
    assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('never changes a name it has given: retries after an upgrade must find the first assignment', () => {
    // Also what src/clients/azure/role-assignment-name.ts (the Azure branch) gives for this grant.
    assert.equal(roleAssignmentName(REGISTRY_ID, KUBELET_PRINCIPAL, ACR_PULL), '80ec594e-01c1-5700-8023-de322acd2d49');
  });

  it('gives the same name for the same grant, whatever the letter case, slashes or role id form', () => {
    const name = roleAssignmentName(REGISTRY_ID, KUBELET_PRINCIPAL, ACR_PULL);
    assert.equal(roleAssignmentName(`${REGISTRY_ID.toUpperCase()}/`, KUBELET_PRINCIPAL.toUpperCase(), ACR_PULL.toUpperCase()), name);
    assert.equal(roleAssignmentName(REGISTRY_ID.slice(1), KUBELET_PRINCIPAL, '/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d'), name);
  });

  it('gives different names for a different registry, principal or role', () => {
    const name = roleAssignmentName(REGISTRY_ID, KUBELET_PRINCIPAL, ACR_PULL);
    assert.notEqual(roleAssignmentName(REGISTRY_ID.replace('shopacr', 'shopacr2'), KUBELET_PRINCIPAL, ACR_PULL), name);
    assert.notEqual(roleAssignmentName(REGISTRY_ID, KUBELET_PRINCIPAL.replace('c0ffee00', 'c0ffee01'), ACR_PULL), name);
    assert.notEqual(roleAssignmentName(REGISTRY_ID, KUBELET_PRINCIPAL, ACR_PULL.replace('7f951dda-4ed3-4680-a7ca-43fe172d538d', 'b93aa761-3e63-49ed-ac28-beffa264f7ac')), name);
  });
});
