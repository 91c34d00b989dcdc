import assert from 'node:assert/strict';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { parse } from 'yaml';
import { ROLE_IDS } from '../../../src/diagnosis/roles/rbac.js';
import { armErrors, startFakeResourceManager, type FakeResourceManager } from '../../../src/sandbox/resource-manager/index.js';
import { staticTokenCredential } from '../../support/static-token-credential.js';
import { testTls } from '../../support/tls.js';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const RG = 'rg-platform';
const KUBELET = 'a4b5c6d7-1111-4222-8333-944455556666';
const OTHER_PRINCIPAL = 'f0e1d2c3-1111-4222-8333-944455556666';
const NO_RETRY = { retryOptions: { maxRetries: 0 } };

function clients(arm: FakeResourceManager, token = 'fake-arm-token') {
  const credential = staticTokenCredential(token);
  const options = { endpoint: arm.url, $host: arm.url, ...NO_RETRY };
  return {
    credential,
    aks: new ContainerServiceClient(credential, SUB, options),
    acr: new ContainerRegistryManagementClient(credential, SUB, { endpoint: arm.url, ...NO_RETRY }),
    auth: new AuthorizationManagementClient(credential, SUB, options),
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; code?: string; message: string };
  }
  assert.fail('expected the call to fail');
}

describe('fake Azure Resource Manager', () => {
  let arm: FakeResourceManager;
  let clusterId: string;
  let registryId: string;

  beforeEach(async () => {
    arm = await startFakeResourceManager({ tls: testTls() });
    arm.addManagementGroup({ name: 'mg-platform' });
    arm.addManagementGroup({ name: 'mg-team', parent: 'mg-platform' });
    arm.addSubscription({ subscriptionId: SUB, managementGroup: 'mg-team' });
    arm.addResourceGroup({ subscriptionId: SUB, name: RG, location: 'westeurope' });
    clusterId = arm.addManagedCluster({
      subscriptionId: SUB,
      resourceGroup: RG,
      name: 'aks-prod',
      fqdn: 'aks-prod-dns-q1w2e3r4.hcp.westeurope.azmk8s.io',
      kubeletIdentity: { objectId: KUBELET, clientId: '0c1d2e3f-1111-4222-8333-944455556666' },
      kubeconfig: { server: 'https://aks-prod-dns-q1w2e3r4.hcp.westeurope.azmk8s.io:443', caPem: testTls().ca },
    }).id;
    registryId = arm.addRegistry({
      subscriptionId: SUB,
      resourceGroup: RG,
      name: 'contosoacr',
      sku: 'Premium',
      publicNetworkAccess: 'Disabled',
      networkRuleSet: { defaultAction: 'Deny', ipRules: ['203.0.113.0/24'] },
      privateEndpointConnections: [{ name: 'pe-acr', status: 'Approved' }],
      roleAssignmentMode: 'AbacRepositoryPermissions',
    }).id;
  });

  afterEach(async () => {
    await arm.close();
  });

  describe('managed clusters', () => {
    it('serves a cluster the real SDK maps into fqdn, kubelet identity, "msi" client id and power state', async () => {
      const { aks } = clients(arm);
      const cluster = await aks.managedClusters.get(RG, 'aks-prod');
      assert.equal(cluster.id, clusterId);
      assert.equal(cluster.fqdn, 'aks-prod-dns-q1w2e3r4.hcp.westeurope.azmk8s.io');
      assert.equal(cluster.identityProfile?.kubeletidentity?.objectId, KUBELET);
      assert.equal(cluster.servicePrincipalProfile?.clientId, 'msi');
      assert.equal(cluster.powerState?.code, 'Running');
      assert.equal(cluster.nodeResourceGroup, 'MC_rg-platform_aks-prod_westeurope');
      assert.equal(cluster.location, 'westeurope');
    });

    it('lists clusters by subscription and by resource group, following nextLink across pages', async () => {
      arm.addManagedCluster({ subscriptionId: SUB, resourceGroup: RG, name: 'aks-dev' });
      arm.pageSize = 1;
      const { aks } = clients(arm);
      const bySubscription = await collect(aks.managedClusters.list());
      const byGroup = await collect(aks.managedClusters.listByResourceGroup(RG));
      assert.deepEqual(bySubscription.map((c) => c.name).sort(), ['aks-dev', 'aks-prod']);
      assert.deepEqual(byGroup.map((c) => c.name).sort(), ['aks-dev', 'aks-prod']);
      assert.ok(
        arm.requests.some((r) => r.query.$skipToken !== undefined),
        'the second page was requested with $skipToken',
      );
    });

    it('answers 404 ResourceNotFound for an unknown cluster and ResourceGroupNotFound for an unknown group', async () => {
      const { aks } = clients(arm);
      const missingCluster = await rejection(aks.managedClusters.get(RG, 'nope'));
      assert.equal(missingCluster.statusCode, 404);
      assert.equal(missingCluster.code, 'ResourceNotFound');
      assert.match(
        missingCluster.message,
        /Microsoft\.ContainerService\/managedClusters\/nope' under resource group 'rg-platform' was not found/,
      );
      const missingGroup = await rejection(aks.managedClusters.get('rg-gone', 'aks-prod'));
      assert.equal(missingGroup.code, 'ResourceGroupNotFound');
    });

    it('returns the cluster user kubeconfig, base64 YAML with the configured server and CA', async () => {
      const { aks } = clients(arm);
      const result = await aks.managedClusters.listClusterUserCredentials(RG, 'aks-prod');
      const kubeconfig = parse(Buffer.from(result.kubeconfigs![0]!.value!).toString('utf8')) as {
        clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
        users: Array<{ name: string }>;
      };
      assert.equal(kubeconfig.clusters[0]!.cluster.server, 'https://aks-prod-dns-q1w2e3r4.hcp.westeurope.azmk8s.io:443');
      assert.equal(Buffer.from(kubeconfig.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString('utf8'), testTls().ca);
      assert.equal(kubeconfig.users[0]!.name, 'clusterUser_rg-platform_aks-prod');
    });
  });

  describe('registries', () => {
    it('serves registries with login server, network rules, private endpoints and the role assignment mode', async () => {
      const { acr } = clients(arm);
      const [listed] = await collect(acr.registries.list());
      const registry = await acr.registries.get(RG, 'contosoacr');
      assert.equal(listed?.id, registryId);
      assert.equal(registry.loginServer, 'contosoacr.azurecr.io');
      assert.equal(registry.sku.name, 'Premium');
      assert.equal(registry.publicNetworkAccess, 'Disabled');
      assert.equal(registry.networkRuleSet?.defaultAction, 'Deny');
      assert.deepEqual(
        registry.networkRuleSet?.ipRules?.map((r) => r.iPAddressOrRange),
        ['203.0.113.0/24'],
      );
      assert.equal(registry.privateEndpointConnections?.[0]?.privateLinkServiceConnectionState?.status, 'Approved');
      assert.equal(registry.roleAssignmentMode, 'AbacRepositoryPermissions');
      assert.equal(registry.anonymousPullEnabled, false);
    });
  });

  describe('role assignments', () => {
    beforeEach(() => {
      arm.addPrincipal({ objectId: KUBELET, principalType: 'ServicePrincipal', memberOf: ['9a9a9a9a-1111-4222-8333-944455556666'] });
      arm.addPrincipal({ objectId: '9a9a9a9a-1111-4222-8333-944455556666', principalType: 'Group' });
      arm.addRoleAssignment({
        name: '10000000-0000-4000-8000-000000000001',
        scope: registryId,
        roleDefinitionId: ROLE_IDS.acrPull,
        principalId: KUBELET,
      });
      arm.addRoleAssignment({
        name: '10000000-0000-4000-8000-000000000002',
        scope: `/subscriptions/${SUB}/resourceGroups/${RG}`,
        roleDefinitionId: ROLE_IDS.reader,
        principalId: '9a9a9a9a-1111-4222-8333-944455556666',
      });
      arm.addRoleAssignment({
        name: '10000000-0000-4000-8000-000000000003',
        scope: '/providers/Microsoft.Management/managementGroups/mg-platform',
        roleDefinitionId: ROLE_IDS.contributor,
        principalId: KUBELET,
      });
      arm.addRoleAssignment({
        name: '10000000-0000-4000-8000-000000000004',
        scope: registryId,
        roleDefinitionId: ROLE_IDS.acrPush,
        principalId: OTHER_PRINCIPAL,
      });
    });

    async function names(scope: string, filter?: string): Promise<string[]> {
      const { auth } = clients(arm);
      const found = await collect(auth.roleAssignments.listForScope(scope.replace(/^\//, ''), filter === undefined ? {} : { filter }));
      return found.map((a) => a.name!.slice(-1)).sort();
    }

    it('atScope() returns assignments at the scope and inherited from the group, subscription and management groups', async () => {
      assert.deepEqual(await names(registryId, 'atScope()'), ['1', '2', '3', '4']);
      assert.deepEqual(await names(`/subscriptions/${SUB}/resourceGroups/${RG}`, 'atScope()'), ['2', '3']);
    });

    it('atScope() and assignedTo() narrows to the principal, including its group memberships', async () => {
      assert.deepEqual(await names(registryId, `atScope() and assignedTo('${KUBELET}')`), ['1', '2', '3']);
    });

    it("principalId eq returns that exact principal's assignments at, above and below the scope, without groups", async () => {
      assert.deepEqual(await names(`/subscriptions/${SUB}`, `principalId eq '${KUBELET}'`), ['1', '3']);
    });

    it('without a filter returns assignments below the scope too', async () => {
      assert.deepEqual(await names(`/subscriptions/${SUB}`), ['1', '2', '3', '4']);
    });

    it("rejects filters ARM does not support with 400 UnsupportedQuery and ARM's message", async () => {
      for (const filter of [`principalId eq ${KUBELET}`, `atScope() and principalId eq '${KUBELET}'`, "roleDefinitionId eq 'x'"]) {
        const error = await rejection(names(registryId, filter));
        assert.equal(error.statusCode, 400);
        assert.equal(error.code, 'UnsupportedQuery');
        assert.match(
          error.message,
          /is not supported\. Supported filters are either 'atScope\(\)' or 'principalId eq '\{value\}' or assignedTo\('\{value\}'\)'/,
        );
      }
    });

    it('creates an assignment with 201, is idempotent for the same name, and answers 409 for the same grant under another name', async () => {
      const { auth } = clients(arm);
      const parameters = {
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.containerRegistryRepositoryReader}`,
        principalId: KUBELET,
        principalType: 'ServicePrincipal' as const,
      };
      const scope = registryId.slice(1);
      const created = await auth.roleAssignments.create(scope, '20000000-0000-4000-8000-000000000001', parameters);
      const again = await auth.roleAssignments.create(scope, '20000000-0000-4000-8000-000000000001', parameters);
      assert.equal(created.id, again.id);
      const conflict = await rejection(auth.roleAssignments.create(scope, '20000000-0000-4000-8000-000000000002', parameters));
      assert.equal(conflict.statusCode, 409);
      assert.equal(conflict.code, 'RoleAssignmentExists');
      assert.match(conflict.message, /The ID of the existing role assignment is 20000000000040008000000000000001\./);
      assert.deepEqual(
        arm.writes.map((w) => w.status),
        [201, 201, 409],
      );
      assert.deepEqual((arm.writes[0]!.body as { properties: { principalId: string } }).properties.principalId, KUBELET);
    });

    it('rejects a non-GUID name, an unknown role and a principal type that contradicts the directory', async () => {
      const { auth } = clients(arm);
      const scope = registryId.slice(1);
      const roleDefinitionId = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`;
      const badName = await rejection(auth.roleAssignments.create(scope, 'not-a-guid', { roleDefinitionId, principalId: OTHER_PRINCIPAL }));
      assert.equal(badName.code, 'InvalidRoleAssignmentId');
      const badRole = await rejection(
        auth.roleAssignments.create(scope, '30000000-0000-4000-8000-000000000001', {
          roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-4000-8000-00000000dead`,
          principalId: OTHER_PRINCIPAL,
          principalType: 'User',
        }),
      );
      assert.equal(badRole.code, 'RoleDefinitionDoesNotExist');
      const wrongType = await rejection(
        auth.roleAssignments.create(scope, '30000000-0000-4000-8000-000000000002', {
          roleDefinitionId,
          principalId: KUBELET,
          principalType: 'User',
        }),
      );
      assert.equal(wrongType.code, 'UnmatchedPrincipalType');
    });

    it('answers 403 AuthorizationFailed naming the missing action when writes are forbidden', async () => {
      arm.forbid('Microsoft.Authorization/roleAssignments/write', { scope: `/subscriptions/${SUB}` });
      const { auth } = clients(arm);
      const error = await rejection(
        auth.roleAssignments.create(registryId.slice(1), '40000000-0000-4000-8000-000000000001', {
          roleDefinitionId: ROLE_IDS.acrPull,
          principalId: OTHER_PRINCIPAL,
          principalType: 'ServicePrincipal',
        }),
      );
      assert.equal(error.statusCode, 403);
      assert.equal(error.code, 'AuthorizationFailed');
      assert.match(
        error.message,
        /does not have authorization to perform action 'Microsoft\.Authorization\/roleAssignments\/write' over scope '.*\/roleAssignments\/40000000-0000-4000-8000-000000000001'/,
      );
    });

    it('gets and deletes one assignment by name', async () => {
      const { auth } = clients(arm);
      const scope = registryId.slice(1);
      const one = await auth.roleAssignments.get(scope, '10000000-0000-4000-8000-000000000001');
      assert.equal(one.principalId, KUBELET);
      assert.equal(one.roleDefinitionId, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`);
      await auth.roleAssignments.delete(scope, '10000000-0000-4000-8000-000000000001');
      const gone = await rejection(auth.roleAssignments.get(scope, '10000000-0000-4000-8000-000000000001'));
      assert.equal(gone.code, 'RoleAssignmentNotFound');
      assert.deepEqual(
        arm.writes.map((w) => `${w.method} ${w.status}`),
        ['DELETE 200'],
      );
    });
  });

  describe('role definitions', () => {
    it('serves built-in roles by id at subscription and tenant scope with their real permissions', async () => {
      const { auth } = clients(arm);
      const atSubscription = await auth.roleDefinitions.getById(
        `subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`,
      );
      const atTenant = await auth.roleDefinitions.getById(
        `providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.containerRegistryRepositoryReader}`,
      );
      assert.equal(atSubscription.id, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.acrPull}`);
      assert.equal(atSubscription.roleName, 'AcrPull');
      assert.equal(atSubscription.roleType, 'BuiltInRole');
      assert.deepEqual(atSubscription.permissions?.[0]?.actions, ['Microsoft.ContainerRegistry/registries/pull/read']);
      assert.equal(atTenant.id, `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.containerRegistryRepositoryReader}`);
      assert.ok(atTenant.permissions?.[0]?.dataActions?.includes('Microsoft.ContainerRegistry/registries/repositories/content/read'));
    });

    it('lists by roleName and lists custom roles only where they are assignable', async () => {
      const custom = arm.addRoleDefinition({
        roleName: 'Image Puller',
        assignableScopes: [`/subscriptions/${SUB}/resourceGroups/${RG}`],
        permissions: [{ actions: ['Microsoft.ContainerRegistry/*/read'] }],
      });
      const { auth } = clients(arm);
      const named = await collect(auth.roleDefinitions.list(`subscriptions/${SUB}`, { filter: "roleName eq 'AcrPush'" }));
      assert.deepEqual(
        named.map((d) => d.name),
        [ROLE_IDS.acrPush],
      );
      const inGroup = await collect(
        auth.roleDefinitions.list(`subscriptions/${SUB}/resourceGroups/${RG}`, { filter: "type eq 'CustomRole'" }),
      );
      assert.deepEqual(
        inGroup.map((d) => d.name),
        [custom.guid],
      );
      const atSubscription = await collect(auth.roleDefinitions.list(`subscriptions/${SUB}`, { filter: "type eq 'CustomRole'" }));
      assert.deepEqual(atSubscription, []);
    });

    it('reads a custom role by the subscription-level id its assignments carry, whether defined for the subscription, a group or a registry', async () => {
      const { auth } = clients(arm);
      const roles = {
        subscription: arm.addRoleDefinition({
          roleName: 'Registry Operator',
          assignableScopes: [`/subscriptions/${SUB}`],
          permissions: [{ actions: ['Microsoft.ContainerRegistry/*'], notActions: ['Microsoft.ContainerRegistry/registries/pull/read'] }],
        }),
        group: arm.addRoleDefinition({
          roleName: 'Group Image Puller',
          assignableScopes: [`/subscriptions/${SUB}/resourceGroups/${RG}`],
          permissions: [{ actions: ['Microsoft.ContainerRegistry/registries/pull/read'] }],
        }),
        registry: arm.addRoleDefinition({
          roleName: 'Repository Data Reader',
          assignableScopes: [registryId],
          permissions: [{ dataActions: ['Microsoft.ContainerRegistry/registries/repositories/content/read'] }],
        }),
      };
      for (const [where, role] of Object.entries(roles)) {
        const id = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role.guid}`;
        const read = await auth.roleDefinitions.getById(id.slice(1));
        assert.equal(read.id, id, where);
        assert.equal(read.roleType, 'CustomRole', where);
        assert.deepEqual(read.assignableScopes, role.assignableScopes, where);
      }
      // At the scope of an assignment (the registry) each of them is readable too.
      const atRegistry = await auth.roleDefinitions.get(registryId.slice(1), roles.group.guid);
      assert.equal(atRegistry.roleName, 'Group Image Puller');
      assert.deepEqual(atRegistry.permissions?.[0]?.notActions, []);
      assert.deepEqual(
        (
          await auth.roleDefinitions.getById(
            `subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roles.subscription.guid}`,
          )
        ).permissions?.[0]?.notActions,
        ['Microsoft.ContainerRegistry/registries/pull/read'],
      );
    });

    it('answers RoleDefinitionDoesNotExist for a custom role read at the tenant root by bare GUID, in another subscription or another group', async () => {
      const other = '7e6d5c4b-1111-4222-8333-944455556666';
      arm.addSubscription({ subscriptionId: other });
      arm.addResourceGroup({ subscriptionId: SUB, name: 'rg-other' });
      const custom = arm.addRoleDefinition({
        roleName: 'Group Image Puller',
        assignableScopes: [`/subscriptions/${SUB}/resourceGroups/${RG}`],
        permissions: [{ actions: ['Microsoft.ContainerRegistry/registries/pull/read'] }],
      });
      const { auth } = clients(arm);
      for (const id of [
        `providers/Microsoft.Authorization/roleDefinitions/${custom.guid}`,
        `subscriptions/${other}/providers/Microsoft.Authorization/roleDefinitions/${custom.guid}`,
        `subscriptions/${SUB}/resourceGroups/rg-other/providers/Microsoft.Authorization/roleDefinitions/${custom.guid}`,
      ]) {
        const error = await rejection(auth.roleDefinitions.getById(id));
        assert.equal(error.statusCode, 404, id);
        assert.equal(error.code, 'RoleDefinitionDoesNotExist', id);
        assert.match(error.message, new RegExp(`The specified role definition with ID '${custom.guid}' does not exist\\.`), id);
      }
    });
  });

  describe('the wire', () => {
    it('answers 401 with the WWW-Authenticate challenge ARM sends when there is no bearer token', async () => {
      const response = await fetch(
        `${arm.url}/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters?api-version=2025-10-01`,
      );
      assert.equal(response.status, 401);
      assert.equal(
        response.headers.get('www-authenticate'),
        `Bearer authorization_uri="https://login.windows.net/${arm.tenantId}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
      );
      assert.deepEqual(await response.json(), {
        error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." },
      });
      assert.equal(arm.requests.at(-1)?.authenticated, false);
    });

    it('answers 401 InvalidAuthenticationToken for a token acceptToken refuses', async () => {
      await arm.close();
      arm = await startFakeResourceManager({ tls: testTls(), acceptToken: (t) => t === 'good' });
      arm.addSubscription({ subscriptionId: SUB });
      const error = await rejection(collect(clients(arm, 'bad').aks.managedClusters.list()));
      assert.equal(error.statusCode, 401);
      assert.equal(error.code, 'InvalidAuthenticationToken');
      assert.deepEqual(await collect(clients(arm, 'good').aks.managedClusters.list()), []);
    });

    it('accepts only the api-versions the pinned SDKs send and rejects others like ARM', async () => {
      const headers = { authorization: 'Bearer t' };
      const base = `${arm.url}/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/contosoacr`;
      const wrong = await fetch(`${base}?api-version=2019-05-01`, { headers });
      assert.equal(wrong.status, 400);
      assert.deepEqual(await wrong.json(), {
        error: {
          code: 'InvalidApiVersionParameter',
          message: "The api-version '2019-05-01' is invalid. The supported versions are '2025-11-01'.",
        },
      });
      const missing = await fetch(base, { headers });
      assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'MissingApiVersionParameter');
    });

    it('fails the next matching request as configured, then serves normally', async () => {
      arm.failNext({ method: 'GET', pathPattern: /managedClusters\/aks-prod$/ }, 500, armErrors.internal());
      const { aks } = clients(arm);
      const error = await rejection(aks.managedClusters.get(RG, 'aks-prod'));
      assert.equal(error.statusCode, 500);
      assert.equal((await aks.managedClusters.get(RG, 'aks-prod')).name, 'aks-prod');
    });

    it('sends Retry-After with an injected 429, which the SDK honours before retrying', async () => {
      arm.failNext({ pathPattern: 'managedClusters' }, 429, armErrors.throttled(), { retryAfter: 0 });
      const aks = new ContainerServiceClient(staticTokenCredential(), SUB, {
        endpoint: arm.url,
        $host: arm.url,
        retryOptions: { maxRetries: 1 },
      });
      assert.equal((await aks.managedClusters.get(RG, 'aks-prod')).name, 'aks-prod');
      assert.deepEqual(
        arm.requests.map((r) => r.status),
        [429, 200],
      );
    });

    it('delays responses by latencyMs, changeable at runtime', async () => {
      const { aks } = clients(arm);
      arm.latencyMs = 300;
      const slow = await rejection(aks.managedClusters.get(RG, 'aks-prod', { abortSignal: AbortSignal.timeout(30) }));
      assert.equal((slow as { name?: string }).name, 'AbortError');
      arm.latencyMs = 0;
      assert.equal((await aks.managedClusters.get(RG, 'aks-prod')).name, 'aks-prod');
    });
  });
});
