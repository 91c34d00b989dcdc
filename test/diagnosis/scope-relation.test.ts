import assert from 'node:assert/strict';
import { describeScopeRelation } from '../../src/diagnosis/scope-relation.js';

const registry = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr';

describe('describeScopeRelation', () => {
  it('says an assignment on the registry is on the registry itself, whatever the case', () => {
    assert.equal(describeScopeRelation(registry.toLowerCase(), registry), 'on the registry itself');
  });

  it('names the resource group, subscription or management group an assignment is inherited from', () => {
    assert.equal(describeScopeRelation('/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-shop', registry), 'inherited from resource group rg-shop');
    assert.equal(describeScopeRelation('/subscriptions/11111111-2222-3333-4444-555555555555', registry), 'inherited from subscription 11111111-2222-3333-4444-555555555555');
    assert.equal(describeScopeRelation('/providers/Microsoft.Management/managementGroups/platform', registry), 'inherited from management group platform');
  });
});
