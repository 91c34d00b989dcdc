import assert from 'node:assert/strict';
import {
  type AzureReader,
  type RegistryInfo,
  type RoleAssignmentMode,
  type RoleDefinitionInfo,
  createAzureReader,
} from '../../../src/clients/azure/azure-reader.js';
import {
  createPullAccessChecker,
  describeScopeRelation,
  evaluatePullAccess,
  PULL_ACTION,
  readPullAccess,
} from '../../../src/diagnosis/roles/pull-access.js';
import { ROLE_IDS } from '../../../src/diagnosis/roles/rbac.js';
import { assignment, builtInDefinitions, definition } from './role-fixtures.js';
import type { AssignAcrPullFix } from '../../../src/diagnosis/types.js';
import { isPullDoctorError, type PullDoctorError } from '../../../src/errors/index.js';
import type { PullAccessChecker } from '../../../src/fixes/index.js';
import { armErrors, startFakeResourceManager, type FakeResourceManager } from '../../../src/sandbox/resource-manager/index.js';
import { staticTokenCredential } from '../../support/static-token-credential.js';
import { testTls } from '../../support/tls.js';

const ids = ROLE_IDS;
const ATTR = '@Request[Microsoft.ContainerRegistry/registries/repositories:name]';
const portal = (expression: string) =>
  `((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR (${expression}))`;

const customWildcard = definition('ACR Everything', { actions: ['Microsoft.ContainerRegistry/*'] });
const customNoPull = definition('ACR Admin Without Pull', {
  actions: ['Microsoft.ContainerRegistry/*'],
  notActions: ['Microsoft.ContainerRegistry/registries/pull/read'],
});
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
        assert.deepEqual(
          result.granting.map((g) => g.roleName),
          [roleName],
        );
        assert.deepEqual(result.notHonoured, []);
      });
    }

    it('treats LegacyRegistryPermissions like an unset mode', () => {
      assert.equal(evaluate('LegacyRegistryPermissions', ids.acrPull).canPull, true);
    });

    it('does not count a custom role whose notActions exclude pull, and says which pattern excludes it', () => {
      const result = evaluate(undefined, customNoPull.name);
      assert.deepEqual([result.canPull, result.granting.length], [false, 0]);
      assert.deepEqual(
        result.notHonoured.map((n) => [n.roleName, n.why]),
        [
          [
            'ACR Admin Without Pull',
            'ACR Admin Without Pull allows Microsoft.ContainerRegistry/* but its notActions exclude Microsoft.ContainerRegistry/registries/pull/read, so it does not grant Microsoft.ContainerRegistry/registries/pull/read',
          ],
        ],
      );
    });

    it('does not count a custom data role whose notDataActions exclude reading content in ABAC mode, and says so', () => {
      const noContent = definition('Repo Metadata Only', {
        dataActions: ['Microsoft.ContainerRegistry/registries/repositories/*'],
        notDataActions: ['Microsoft.ContainerRegistry/registries/repositories/content/*'],
      });
      const result = evaluatePullAccess({
        mode: 'AbacRepositoryPermissions',
        repository: 'team-a/api',
        assignments: [assignment(noContent.name)],
        definitions: new Map([[noContent.id, noContent]]),
      });
      assert.equal(result.canPull, false);
      assert.match(
        result.notHonoured[0]?.why ?? '',
        /its notDataActions exclude Microsoft\.ContainerRegistry\/registries\/repositories\/content\/\*/,
      );
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
        assert.deepEqual(
          result.granting.map((g) => g.roleName),
          [roleName],
        );
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
      [
        'a ForAnyOfAnyValues:StringLikeIgnoreCase list',
        `${ATTR} ForAnyOfAnyValues:StringLikeIgnoreCase {'team-b/*', 'team-a/*'}`,
        'team-a/api',
        true,
      ],
      ['two exact names joined by OR', `${ATTR} StringEquals 'x' OR ${ATTR} StringEquals 'team-a/api'`, 'team-a/api', true],
    ];
    for (const [title, expression, repository, allowed] of conditions) {
      it(`${allowed ? 'grants' : 'refuses'} with ${title}`, () => {
        const result = evaluate(mode, ids.containerRegistryRepositoryReader, portal(expression), repository);
        assert.equal(result.canPull, allowed);
        if (!allowed)
          assert.match(
            result.notHonoured[0]!.why,
            new RegExp(`limits Container Registry Repository Reader to other repositories than "${repository}"`),
          );
      });
    }

    it('counts a condition it cannot evaluate as not proven, with the reason', () => {
      const result = evaluate(
        mode,
        ids.containerRegistryRepositoryReader,
        portal(`@Environment[Microsoft.Network/virtualNetworks/subnets] StringEquals 'x'`),
      );
      assert.equal(result.canPull, false);
      assert.match(result.notHonoured[0]!.why, /not proven to allow pulling "team-a\/api": it depends on @Environment/);
    });

    it('finds role definitions by GUID whatever the scope prefix of the id', () => {
      const tenantKeyed = new Map(
        [...definitions()].map(([, d]) => [d.name, { ...d, id: `/providers/Microsoft.Authorization/roleDefinitions/${d.name}` }]),
      );
      const result = evaluatePullAccess({
        mode,
        repository: 'team-a/api',
        assignments: [
          assignment(ids.containerRegistryRepositoryReader, {
            roleDefinitionId: `/subscriptions/${'9'.repeat(8)}-0000-4000-8000-000000000000/providers/Microsoft.Authorization/roleDefinitions/${ids.containerRegistryRepositoryReader.toUpperCase()}`,
          }),
        ],
        definitions: tenantKeyed,
      });
      assert.equal(result.canPull, true);
    });
  });

  it('lists an assignment whose role definition is missing as not honoured', () => {
    const result = evaluatePullAccess({
      repository: 'a',
      assignments: [assignment('deadbeef-0000-4000-8000-000000000000')],
      definitions: new Map(),
    });
    assert.equal(result.canPull, false);
    assert.match(result.notHonoured[0]!.why, /could not be read/);
  });

  it('reports every granting assignment and every assignment that is not honoured together', () => {
    const result = evaluatePullAccess({
      mode: 'AbacRepositoryPermissions',
      repository: 'team-a/api',
      assignments: [
        assignment(ids.acrPull),
        assignment(ids.containerRegistryRepositoryReader),
        assignment(ids.containerRegistryRepositoryWriter, { condition: portal(`${ATTR} StringEquals 'other'`) }),
      ],
      definitions: definitions(),
    });
    assert.equal(result.canPull, true);
    assert.deepEqual(
      result.granting.map((g) => g.roleName),
      ['Container Registry Repository Reader'],
    );
    assert.deepEqual(
      result.notHonoured.map((n) => n.roleName),
      ['AcrPull', 'Container Registry Repository Writer'],
    );
  });
});

const registry =
  '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr';

describe('describeScopeRelation', () => {
  it('says an assignment on the registry is on the registry itself, whatever the case', () => {
    assert.equal(describeScopeRelation(registry.toLowerCase(), registry), 'on the registry itself');
  });

  it('names the resource group, subscription or management group an assignment is inherited from', () => {
    assert.equal(
      describeScopeRelation('/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-shop', registry),
      'inherited from resource group rg-shop',
    );
    assert.equal(
      describeScopeRelation('/subscriptions/11111111-2222-3333-4444-555555555555', registry),
      'inherited from subscription 11111111-2222-3333-4444-555555555555',
    );
    assert.equal(
      describeScopeRelation('/providers/Microsoft.Management/managementGroups/platform', registry),
      'inherited from management group platform',
    );
  });
});

const SUB = '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b';
const KUBELET = 'c0ffee00-1234-4abc-8def-0123456789ab';
const OTHER = 'a1b2c3d4-1234-4abc-8def-0123456789ab';
const NODE_GROUP = '9a9a9a9a-1111-4222-8333-944455556666';
const roleId = (guid: string) => `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
/** Every repository but team-b's: a condition that allows most pulls, still not the whole registry. */
const NOT_TEAM_B =
  "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})) OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringNotStartsWith 'team-b/'))";

async function failure(promise: Promise<unknown>): Promise<PullDoctorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isPullDoctorError(error), String(error));
    return error;
  }
  assert.fail('expected the check to fail');
}

describe('the fix executor re-check: can the principal already pull from the whole registry? (fake ARM, real SDK reader)', () => {
  let arm: FakeResourceManager;
  let check: PullAccessChecker;
  let legacy: string;
  let abac: string;
  const fixOn = (scope: string, role: string = ROLE_IDS.acrPull): AssignAcrPullFix => ({
    kind: 'assign-acr-pull',
    principalId: KUBELET,
    scope,
    roleDefinitionId: roleId(role),
  });

  beforeEach(async () => {
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addSubscription({ subscriptionId: SUB });
    arm.addResourceGroup({ subscriptionId: SUB, name: 'rg-shop' });
    arm.addPrincipal({ objectId: KUBELET, principalType: 'ServicePrincipal', memberOf: [NODE_GROUP] });
    arm.addPrincipal({ objectId: NODE_GROUP, principalType: 'Group' });
    legacy = arm.addRegistry({ subscriptionId: SUB, resourceGroup: 'rg-shop', name: 'shopacr' }).id;
    abac = arm.addRegistry({
      subscriptionId: SUB,
      resourceGroup: 'rg-shop',
      name: 'teamsacr',
      roleAssignmentMode: 'AbacRepositoryPermissions',
    }).id;
    check = createPullAccessChecker(
      createAzureReader({ credential: staticTokenCredential(), endpoint: arm.url, retry: { maxRetries: 0 } }),
    );
  });
  afterEach(() => arm.close());

  it('says no when the principal holds no role at all, reading only', async () => {
    const access = await check(fixOn(legacy));
    assert.deepEqual(access, { canPull: false, detail: 'no role assignment lets the principal pull from the whole registry shopacr' });
    assert.deepEqual(arm.writes, []);
  });

  it('says yes for AcrPull on the registry itself, and names it and the assignment that grants it', async () => {
    const name = '6a1f3c2e-0b4d-4e8f-9a7c-5d2e1f0a3b4c';
    arm.addRoleAssignment({ name, scope: legacy, roleDefinitionId: ROLE_IDS.acrPull, principalId: KUBELET });
    assert.deepEqual(await check(fixOn(legacy)), {
      canPull: true,
      detail: 'AcrPull on the registry itself',
      grantedBy: [{ name, id: `${legacy}/providers/Microsoft.Authorization/roleAssignments/${name}` }],
    });
  });

  it('counts roles inherited from the resource group and the subscription, and those held through a group', async () => {
    arm.addRoleAssignment({
      scope: `/subscriptions/${SUB}/resourceGroups/rg-shop`,
      roleDefinitionId: ROLE_IDS.acrPull,
      principalId: NODE_GROUP,
    });
    const inherited = await check(fixOn(legacy));
    assert.deepEqual([inherited.canPull, inherited.detail], [true, 'AcrPull inherited from resource group rg-shop']);
    assert.match(
      inherited.grantedBy?.[0]?.id ?? '',
      new RegExp(`^/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Authorization/roleAssignments/`),
    );
    arm.addRoleAssignment({ scope: `/subscriptions/${SUB}`, roleDefinitionId: ROLE_IDS.reader, principalId: KUBELET });
    assert.equal((await check(fixOn(legacy))).canPull, true);
  });

  it("does not count another principal's role, or a role on another registry", async () => {
    arm.addRoleAssignment({ scope: legacy, roleDefinitionId: ROLE_IDS.acrPull, principalId: OTHER });
    arm.addRoleAssignment({ scope: abac, roleDefinitionId: ROLE_IDS.acrPull, principalId: KUBELET });
    assert.equal((await check(fixOn(legacy))).canPull, false);
  });

  it('finds the registry whatever the letter case of the fix scope', async () => {
    arm.addRoleAssignment({ scope: legacy, roleDefinitionId: ROLE_IDS.acrPull, principalId: KUBELET });
    const shouted = legacy.replace('resourceGroups/rg-shop', 'resourcegroups/RG-SHOP').replace('shopacr', 'ShopAcr');
    assert.equal((await check(fixOn(shouted))).canPull, true);
  });

  it('follows the registry mode: in ABAC mode AcrPull is not honoured, Container Registry Repository Reader is', async () => {
    arm.addRoleAssignment({ scope: abac, roleDefinitionId: ROLE_IDS.acrPull, principalId: KUBELET });
    const reader = fixOn(abac, ROLE_IDS.containerRegistryRepositoryReader);
    const before = await check(reader);
    assert.equal(before.canPull, false);
    assert.match(before.detail, /not counted: AcrPull on the registry itself: AcrPull is not honoured by a registry in ABAC mode/);
    arm.addRoleAssignment({ scope: abac, roleDefinitionId: ROLE_IDS.containerRegistryRepositoryReader, principalId: KUBELET });
    const after = await check(reader);
    assert.deepEqual(
      [after.canPull, after.detail, after.grantedBy?.length],
      [true, 'Container Registry Repository Reader on the registry itself', 1],
    );
  });

  it('does not count a role limited to some repositories by a condition: the fix grants on the whole registry', async () => {
    arm.addRoleAssignment({
      scope: abac,
      roleDefinitionId: ROLE_IDS.containerRegistryRepositoryReader,
      principalId: KUBELET,
      condition: NOT_TEAM_B,
    });
    const access = await check(fixOn(abac, ROLE_IDS.containerRegistryRepositoryReader));
    assert.equal(access.canPull, false);
    assert.match(
      access.detail,
      /Container Registry Repository Reader on the registry itself: a condition limits it to some repositories, and the fix grants on the whole registry/,
    );
  });

  it('does not count an assignment whose role definition no longer exists', async () => {
    arm.addRoleAssignment({ scope: legacy, roleDefinitionId: '0d0d0d0d-1111-4222-8333-944455556666', principalId: KUBELET });
    const access = await check(fixOn(legacy));
    assert.equal(access.canPull, false);
    assert.match(access.detail, /its role definition 0d0d0d0d-1111-4222-8333-944455556666 could not be read/);
  });

  it('fails with AZURE_NOT_FOUND when the registry is not in its subscription', async () => {
    const error = await failure(check(fixOn(legacy.replace('shopacr', 'goneacr'))));
    assert.equal(error.code, 'AZURE_NOT_FOUND');
    assert.match(error.message, /goneacr is not among the container registries of subscription/);
  });

  it('passes on what Azure refuses, with the facts the executor reads: the missing action, Retry-After', async () => {
    arm.forbid('Microsoft.Authorization/roleAssignments/read', { scope: legacy });
    const forbidden = await failure(check(fixOn(legacy)));
    assert.equal(forbidden.code, 'AZURE_FORBIDDEN');
    assert.equal(forbidden.facts.action, 'Microsoft.Authorization/roleAssignments/read');

    arm.clearForbidden();
    arm.failNext({ method: 'GET', pathPattern: 'Microsoft.ContainerRegistry/registries' }, 429, armErrors.throttled(), { retryAfter: 3 });
    const throttled = await failure(check(fixOn(legacy)));
    assert.equal(throttled.code, 'AZURE_THROTTLED');
    assert.equal(throttled.facts.retryAfterSeconds, 3);
  });
});

describe("the diagnosis' question: can the kubelet identity pull this repository? (fake ARM, real SDK reader)", () => {
  let arm: FakeResourceManager;
  let reader: AzureReader;
  let legacy: RegistryInfo;
  let abac: RegistryInfo;
  const access = (registry: RegistryInfo, repository = 'shop/web') =>
    readPullAccess(reader, { registry, principalId: KUBELET, repository });

  beforeEach(async () => {
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addSubscription({ subscriptionId: SUB });
    arm.addResourceGroup({ subscriptionId: SUB, name: 'rg-shop' });
    arm.addPrincipal({ objectId: KUBELET, principalType: 'ServicePrincipal', memberOf: [NODE_GROUP] });
    arm.addPrincipal({ objectId: NODE_GROUP, principalType: 'Group' });
    arm.addRegistry({ subscriptionId: SUB, resourceGroup: 'rg-shop', name: 'shopacr' });
    arm.addRegistry({ subscriptionId: SUB, resourceGroup: 'rg-shop', name: 'teamsacr', roleAssignmentMode: 'AbacRepositoryPermissions' });
    reader = createAzureReader({ credential: staticTokenCredential(), endpoint: arm.url, retry: { maxRetries: 0 } });
    const registries = await reader.listRegistries(SUB);
    legacy = registries.find((r) => r.name === 'shopacr')!;
    abac = registries.find((r) => r.name === 'teamsacr')!;
  });
  afterEach(() => arm.close());

  it('answers yes for AcrPull held through a group on the resource group, and says which assignment grants it', async () => {
    arm.addRoleAssignment({
      scope: `/subscriptions/${SUB}/resourceGroups/rg-shop`,
      roleDefinitionId: ROLE_IDS.acrPull,
      principalId: NODE_GROUP,
    });
    const evaluation = await access(legacy);
    assert.equal(evaluation.canPull, true);
    assert.deepEqual(
      evaluation.granting.map((g) => [g.roleName, describeScopeRelation(g.assignment.scope, legacy.id)]),
      [['AcrPull', 'inherited from resource group rg-shop']],
    );
  });

  it('reads a custom role by the id its assignment carries, so a role defined in the subscription counts', async () => {
    const puller = arm.addRoleDefinition({
      roleName: 'Shop Image Puller',
      assignableScopes: [`/subscriptions/${SUB}`],
      permissions: [{ actions: [PULL_ACTION] }],
    });
    arm.addRoleAssignment({ scope: legacy.id, roleDefinitionId: puller.guid, principalId: KUBELET });
    const evaluation = await access(legacy);
    assert.equal(evaluation.canPull, true);
    assert.equal(evaluation.granting[0]?.roleName, 'Shop Image Puller');
  });

  it('evaluates a repository condition for the repository the pod pulls', async () => {
    arm.addRoleAssignment({
      scope: abac.id,
      roleDefinitionId: ROLE_IDS.containerRegistryRepositoryReader,
      principalId: KUBELET,
      condition: NOT_TEAM_B,
    });
    assert.equal((await access(abac, 'team-a/api')).canPull, true);
    const teamB = await access(abac, 'team-b/api');
    assert.equal(teamB.canPull, false);
    assert.match(
      teamB.notHonoured[0]?.why ?? '',
      /its condition limits Container Registry Repository Reader to other repositories than "team-b\/api"/,
    );
  });

  it('does not count an assignment whose role definition no longer exists, and says so rather than failing', async () => {
    arm.addRoleAssignment({ scope: legacy.id, roleDefinitionId: '0d0d0d0d-1111-4222-8333-944455556666', principalId: KUBELET });
    const evaluation = await access(legacy);
    assert.equal(evaluation.canPull, false);
    assert.match(evaluation.notHonoured[0]?.why ?? '', /its role definition 0d0d0d0d-1111-4222-8333-944455556666 could not be read/);
  });

  it("passes on a refusal to read role definitions as the reader's error", async () => {
    arm.addRoleAssignment({ scope: legacy.id, roleDefinitionId: ROLE_IDS.acrPull, principalId: KUBELET });
    arm.forbid('Microsoft.Authorization/roleDefinitions/read', { scope: `/subscriptions/${SUB}` });
    const error = await failure(access(legacy));
    assert.equal(error.code, 'AZURE_FORBIDDEN');
  });
});
