import assert from 'node:assert/strict';
import { CredentialUnavailableError, type TokenCredential } from '@azure/identity';
import { createAzureReader } from '../../../src/clients/azure/azure-reader.js';
import type { AzureRetryOptions } from '../../../src/clients/azure/azure-sdk.js';
import { isPullDoctorError, type PullDoctorError } from '../../../src/errors/index.js';
import { createLogger, memorySink } from '../../../src/logging/index.js';
import { ROLE_IDS } from '../../../src/diagnosis/roles/rbac.js';
import { armError, armErrors, startFakeResourceManager, type FakeResourceManager } from '../../../src/sandbox/resource-manager/index.js';
import { staticTokenCredential } from '../../support/static-token-credential.js';
import { testTls } from '../../support/tls.js';

const SUB = '6f2c3a1e-8b7d-4c5e-9a0f-1b2c3d4e5f60';
const RG = 'rg-aks';
const KUBELET = '3e1f0c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const TEAM_GROUP = '7a7a7a7a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const SOMEONE_ELSE = '9b9b9b9b-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const FAST: AzureRetryOptions = { maxRetries: 1, retryDelayInMs: 1, maxRetryDelayInMs: 5, maxRetryAfterMs: 0 };

async function failure(promise: Promise<unknown>): Promise<PullDoctorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isPullDoctorError(error), `expected a PullDoctorError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('createAzureReader against the fake ARM, through the real SDKs', () => {
  let arm: FakeResourceManager;
  let clusterId: string;
  let registryId: string;
  const sink = memorySink();

  function reader(credential: TokenCredential = staticTokenCredential('reader-secret-token')) {
    return createAzureReader({ credential, endpoint: arm.url, retry: FAST, log: createLogger({ sink, level: 'debug' }) });
  }

  beforeEach(async () => {
    sink.records.length = 0;
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addManagementGroup({ name: 'mg-corp' });
    arm.addSubscription({ subscriptionId: SUB, managementGroup: 'mg-corp' });
    arm.addResourceGroup({ subscriptionId: SUB, name: RG });
    clusterId = arm.addManagedCluster({
      subscriptionId: SUB,
      resourceGroup: RG,
      name: 'aks-prod',
      kubeletIdentity: { objectId: KUBELET, clientId: '1c1c1c1c-5b6d-4e7f-8a9b-0c1d2e3f4a5b' },
    }).id;
    registryId = arm.addRegistry({
      subscriptionId: SUB,
      resourceGroup: RG,
      name: 'corpacr',
      networkRuleSet: { defaultAction: 'Deny', ipRules: ['198.51.100.7'] },
      networkRuleBypassOptions: 'None',
      privateEndpointConnections: [{ name: 'pe-1', status: 'Pending' }],
      adminUserEnabled: true,
    }).id;
  });

  afterEach(async () => {
    await arm.close();
  });

  describe('clusters and registries', () => {
    it('reads a managed-identity cluster into the slim type: kubelet identity, "msi", power state, fqdn', async () => {
      const cluster = await reader().getManagedCluster(clusterId.toLowerCase());
      assert.equal(cluster.id, clusterId);
      assert.equal(cluster.name, 'aks-prod');
      assert.equal(cluster.resourceGroup, RG);
      assert.equal(cluster.subscriptionId, SUB);
      assert.equal(cluster.location, 'westeurope');
      assert.match(cluster.fqdn ?? '', /\.hcp\.westeurope\.azmk8s\.io$/);
      assert.deepEqual(cluster.kubeletIdentity, {
        objectId: KUBELET,
        clientId: '1c1c1c1c-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
        resourceId: `/subscriptions/${SUB}/resourcegroups/MC_rg-aks_aks-prod_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-prod-agentpool`,
      });
      assert.equal(cluster.servicePrincipalClientId, 'msi');
      assert.equal(cluster.powerState, 'Running');
      assert.equal(cluster.provisioningState, 'Succeeded');
    });

    it('reads a private service-principal cluster: private FQDN, no public one, no kubelet identity', async () => {
      const id = arm.addManagedCluster({
        subscriptionId: SUB,
        resourceGroup: RG,
        name: 'aks-private',
        fqdn: null,
        privateFqdn: 'aks-private-7f3a.0d1e2f3a.privatelink.westeurope.azmk8s.io',
        kubeletIdentity: null,
        servicePrincipalClientId: '2d2d2d2d-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
        powerState: 'Stopped',
      }).id;
      const cluster = await reader().getManagedCluster(id);
      assert.equal(cluster.fqdn, undefined);
      assert.equal(cluster.privateFqdn, 'aks-private-7f3a.0d1e2f3a.privatelink.westeurope.azmk8s.io');
      assert.equal(cluster.kubeletIdentity, undefined);
      assert.equal(cluster.servicePrincipalClientId, '2d2d2d2d-5b6d-4e7f-8a9b-0c1d2e3f4a5b');
      assert.equal(cluster.powerState, 'Stopped');
    });

    it('lists every cluster of a subscription across pages', async () => {
      arm.addResourceGroup({ subscriptionId: SUB, name: 'rg-other' });
      arm.addManagedCluster({ subscriptionId: SUB, resourceGroup: 'rg-other', name: 'aks-dev' });
      arm.pageSize = 1;
      const clusters = await reader().listManagedClusters(SUB);
      assert.deepEqual(clusters.map((c) => `${c.resourceGroup}/${c.name}`).sort(), ['rg-aks/aks-prod', 'rg-other/aks-dev']);
    });

    it('lists registries with login server, network rules, private endpoints and admin user', async () => {
      const [registry] = await reader().listRegistries(SUB);
      assert.ok(registry);
      assert.equal(registry.id, registryId);
      assert.equal(registry.loginServer, 'corpacr.azurecr.io');
      assert.equal(registry.sku, 'Standard');
      assert.equal(registry.publicNetworkAccess, 'Enabled');
      assert.equal(registry.networkDefaultAction, 'Deny');
      assert.deepEqual(registry.ipRules, ['198.51.100.7']);
      assert.equal(registry.networkRuleBypass, 'None');
      assert.deepEqual(registry.privateEndpointConnections, [{ id: `${registryId}/privateEndpointConnections/pe-1`, status: 'Pending' }]);
      assert.equal(registry.roleAssignmentMode, 'LegacyRegistryPermissions');
      assert.equal(registry.adminUserEnabled, true);
      assert.equal(registry.anonymousPullEnabled, false);
    });

    it('refuses an id that is not an AKS cluster without calling Azure', async () => {
      const error = await failure(reader().getManagedCluster(registryId));
      assert.equal(error.code, 'INVALID_INPUT');
      assert.equal(arm.requests.length, 0);
    });
  });

  describe('Azure Resource Graph', () => {
    const HUB = '9d8c7b6a-8b7d-4c5e-9a0f-1b2c3d4e5f60';
    let hubRegistryId: string;
    beforeEach(() => {
      arm.addSubscription({ subscriptionId: HUB });
      arm.addResourceGroup({ subscriptionId: HUB, name: 'rg-hub' });
      hubRegistryId = arm.addRegistry({
        subscriptionId: HUB,
        resourceGroup: 'rg-hub',
        name: 'platformhubacr',
        sku: 'Premium',
        roleAssignmentMode: 'AbacRepositoryPermissions',
        privateEndpointConnections: [{ name: 'pe-hub', status: 'Approved' }],
        publicNetworkAccess: 'Disabled',
      }).id;
    });

    it('maps a cluster and registries found with one query exactly as the ARM reads map them', async () => {
      const cluster = await reader().getManagedCluster(clusterId);
      const registries = [...(await reader().listRegistries(SUB)), ...(await reader().listRegistries(HUB))];
      const found = await reader().findResources({
        apiServerHosts: [cluster.fqdn!.toUpperCase()],
        clusterNames: [],
        loginServers: ['corpacr.azurecr.io', 'PLATFORMHUBACR.azurecr.io', 'missingacr.azurecr.io'],
      });
      assert.deepEqual(found.clusters, [cluster]);
      assert.deepEqual(
        [...found.registries].sort((a, b) => a.name.localeCompare(b.name)),
        [...registries].sort((a, b) => a.name.localeCompare(b.name)),
      );
      assert.equal(found.registries.find((r) => r.id === hubRegistryId)?.roleAssignmentMode, 'AbacRepositoryPermissions');
      const graph = arm.requests.filter((r) => r.path === '/providers/Microsoft.ResourceGraph/resources');
      assert.equal(graph.length, 1);
      assert.deepEqual((graph[0]!.body as { options: unknown }).options, { $top: 1000 });
      assert.equal((graph[0]!.body as { subscriptions?: unknown }).subscriptions, undefined, 'every readable subscription');
    });

    it('sends nothing when there is nothing valid to look for', async () => {
      const found = await reader().findResources({ apiServerHosts: ['not a host'], clusterNames: ["x'--"], loginServers: [] });
      assert.deepEqual(found, { clusters: [], registries: [] });
      assert.equal(arm.requests.length, 0);
    });

    it('lists every readable registry by name and login server in one page, and says when there were more', async () => {
      const summaries = await reader().listRegistrySummaries();
      assert.deepEqual(summaries, {
        registries: [
          { id: registryId, name: 'corpacr', loginServer: 'corpacr.azurecr.io' },
          { id: hubRegistryId, name: 'platformhubacr', loginServer: 'platformhubacr.azurecr.io' },
        ],
        complete: true,
      });
      for (let i = 0; i < 1000; i++)
        arm.addRegistry({ subscriptionId: HUB, resourceGroup: 'rg-hub', name: `team${String(i).padStart(4, '0')}acr` });
      const many = await reader().listRegistrySummaries();
      assert.equal(many.registries.length, 1000);
      assert.equal(many.complete, false);
    });

    it('maps Resource Graph refusals like any ARM failure: 403 AccessDenied is AZURE_FORBIDDEN', async () => {
      arm.forbid('Microsoft.ResourceGraph/resources/read');
      const error = await failure(reader().listRegistrySummaries());
      assert.equal(error.code, 'AZURE_FORBIDDEN');
      assert.equal(error.facts.armCode, 'AccessDenied');
      assert.equal(error.facts.status, 403);
    });
  });

  describe('role assignments and definitions', () => {
    beforeEach(() => {
      arm.addPrincipal({ objectId: KUBELET, principalType: 'ServicePrincipal', memberOf: [TEAM_GROUP] });
      arm.addPrincipal({ objectId: TEAM_GROUP, principalType: 'Group' });
      arm.addRoleAssignment({ scope: registryId, roleDefinitionId: ROLE_IDS.acrPull, principalId: SOMEONE_ELSE });
      arm.addRoleAssignment({
        scope: `/subscriptions/${SUB}/resourceGroups/${RG}`,
        roleDefinitionId: ROLE_IDS.reader,
        principalId: KUBELET,
      });
      arm.addRoleAssignment({ scope: `/subscriptions/${SUB}`, roleDefinitionId: ROLE_IDS.acrPush, principalId: TEAM_GROUP });
      arm.addRoleAssignment({
        scope: '/providers/Microsoft.Management/managementGroups/mg-corp',
        roleDefinitionId: ROLE_IDS.contributor,
        principalId: KUBELET,
      });
      arm.addRoleAssignment({ scope: `${clusterId}`, roleDefinitionId: ROLE_IDS.owner, principalId: KUBELET });
    });

    it("lists the principal's assignments inherited from the group, subscription (via a group) and management group", async () => {
      const assignments = await reader().listRoleAssignmentsForPrincipal(registryId, KUBELET);
      const seen = assignments.map((a) => `${a.roleDefinitionId.split('/').pop()}@${a.scope}`).sort();
      assert.deepEqual(
        seen,
        [
          `${ROLE_IDS.acrPush}@/subscriptions/${SUB}`,
          `${ROLE_IDS.reader}@/subscriptions/${SUB}/resourceGroups/${RG}`,
          `${ROLE_IDS.contributor}@/providers/Microsoft.Management/managementGroups/mg-corp`,
        ].sort(),
      );
      const request = arm.requests.at(-1)!;
      assert.equal(request.query.$filter, `atScope() and assignedTo('${KUBELET}')`);
      assert.equal(request.path, `${registryId}/providers/Microsoft.Authorization/roleAssignments`);
    });

    it('keeps the role definition id in the form ARM returns for the scope', async () => {
      const assignments = await reader().listRoleAssignmentsForPrincipal(registryId, KUBELET);
      const fromGroup = assignments.find((a) => a.scope.endsWith(RG))!;
      const fromManagementGroup = assignments.find((a) => a.scope.includes('managementGroups'))!;
      assert.equal(
        fromGroup.roleDefinitionId,
        `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.reader}`,
      );
      assert.equal(fromManagementGroup.roleDefinitionId, `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.contributor}`);
      assert.equal(fromGroup.principalType, 'ServicePrincipal');
    });

    it('refuses a principal id that is not a GUID, so nothing can be injected into $filter', async () => {
      const error = await failure(reader().listRoleAssignmentsForPrincipal(registryId, "x') or atScope() or ('"));
      assert.equal(error.code, 'INVALID_INPUT');
      assert.equal(arm.requests.length, 0);
    });

    it('reads role definitions by subscription-level id, tenant-level id and bare GUID', async () => {
      const r = reader();
      const bySubscription = await r.getRoleDefinition(
        `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`,
      );
      const byTenant = await r.getRoleDefinition(
        `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.containerRegistryRepositoryReader}`,
      );
      const byGuid = await r.getRoleDefinition(ROLE_IDS.contributor);
      assert.deepEqual(bySubscription, {
        id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`,
        name: ROLE_IDS.acrPull,
        roleName: 'AcrPull',
        roleType: 'BuiltInRole',
        permissions: [
          { actions: ['Microsoft.ContainerRegistry/registries/pull/read'], notActions: [], dataActions: [], notDataActions: [] },
        ],
      });
      assert.equal(byTenant.roleName, 'Container Registry Repository Reader');
      assert.ok(byGuid.permissions[0]!.notActions.includes('Microsoft.Authorization/*/Write'));
    });
  });

  describe('failures', () => {
    it('maps 401 to AZURE_UNAUTHORIZED', async () => {
      await arm.close();
      arm = await startFakeResourceManager({ tls: testTls(), acceptToken: () => false });
      const error = await failure(reader().listManagedClusters(SUB));
      assert.equal(error.code, 'AZURE_UNAUTHORIZED');
      assert.equal(error.facts.status, 401);
      assert.equal(error.facts.armCode, 'InvalidAuthenticationToken');
    });

    it('maps 403 to AZURE_FORBIDDEN carrying the action ARM says is missing', async () => {
      arm.forbid('Microsoft.Authorization/roleAssignments/read', { scope: `/subscriptions/${SUB}` });
      const error = await failure(reader().listRoleAssignmentsForPrincipal(registryId, KUBELET));
      assert.equal(error.code, 'AZURE_FORBIDDEN');
      assert.equal(error.facts.action, 'Microsoft.Authorization/roleAssignments/read');
      assert.match(error.message, /lacks Microsoft\.Authorization\/roleAssignments\/read/);
      assert.match(error.advice ?? '', /Microsoft\.Authorization\/roleAssignments\/read/);
    });

    it("maps 404 to AZURE_NOT_FOUND naming the resource and ARM's code", async () => {
      const error = await failure(reader().getManagedCluster(clusterId.replace('aks-prod', 'aks-gone')));
      assert.equal(error.code, 'AZURE_NOT_FOUND');
      assert.equal(error.facts.armCode, 'ResourceNotFound');
      assert.match(error.message, /aks-gone/);
    });

    it('retries a 429 after Retry-After and returns the answer', async () => {
      arm.failNext({ pathPattern: 'managedClusters' }, 429, armErrors.throttled(), { retryAfter: 0 });
      const cluster = await reader().getManagedCluster(clusterId);
      assert.equal(cluster.name, 'aks-prod');
      assert.deepEqual(
        arm.requests.map((r) => r.status),
        [429, 200],
      );
    });

    it('shortens a long Retry-After to the configured bound instead of waiting for it', async () => {
      arm.failNext({ pathPattern: 'managedClusters' }, 429, armErrors.throttled(), { retryAfter: 3600 });
      const cluster = await reader().getManagedCluster(clusterId);
      assert.equal(cluster.name, 'aks-prod');
    });

    it('gives up after the bounded retries: AZURE_THROTTLED with Retry-After, AZURE_API_ERROR for 500', async () => {
      arm.failNext({ pathPattern: 'managedClusters' }, 429, armErrors.throttled(), { retryAfter: 0, times: 2 });
      const throttled = await failure(reader().getManagedCluster(clusterId));
      assert.equal(throttled.code, 'AZURE_THROTTLED');
      assert.equal(throttled.facts.retryAfterSeconds, 0);
      arm.failNext({ pathPattern: 'registries' }, 500, armErrors.internal(), { times: 2 });
      const broken = await failure(reader().listRegistries(SUB));
      assert.equal(broken.code, 'AZURE_API_ERROR');
      assert.equal(broken.facts.status, 500);
      assert.equal(arm.requests.filter((r) => r.path.endsWith('/registries')).length, 2, 'one try and one bounded retry');
    });

    it('maps a 400 from ARM to AZURE_API_ERROR with the status and code as facts', async () => {
      arm.failNext({ pathPattern: 'roleDefinitions' }, 400, armError('BadRequest', 'Something about the request was wrong.'));
      const error = await failure(reader().getRoleDefinition(ROLE_IDS.acrPull));
      assert.equal(error.code, 'AZURE_API_ERROR');
      assert.equal(error.facts.status, 400);
      assert.equal(error.facts.armCode, 'BadRequest');
    });

    it('turns a credential that cannot produce a token into AZURE_CREDENTIAL_UNAVAILABLE with advice', async () => {
      const credential = {
        async getToken(): Promise<never> {
          throw new CredentialUnavailableError("Please run 'az login' from a command prompt to authenticate before using this credential.");
        },
      };
      const error = await failure(reader(credential).listManagedClusters(SUB));
      assert.equal(error.code, 'AZURE_CREDENTIAL_UNAVAILABLE');
      assert.match(error.message, /az login/);
      assert.match(error.advice ?? '', /AZURE_CREDENTIAL/);
      assert.equal(arm.requests.length, 0);
    });

    it('never writes the bearer token into its logs', async () => {
      arm.failNext({ pathPattern: 'managedClusters' }, 500, armErrors.internal(), { times: 2 });
      await failure(reader().getManagedCluster(clusterId));
      assert.ok(sink.records.length > 0);
      assert.ok(!JSON.stringify(sink.records).includes('reader-secret-token'));
    });
  });
});
