import assert from 'node:assert/strict';
import { parseResourceId, sameResourceId } from '../../../src/clients/azure/resource-id.js';
import { isPullDoctorError } from '../../../src/errors/index.js';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const CLUSTER = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;

describe('resource ids', () => {
  it('parses a cluster id into subscription, group, provider, type and name', () => {
    assert.deepEqual(parseResourceId(CLUSTER), {
      id: CLUSTER,
      kind: 'resource',
      subscriptionId: SUB,
      resourceGroup: 'rg-aks',
      provider: 'Microsoft.ContainerService',
      resourceType: 'managedClusters',
      name: 'aks-prod',
    });
  });

  it('parses nested resources, resource groups, subscriptions, management groups and the tenant root', () => {
    const replication = parseResourceId(
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr/replications/weu/`,
    );
    assert.equal(replication.resourceType, 'registries/replications');
    assert.equal(replication.name, 'weu');
    assert.equal(parseResourceId(`subscriptions/${SUB}/resourcegroups/RG`).kind, 'resourceGroup');
    assert.equal(parseResourceId(`/subscriptions/${SUB}`).kind, 'subscription');
    assert.equal(parseResourceId('/providers/Microsoft.Management/managementGroups/mg-team').managementGroup, 'mg-team');
    assert.equal(parseResourceId('/').kind, 'tenant');
  });

  it('refuses malformed ids with INVALID_INPUT and a message that says what is wrong', () => {
    for (const [id, why] of [
      ['/subscriptions/not-a-guid', /GUID/],
      [`/subscriptions/${SUB}/resourceGroups`, /resourceGroups/],
      [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters`, /providers/],
      [`/subscriptions/${SUB}//resourceGroups/rg`, /malformed/],
      ['/providers/Microsoft.Compute/virtualMachines/x', /management groups/],
      ['resourceGroups/rg-aks', /must start with/],
      ['https://portal.azure.com/#resource', /malformed/],
    ] as const) {
      assert.throws(
        () => parseResourceId(id),
        (e: unknown) => isPullDoctorError(e) && e.code === 'INVALID_INPUT' && why.test(e.message),
      );
    }
  });

  it('compares ids case-insensitively, ignoring a trailing slash', () => {
    assert.ok(sameResourceId(CLUSTER.toUpperCase(), `${CLUSTER.toLowerCase()}/`));
    assert.ok(!sameResourceId(CLUSTER, `${CLUSTER}-2`));
  });
});
