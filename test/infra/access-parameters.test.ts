import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBicep } from '../support/infra/bicep-declarations.js';
import { INFRA_DIR, REPO_ROOT, TEMPLATE_PARAMETER_FILES } from '../support/infra/infra-files.js';

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
// Resource id grammar: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
// (registry names: 5-50 alphanumerics; managed cluster names: 1-63 letters, digits, underscores and hyphens).
const REGISTRY_ID = new RegExp(
  `^/subscriptions/${GUID}/resourceGroups/[-\\w._()]+/providers/Microsoft\\.ContainerRegistry/registries/[a-zA-Z0-9]{5,50}$`,
);
const CLUSTER_ID = new RegExp(
  `^/subscriptions/${GUID}/resourceGroups/[-\\w._()]+/providers/Microsoft\\.ContainerService/managedClusters/[a-zA-Z0-9][-\\w]{0,62}$`,
);

interface AccessParameters {
  parameters: { registries: { value: Array<Record<string, unknown>> }; clusters: { value: Array<Record<string, unknown>> } };
}

describe('the registries and clusters the bot is given access to', () => {
  const access = parseBicep(join(INFRA_DIR, 'access.bicep'));
  const registryModes = parseBicep(join(INFRA_DIR, 'modules', 'registry-access.bicep')).params.find(
    (p) => p.name === 'permissionsMode',
  )!.allowed!;
  const clusterModes = parseBicep(join(INFRA_DIR, 'modules', 'cluster-access.bicep')).params.find(
    (p) => p.name === 'kubernetesAuthorization',
  )!.allowed!;
  const propertiesRead = (item: string) =>
    [...new Set([...access.scanned.masked.matchAll(new RegExp(`\\b${item}\\.(\\w+)`, 'g'))].map((m) => m[1]!))].sort();

  it('are described by exactly the properties access.bicep reads', () => {
    assert.deepEqual(propertiesRead('registry'), ['id', 'mayFix', 'permissionsMode']);
    assert.deepEqual(propertiesRead('cluster'), ['id', 'kubernetesAuthorization']);
  });

  for (const file of TEMPLATE_PARAMETER_FILES['infra/access.bicep']!) {
    it(`are well formed in ${file}: resource ids, options and no duplicates`, () => {
      const { registries, clusters } = (JSON.parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as AccessParameters).parameters;
      const seen = new Set<string>();
      for (const registry of registries.value) {
        assert.match(String(registry.id), REGISTRY_ID);
        for (const key of Object.keys(registry))
          assert.ok(['id', 'mayFix', 'permissionsMode'].includes(key), `${file}: unknown registry property ${key}`);
        if ('mayFix' in registry) assert.equal(typeof registry.mayFix, 'boolean');
        if ('permissionsMode' in registry)
          assert.ok(
            registryModes.includes(String(registry.permissionsMode)),
            `${file}: permissionsMode ${String(registry.permissionsMode)}`,
          );
        assert.ok(!seen.has(String(registry.id).toLowerCase()), `${file}: ${String(registry.id)} twice`);
        seen.add(String(registry.id).toLowerCase());
      }
      for (const cluster of clusters.value) {
        assert.match(String(cluster.id), CLUSTER_ID);
        for (const key of Object.keys(cluster))
          assert.ok(['id', 'kubernetesAuthorization'].includes(key), `${file}: unknown cluster property ${key}`);
        if ('kubernetesAuthorization' in cluster) assert.ok(clusterModes.includes(String(cluster.kubernetesAuthorization)));
        assert.ok(!seen.has(String(cluster.id).toLowerCase()), `${file}: ${String(cluster.id)} twice`);
        seen.add(String(cluster.id).toLowerCase());
      }
    });
  }

  it('are shown with every option in access.parameters.example.json', () => {
    const { registries, clusters } = (
      JSON.parse(readFileSync(join(INFRA_DIR, 'access.parameters.example.json'), 'utf8')) as AccessParameters
    ).parameters;
    assert.ok(registries.value.some((r) => r.mayFix === true));
    assert.ok(registries.value.some((r) => r.permissionsMode === 'AbacRepositoryPermissions'));
    assert.ok(clusters.value.some((c) => c.kubernetesAuthorization === 'azure-rbac'));
    assert.ok(clusters.value.some((c) => (c.kubernetesAuthorization ?? 'kubernetes-rbac') === 'kubernetes-rbac'));
  });

  // A resource id split on '/' is ['', 'subscriptions', <sub>, 'resourceGroups', <rg>, 'providers', ..., <name>].
  it('are reached in their own subscription and resource group, parsed from the resource id', () => {
    const source = access.scanned.source;
    assert.match(source, /scope: resourceGroup\(split\(registry\.id, '\/'\)\[2\], split\(registry\.id, '\/'\)\[4\]\)/);
    assert.match(source, /registryName: last\(split\(registry\.id, '\/'\)\)/);
    assert.match(source, /scope: resourceGroup\(split\(cluster\.id, '\/'\)\[2\], split\(cluster\.id, '\/'\)\[4\]\)/);
    assert.match(source, /clusterName: last\(split\(cluster\.id, '\/'\)\)/);
  });
});
