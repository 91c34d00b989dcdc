import assert from 'node:assert/strict';
import {
  createRoleAssignmentWriter,
  roleAssignmentName,
  roleAssignmentName as executorsName,
  uuidV5,
} from '../../../src/clients/azure/role-assignment-writer.js';
import { isPullDoctorError, type PullDoctorError } from '../../../src/errors/index.js';
import { ROLE_IDS } from '../../../src/diagnosis/roles/rbac.js';
import { armError, armErrors, startFakeResourceManager, type FakeResourceManager } from '../../../src/sandbox/resource-manager/index.js';
import { staticTokenCredential } from '../../support/static-token-credential.js';
import { testTls } from '../../support/tls.js';

const SUB = '4a4a4a4a-1b2c-4d3e-8f4a-5b6c7d8e9f00';
const KUBELET = 'c0c0c0c0-1b2c-4d3e-8f4a-5b6c7d8e9f00';
const FAST = { maxRetries: 1, retryDelayInMs: 1, maxRetryDelayInMs: 5, maxRetryAfterMs: 0 };

async function failure(promise: Promise<unknown>): Promise<PullDoctorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isPullDoctorError(error));
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('createRoleAssignmentWriter against the fake ARM', () => {
  let arm: FakeResourceManager;
  let registryId: string;
  const acrPull = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`;

  function writer() {
    return createRoleAssignmentWriter({ credential: staticTokenCredential(), endpoint: arm.url, retry: FAST });
  }

  beforeEach(async () => {
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addSubscription({ subscriptionId: SUB });
    arm.addResourceGroup({ subscriptionId: SUB, name: 'rg' });
    registryId = arm.addRegistry({ subscriptionId: SUB, resourceGroup: 'rg', name: 'acr' }).id;
  });

  afterEach(async () => {
    await arm.close();
  });

  it('creates the assignment with the given name and principal type, and PUTs exactly once', async () => {
    const name = roleAssignmentName(registryId, KUBELET, acrPull);
    const result = await writer().createRoleAssignment({
      scope: registryId,
      name,
      roleDefinitionId: acrPull,
      principalId: KUBELET,
      principalType: 'ServicePrincipal',
    });
    assert.deepEqual(result, { outcome: 'created', id: `${registryId}/providers/Microsoft.Authorization/roleAssignments/${name}` });
    assert.equal(arm.writes.length, 1);
    assert.equal(arm.writes[0]!.path, `${registryId}/providers/Microsoft.Authorization/roleAssignments/${name}`);
    assert.deepEqual(arm.writes[0]!.body, {
      properties: { roleDefinitionId: acrPull, principalId: KUBELET, principalType: 'ServicePrincipal' },
    });
    assert.equal(arm.roleAssignments()[0]?.principalType, 'ServicePrincipal');
  });

  it('succeeds again when retried with the same deterministic name', async () => {
    const name = roleAssignmentName(registryId, KUBELET, acrPull);
    const input = { scope: registryId, name, roleDefinitionId: acrPull, principalId: KUBELET, principalType: 'ServicePrincipal' as const };
    const first = await writer().createRoleAssignment(input);
    const second = await writer().createRoleAssignment(input);
    assert.equal(second.id, first.id);
    assert.equal(arm.roleAssignments().length, 1);
  });

  it("reports 'exists' with the existing assignment's id when the grant exists under another name", async () => {
    const existing = arm.addRoleAssignment({ scope: registryId, roleDefinitionId: ROLE_IDS.acrPull, principalId: KUBELET });
    const result = await writer().createRoleAssignment({
      scope: registryId,
      name: roleAssignmentName(registryId, KUBELET, acrPull),
      roleDefinitionId: acrPull,
      principalId: KUBELET,
      principalType: 'ServicePrincipal',
    });
    assert.deepEqual(result, { outcome: 'exists', id: existing.id });
    assert.deepEqual(
      arm.writes.map((w) => w.status),
      [409],
    );
  });

  it("finds the existing assignment by listing when ARM's 409 does not name it (older message)", async () => {
    const existing = arm.addRoleAssignment({ scope: registryId, roleDefinitionId: ROLE_IDS.acrPull, principalId: KUBELET });
    arm.failNext(
      { method: 'PUT', pathPattern: 'roleAssignments' },
      409,
      armError('RoleAssignmentExists', 'The role assignment already exists.'),
    );
    const result = await writer().createRoleAssignment({
      scope: registryId,
      name: roleAssignmentName(registryId, KUBELET, acrPull),
      roleDefinitionId: acrPull,
      principalId: KUBELET,
      principalType: 'ServicePrincipal',
    });
    assert.deepEqual(result, { outcome: 'exists', id: existing.id });
    assert.equal(arm.requests.at(-1)?.query.$filter, `principalId eq '${KUBELET}'`);
  });

  it('maps 403 to AZURE_FORBIDDEN carrying Microsoft.Authorization/roleAssignments/write', async () => {
    arm.forbid('Microsoft.Authorization/roleAssignments/write');
    const error = await failure(
      writer().createRoleAssignment({
        scope: registryId,
        name: roleAssignmentName(registryId, KUBELET, acrPull),
        roleDefinitionId: acrPull,
        principalId: KUBELET,
        principalType: 'ServicePrincipal',
      }),
    );
    assert.equal(error.code, 'AZURE_FORBIDDEN');
    assert.equal(error.facts.action, 'Microsoft.Authorization/roleAssignments/write');
    assert.equal(error.facts.status, 403);
    assert.equal(error.facts.armCode, 'AuthorizationFailed');
  });

  it('throws other ARM failures with status and code facts (unknown role, missing registry, 500)', async () => {
    const name = roleAssignmentName(registryId, KUBELET, acrPull);
    const unknownRole = await failure(
      writer().createRoleAssignment({
        scope: registryId,
        name,
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/0f0f0f0f-0000-4000-8000-000000000000`,
        principalId: KUBELET,
        principalType: 'ServicePrincipal',
      }),
    );
    assert.equal(unknownRole.code, 'AZURE_API_ERROR');
    assert.deepEqual([unknownRole.facts.status, unknownRole.facts.armCode], [400, 'RoleDefinitionDoesNotExist']);

    const gone = await failure(
      writer().createRoleAssignment({
        scope: `${registryId}x`,
        name,
        roleDefinitionId: acrPull,
        principalId: KUBELET,
        principalType: 'ServicePrincipal',
      }),
    );
    assert.deepEqual([gone.code, gone.facts.armCode], ['AZURE_NOT_FOUND', 'ResourceNotFound']);

    arm.failNext({ method: 'PUT', pathPattern: 'roleAssignments' }, 500, armErrors.internal(), { times: 2 });
    const broken = await failure(
      writer().createRoleAssignment({
        scope: registryId,
        name,
        roleDefinitionId: acrPull,
        principalId: KUBELET,
        principalType: 'ServicePrincipal',
      }),
    );
    assert.deepEqual([broken.code, broken.facts.status], ['AZURE_API_ERROR', 500]);
  });

  it('refuses a name or principal that is not a GUID before calling Azure', async () => {
    const error = await failure(
      writer().createRoleAssignment({
        scope: registryId,
        name: 'acrpull-for-aks',
        roleDefinitionId: acrPull,
        principalId: KUBELET,
        principalType: 'ServicePrincipal',
      }),
    );
    assert.equal(error.code, 'INVALID_INPUT');
    assert.equal(arm.requests.length, 0);
  });
});

describe('deterministic role assignment names', () => {
  const SUB = '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b';
  const REGISTRY_ID = `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr`;
  const KUBELET = 'c0ffee00-1234-4abc-8def-0123456789ab';
  const ACR_PULL = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`;

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
    assert.equal(
      roleAssignmentName(REGISTRY_ID.slice(1), KUBELET, `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`),
      name,
    );
    assert.equal(roleAssignmentName(REGISTRY_ID, KUBELET, ROLE_IDS.acrPull), name);
  });

  it('gives different names for a different registry, principal or role', () => {
    const name = roleAssignmentName(REGISTRY_ID, KUBELET, ACR_PULL);
    assert.notEqual(roleAssignmentName(REGISTRY_ID.replace('shopacr', 'shopacr2'), KUBELET, ACR_PULL), name);
    assert.notEqual(roleAssignmentName(REGISTRY_ID, KUBELET.replace('c0ffee00', 'c0ffee01'), ACR_PULL), name);
    assert.notEqual(roleAssignmentName(REGISTRY_ID, KUBELET, ROLE_IDS.containerRegistryRepositoryReader), name);
  });
});
