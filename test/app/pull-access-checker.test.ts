import assert from 'node:assert/strict';
import { createPullAccessChecker } from '../../src/app/pull-access-checker.js';
import { createAzureReader } from '../../src/clients/azure/create-azure-reader.js';
import type { AssignAcrPullFix } from '../../src/diagnosis/types.js';
import { isPullDoctorError, type PullDoctorError } from '../../src/errors/index.js';
import type { PullAccessChecker } from '../../src/fixes/index.js';
import { ROLE_IDS } from '../../src/diagnosis/roles/rbac.js';
import { armErrors, startFakeResourceManager, type FakeResourceManager } from '../../src/sandbox/resource-manager/index.js';
import { staticTokenCredential } from '../support/static-token-credential.js';
import { testTls } from '../support/tls.js';

const SUB = '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b';
const KUBELET = 'c0ffee00-1234-4abc-8def-0123456789ab';
const OTHER = 'a1b2c3d4-1234-4abc-8def-0123456789ab';
const NODE_GROUP = '9a9a9a9a-1111-4222-8333-944455556666';
const roleId = (guid: string) => `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
/** Every repository but team-b's: a condition that allows most pulls, still not the whole registry. */
const NOT_TEAM_B = "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})) OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringNotStartsWith 'team-b/'))";

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
  const fixOn = (scope: string, role: string = ROLE_IDS.acrPull): AssignAcrPullFix => ({ kind: 'assign-acr-pull', principalId: KUBELET, scope, roleDefinitionId: roleId(role) });

  beforeEach(async () => {
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addSubscription({ subscriptionId: SUB });
    arm.addResourceGroup({ subscriptionId: SUB, name: 'rg-shop' });
    arm.addPrincipal({ objectId: KUBELET, principalType: 'ServicePrincipal', memberOf: [NODE_GROUP] });
    arm.addPrincipal({ objectId: NODE_GROUP, principalType: 'Group' });
    legacy = arm.addRegistry({ subscriptionId: SUB, resourceGroup: 'rg-shop', name: 'shopacr' }).id;
    abac = arm.addRegistry({ subscriptionId: SUB, resourceGroup: 'rg-shop', name: 'teamsacr', roleAssignmentMode: 'AbacRepositoryPermissions' }).id;
    check = createPullAccessChecker(createAzureReader({ credential: staticTokenCredential(), endpoint: arm.url, retry: { maxRetries: 0 } }));
  });
  afterEach(() => arm.close());

  it('says no when the principal holds no role at all, reading only', async () => {
    const access = await check(fixOn(legacy));
    assert.deepEqual(access, { canPull: false, detail: 'no role assignment lets the principal pull from the whole registry shopacr' });
    assert.deepEqual(arm.writes, []);
  });

  it('says yes for AcrPull on the registry itself, and names it', async () => {
    arm.addRoleAssignment({ scope: legacy, roleDefinitionId: ROLE_IDS.acrPull, principalId: KUBELET });
    assert.deepEqual(await check(fixOn(legacy)), { canPull: true, detail: 'AcrPull on the registry itself' });
  });

  it('counts roles inherited from the resource group and the subscription, and those held through a group', async () => {
    arm.addRoleAssignment({ scope: `/subscriptions/${SUB}/resourceGroups/rg-shop`, roleDefinitionId: ROLE_IDS.acrPull, principalId: NODE_GROUP });
    assert.deepEqual(await check(fixOn(legacy)), { canPull: true, detail: 'AcrPull inherited from resource group rg-shop' });
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
    assert.deepEqual(await check(reader), { canPull: true, detail: 'Container Registry Repository Reader on the registry itself' });
  });

  it('does not count a role limited to some repositories by a condition: the fix grants on the whole registry', async () => {
    arm.addRoleAssignment({ scope: abac, roleDefinitionId: ROLE_IDS.containerRegistryRepositoryReader, principalId: KUBELET, condition: NOT_TEAM_B });
    const access = await check(fixOn(abac, ROLE_IDS.containerRegistryRepositoryReader));
    assert.equal(access.canPull, false);
    assert.match(access.detail, /Container Registry Repository Reader on the registry itself: a condition limits it to some repositories, and the fix grants on the whole registry/);
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
