import assert from 'node:assert/strict';
import type { RoleAssignmentMode, RoleDefinitionInfo } from '../../../src/clients/azure/azure-reader.js';
import { evaluatePullAccess, describeScopeRelation } from '../../../src/diagnosis/roles/pull-access.js';
import { ROLE_IDS } from '../../../src/diagnosis/roles/rbac.js';
import { assignment, builtInDefinitions, definition } from './role-fixtures.js';

const ids = ROLE_IDS;
const ATTR = '@Request[Microsoft.ContainerRegistry/registries/repositories:name]';
const portal = (expression: string) =>
  `((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR (${expression}))`;

const customWildcard = definition('ACR Everything', { actions: ['Microsoft.ContainerRegistry/*'] });
const customNoPull = definition('ACR Admin Without Pull', { actions: ['Microsoft.ContainerRegistry/*'], notActions: ['Microsoft.ContainerRegistry/registries/pull/read'] });
const customData = definition('Repo Data', { dataActions: ['Microsoft.ContainerRegistry/registries/repositories/*'] });

function definitions(): Map<string, RoleDefinitionInfo> {
  const map = builtInDefinitions();
  for (const d of [customWildcard, customNoPull, customData]) map.set(d.id, d);
  return map;
}

function evaluate(mode: RoleAssignmentMode | undefined, roleGuid: string, condition?: string, repository = 'team-a/api') {
  return evaluatePullAccess({
    ...(mode === undefined ? {} : { mode }),
    repository,
    assignments: [assignment(roleGuid, condition === undefined ? {} : { condition, conditionVersion: '2.0' })],
    definitions: definitions(),
  });
}

describe('evaluatePullAccess', () => {
  describe('in legacy mode (RBAC registry permissions)', () => {
    const granting: Array<[string, string]> = [
      ['AcrPull', ids.acrPull],
      ['AcrPush', ids.acrPush],
      ['Owner', ids.owner],
      ['Contributor', ids.contributor],
      ['Reader', ids.reader],
      ['Container Registry Data Importer and Data Reader', ids.containerRegistryDataImporterAndDataReader],
      ['ACR Everything', customWildcard.name],
    ];
    for (const [roleName, guid] of granting) {
      it(`lets ${roleName} pull`, () => {
        const result = evaluate(undefined, guid);
        assert.equal(result.canPull, true);
        assert.deepEqual(result.granting.map((g) => g.roleName), [roleName]);
        assert.deepEqual(result.notHonoured, []);
      });
    }

    it('treats LegacyRegistryPermissions like an unset mode', () => {
      assert.equal(evaluate('LegacyRegistryPermissions', ids.acrPull).canPull, true);
    });

    it('does not count a custom role whose notActions exclude pull, and does not list it either', () => {
      const result = evaluate(undefined, customNoPull.name);
      assert.deepEqual([result.canPull, result.granting.length, result.notHonoured.length], [false, 0, 0]);
    });

    it('lists the repository data roles as not honoured outside ABAC mode', () => {
      const result = evaluate(undefined, ids.containerRegistryRepositoryReader);
      assert.equal(result.canPull, false);
      assert.equal(result.notHonoured[0]?.roleName, 'Container Registry Repository Reader');
      assert.match(result.notHonoured[0]!.why, /only in ABAC mode.*AcrPull/);
    });

    it('ignores roles unrelated to pulling', () => {
      const result = evaluate(undefined, ids.acrDelete);
      assert.deepEqual([result.canPull, result.notHonoured.length], [false, 0]);
    });
  });

  describe('in ABAC mode (RBAC registry + ABAC repository permissions)', () => {
    const mode = 'AbacRepositoryPermissions' as const;

    for (const [roleName, guid] of [
      ['AcrPull', ids.acrPull],
      ['AcrPush', ids.acrPush],
    ] as const) {
      it(`does not honour ${roleName}, and says which role to use instead`, () => {
        const result = evaluate(mode, guid);
        assert.equal(result.canPull, false);
        assert.equal(result.notHonoured[0]?.roleName, roleName);
        assert.match(result.notHonoured[0]!.why, /not honoured by a registry in ABAC mode.*Container Registry Repository Reader/);
      });
    }

    for (const [roleName, guid] of [
      ['Owner', ids.owner],
      ['Contributor', ids.contributor],
      ['Reader', ids.reader],
    ] as const) {
      it(`gives ${roleName} only control-plane access`, () => {
        const result = evaluate(mode, guid);
        assert.equal(result.canPull, false);
        assert.match(result.notHonoured[0]!.why, new RegExp(`^${roleName} only grants control-plane access`));
      });
    }

    for (const [roleName, guid] of [
      ['Container Registry Repository Reader', ids.containerRegistryRepositoryReader],
      ['Container Registry Repository Writer', ids.containerRegistryRepositoryWriter],
      ['Container Registry Repository Contributor', ids.containerRegistryRepositoryContributor],
      ['Container Registry Data Importer and Data Reader', ids.containerRegistryDataImporterAndDataReader],
      ['Repo Data', customData.name],
    ] as const) {
      it(`lets ${roleName} pull when its assignment has no condition`, () => {
        const result = evaluate(mode, guid);
        assert.equal(result.canPull, true);
        assert.deepEqual(result.granting.map((g) => g.roleName), [roleName]);
      });
    }

    it('does not count the catalog lister, which cannot read content', () => {
      assert.equal(evaluate(mode, ids.containerRegistryRepositoryCatalogLister).canPull, false);
    });

    const conditions: Array<[string, string, string, boolean]> = [
      ['an exact repository condition that names it', `${ATTR} StringEqualsIgnoreCase 'Team-A/API'`, 'team-a/api', true],
      ['an exact repository condition that names another', `${ATTR} StringEqualsIgnoreCase 'team-b/api'`, 'team-a/api', false],
      ['a prefix condition covering it', `${ATTR} StringStartsWithIgnoreCase 'team-a/'`, 'team-a/api', true],
      ['a prefix condition for another team', `${ATTR} StringStartsWithIgnoreCase 'team-a/'`, 'team-abc/api', false],
      ['a ForAnyOfAnyValues:StringLikeIgnoreCase list', `${ATTR} ForAnyOfAnyValues:StringLikeIgnoreCase {'team-b/*', 'team-a/*'}`, 'team-a/api', true],
      ['two exact names joined by OR', `${ATTR} StringEquals 'x' OR ${ATTR} StringEquals 'team-a/api'`, 'team-a/api', true],
    ];
    for (const [title, expression, repository, allowed] of conditions) {
      it(`${allowed ? 'grants' : 'refuses'} with ${title}`, () => {
        const result = evaluate(mode, ids.containerRegistryRepositoryReader, portal(expression), repository);
        assert.equal(result.canPull, allowed);
        if (!allowed) assert.match(result.notHonoured[0]!.why, new RegExp(`limits Container Registry Repository Reader to other repositories than "${repository}"`));
      });
    }

    it('counts a condition it cannot evaluate as not proven, with the reason', () => {
      const result = evaluate(mode, ids.containerRegistryRepositoryReader, portal(`@Environment[Microsoft.Network/virtualNetworks/subnets] StringEquals 'x'`));
      assert.equal(result.canPull, false);
      assert.match(result.notHonoured[0]!.why, /not proven to allow pulling "team-a\/api": it depends on @Environment/);
    });

    it('finds role definitions by GUID whatever the scope prefix of the id', () => {
      const tenantKeyed = new Map([...definitions()].map(([, d]) => [d.name, { ...d, id: `/providers/Microsoft.Authorization/roleDefinitions/${d.name}` }]));
      const result = evaluatePullAccess({
        mode,
        repository: 'team-a/api',
        assignments: [assignment(ids.containerRegistryRepositoryReader, { roleDefinitionId: `/subscriptions/${'9'.repeat(8)}-0000-4000-8000-000000000000/providers/Microsoft.Authorization/roleDefinitions/${ids.containerRegistryRepositoryReader.toUpperCase()}` })],
        definitions: tenantKeyed,
      });
      assert.equal(result.canPull, true);
    });
  });

  it('lists an assignment whose role definition is missing as not honoured', () => {
    const result = evaluatePullAccess({ repository: 'a', assignments: [assignment('deadbeef-0000-4000-8000-000000000000')], definitions: new Map() });
    assert.equal(result.canPull, false);
    assert.match(result.notHonoured[0]!.why, /could not be read/);
  });

  it('reports every granting assignment and every assignment that is not honoured together', () => {
    const result = evaluatePullAccess({
      mode: 'AbacRepositoryPermissions',
      repository: 'team-a/api',
      assignments: [assignment(ids.acrPull), assignment(ids.containerRegistryRepositoryReader), assignment(ids.containerRegistryRepositoryWriter, { condition: portal(`${ATTR} StringEquals 'other'`) })],
      definitions: definitions(),
    });
    assert.equal(result.canPull, true);
    assert.deepEqual(result.granting.map((g) => g.roleName), ['Container Registry Repository Reader']);
    assert.deepEqual(result.notHonoured.map((n) => n.roleName), ['AcrPull', 'Container Registry Repository Writer']);
  });
});

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
