/**
 * Everything the diagnosis reads from Azure Resource Manager, in slim shapes of our own so that the checks do
 * not depend on SDK model details. Implemented over the real @azure/arm-* clients (`createAzureReader`); tests
 * drive it against the fake ARM in src/sandbox/resource-manager/.
 *
 * Failures are thrown as PullDoctorError with codes AZURE_UNAUTHORIZED, AZURE_FORBIDDEN, AZURE_NOT_FOUND,
 * AZURE_THROTTLED, AZURE_API_ERROR or AZURE_CREDENTIAL_UNAVAILABLE.
 */
import type { RoleAssignment, RoleDefinition } from '@azure/arm-authorization';
import type { Registry } from '@azure/arm-containerregistry';
import type { ManagedCluster } from '@azure/arm-containerservice';
import { PullDoctorError } from '../../errors/index.js';
import { AzureSdkClients, azureCall, type AzureClientOptions } from './azure-sdk.js';
import { normaliseRoleDefinitionId, parseResourceId, requireCluster, requireGuid, scopeForSdk } from './resource-id.js';
import {
  graphRows,
  isClusterRow,
  isRegistryRow,
  managedClusterModel,
  registryModel,
  registrySummary,
  REGISTRY_SUMMARIES_QUERY,
  RESOURCE_GRAPH_TOP,
  resourceSearchQuery,
  type RegistrySummary,
  type ResourceSearch,
} from './resource-graph.js';

export type { RegistrySummary, ResourceSearch } from './resource-graph.js';

export interface KubeletIdentity {
  /** Object (principal) id: what role assignments name. */
  objectId: string;
  clientId?: string;
  /** Resource id of the user-assigned identity. */
  resourceId?: string;
}

export interface ManagedClusterInfo {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  fqdn?: string;
  privateFqdn?: string;
  /** `identityProfile.kubeletidentity`; absent for service-principal clusters. */
  kubeletIdentity?: KubeletIdentity;
  /** Client id of the cluster's service principal when it uses one instead of managed identity ("msi" otherwise). */
  servicePrincipalClientId?: string;
  powerState?: string;
  provisioningState?: string;
}

export type RoleAssignmentMode = 'LegacyRegistryPermissions' | 'AbacRepositoryPermissions';

export interface RegistryInfo {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  loginServer: string;
  sku?: string;
  publicNetworkAccess?: 'Enabled' | 'Disabled';
  /** `networkRuleSet.defaultAction`, and the allowed IP ranges (CIDR or single addresses). */
  networkDefaultAction?: 'Allow' | 'Deny';
  ipRules: string[];
  /** `networkRuleBypassOptions` (AzureServices / None). */
  networkRuleBypass?: string;
  privateEndpointConnections: Array<{ id: string; status?: string }>;
  /** Absent means legacy (RBAC registry permissions). */
  roleAssignmentMode?: RoleAssignmentMode;
  anonymousPullEnabled?: boolean;
  dataEndpointEnabled?: boolean;
  adminUserEnabled?: boolean;
}

export interface RoleAssignmentInfo {
  id: string;
  name: string;
  scope: string;
  /** Full role definition id: `/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}`. */
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
  /** ABAC condition (e.g. limiting an ACR role to some repositories), when present. */
  condition?: string;
  conditionVersion?: string;
}

export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinitionInfo {
  id: string;
  /** The GUID. */
  name: string;
  roleName: string;
  roleType?: 'BuiltInRole' | 'CustomRole' | string;
  permissions: RolePermission[];
}

/** What one Resource Graph search found (each list possibly empty). */
export interface FoundResources {
  clusters: ManagedClusterInfo[];
  registries: RegistryInfo[];
}

export interface AzureReader {
  /**
   * Azure Resource Graph, one query: the AKS clusters whose `fqdn` or `privateFQDN` is one of the API server hosts
   * or whose name is one of the cluster names, and the registries whose login server is one of those asked for,
   * across every subscription the credential can read.
   */
  findResources(search: ResourceSearch): Promise<FoundResources>;
  /**
   * Azure Resource Graph: the id, name and login server of every registry the credential can read, at most
   * RESOURCE_GRAPH_TOP of them (one page; `complete` is false when there were more).
   */
  listRegistrySummaries(): Promise<{ registries: RegistrySummary[]; complete: boolean }>;
  getManagedCluster(resourceId: string): Promise<ManagedClusterInfo>;
  listManagedClusters(subscriptionId: string): Promise<ManagedClusterInfo[]>;
  listRegistries(subscriptionId: string): Promise<RegistryInfo[]>;
  /**
   * Role assignments of `principalId` that apply at `scope`: those at the scope and those inherited from above
   * it (resource group, subscription, management groups): ARM's `$filter=atScope() and assignedTo('{id}')`.
   */
  listRoleAssignmentsForPrincipal(scope: string, principalId: string): Promise<RoleAssignmentInfo[]>;
  /** By full id (`.../roleDefinitions/{guid}`). */
  getRoleDefinition(roleDefinitionId: string): Promise<RoleDefinitionInfo>;
}

/** SDK models → the slim types above. A response without the fields ARM always sends is an API error. */

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') {
    throw new PullDoctorError('AZURE_API_ERROR', `Azure Resource Manager returned ${what} without the expected fields.`);
  }
  return value;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a.toLowerCase() === value?.toLowerCase());
}

function toManagedClusterInfo(cluster: ManagedCluster): ManagedClusterInfo {
  const id = required(cluster.id, 'a managed cluster');
  const parsed = parseResourceId(id);
  const out: ManagedClusterInfo = {
    id,
    name: required(cluster.name, 'a managed cluster'),
    resourceGroup: required(parsed.resourceGroup, 'a managed cluster id'),
    subscriptionId: required(parsed.subscriptionId, 'a managed cluster id'),
    location: cluster.location,
  };
  if (cluster.fqdn) out.fqdn = cluster.fqdn;
  if (cluster.privateFqdn) out.privateFqdn = cluster.privateFqdn;
  const kubelet = cluster.identityProfile?.kubeletidentity;
  if (kubelet?.objectId) {
    out.kubeletIdentity = { objectId: kubelet.objectId };
    if (kubelet.clientId) out.kubeletIdentity.clientId = kubelet.clientId;
    if (kubelet.resourceId) out.kubeletIdentity.resourceId = kubelet.resourceId;
  }
  if (cluster.servicePrincipalProfile?.clientId) out.servicePrincipalClientId = cluster.servicePrincipalProfile.clientId;
  if (cluster.powerState?.code) out.powerState = cluster.powerState.code;
  if (cluster.provisioningState) out.provisioningState = cluster.provisioningState;
  return out;
}

function toRegistryInfo(registry: Registry): RegistryInfo {
  const id = required(registry.id, 'a registry');
  const parsed = parseResourceId(id);
  const out: RegistryInfo = {
    id,
    name: required(registry.name, 'a registry'),
    resourceGroup: required(parsed.resourceGroup, 'a registry id'),
    subscriptionId: required(parsed.subscriptionId, 'a registry id'),
    location: registry.location,
    loginServer: required(registry.loginServer, 'a registry'),
    ipRules: (registry.networkRuleSet?.ipRules ?? []).map((r) => r.iPAddressOrRange).filter((r): r is string => typeof r === 'string'),
    privateEndpointConnections: (registry.privateEndpointConnections ?? []).map((c) => {
      const connection: { id: string; status?: string } = { id: c.id ?? c.privateEndpoint?.id ?? '' };
      if (c.privateLinkServiceConnectionState?.status) connection.status = c.privateLinkServiceConnectionState.status;
      return connection;
    }),
  };
  if (registry.sku?.name) out.sku = registry.sku.name;
  const access = oneOf(registry.publicNetworkAccess, ['Enabled', 'Disabled'] as const);
  if (access) out.publicNetworkAccess = access;
  const action = oneOf(registry.networkRuleSet?.defaultAction, ['Allow', 'Deny'] as const);
  if (action) out.networkDefaultAction = action;
  if (registry.networkRuleBypassOptions) out.networkRuleBypass = registry.networkRuleBypassOptions;
  const mode = oneOf<RoleAssignmentMode>(registry.roleAssignmentMode, ['LegacyRegistryPermissions', 'AbacRepositoryPermissions']);
  if (mode) out.roleAssignmentMode = mode;
  if (registry.anonymousPullEnabled !== undefined) out.anonymousPullEnabled = registry.anonymousPullEnabled;
  if (registry.dataEndpointEnabled !== undefined) out.dataEndpointEnabled = registry.dataEndpointEnabled;
  if (registry.adminUserEnabled !== undefined) out.adminUserEnabled = registry.adminUserEnabled;
  return out;
}

function toRoleAssignmentInfo(assignment: RoleAssignment): RoleAssignmentInfo {
  const out: RoleAssignmentInfo = {
    id: required(assignment.id, 'a role assignment'),
    name: required(assignment.name, 'a role assignment'),
    scope: required(assignment.scope, 'a role assignment'),
    roleDefinitionId: required(assignment.roleDefinitionId, 'a role assignment'),
    principalId: required(assignment.principalId, 'a role assignment'),
  };
  if (assignment.principalType) out.principalType = assignment.principalType;
  if (assignment.condition) out.condition = assignment.condition;
  if (assignment.conditionVersion) out.conditionVersion = assignment.conditionVersion;
  return out;
}

function toRoleDefinitionInfo(definition: RoleDefinition): RoleDefinitionInfo {
  const out: RoleDefinitionInfo = {
    id: required(definition.id, 'a role definition'),
    name: required(definition.name, 'a role definition'),
    roleName: required(definition.roleName, 'a role definition'),
    permissions: (definition.permissions ?? []).map((p) => ({
      actions: p.actions ?? [],
      notActions: p.notActions ?? [],
      dataActions: p.dataActions ?? [],
      notDataActions: p.notDataActions ?? [],
    })),
  };
  if (definition.roleType) out.roleType = definition.roleType;
  return out;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * The AzureReader over the real SDK clients (@azure/arm-containerservice, -containerregistry, -authorization),
 * pointed at `endpoint`. Retries are the SDK's, bounded by `retry` (see azure-sdk.ts).
 */
export function createAzureReader(options: AzureClientOptions): AzureReader {
  const clients = new AzureSdkClients(options);
  const call = azureCall(options);
  const graph = { operation: 'query Azure Resource Graph', resource: '/providers/Microsoft.ResourceGraph/resources' };
  return {
    async findResources(search) {
      const query = resourceSearchQuery(search);
      if (query === undefined) return { clusters: [], registries: [] };
      return call(graph, async () => {
        const rows = graphRows((await clients.resourceGraph().resources({ query, options: { top: RESOURCE_GRAPH_TOP } })).data);
        return {
          clusters: rows.filter(isClusterRow).map((r) => toManagedClusterInfo(managedClusterModel(r))),
          registries: rows.filter(isRegistryRow).map((r) => toRegistryInfo(registryModel(r))),
        };
      });
    },

    async listRegistrySummaries() {
      return call(graph, async () => {
        const result = await clients.resourceGraph().resources({ query: REGISTRY_SUMMARIES_QUERY, options: { top: RESOURCE_GRAPH_TOP } });
        const registries = graphRows(result.data).flatMap((r) => registrySummary(r) ?? []);
        return { registries, complete: result.skipToken === undefined && result.resultTruncated !== 'true' };
      });
    },

    async getManagedCluster(resourceId) {
      const id = requireCluster(resourceId);
      return call({ operation: `read AKS cluster ${id.name}`, resource: id.id }, async () =>
        toManagedClusterInfo(await clients.containerService(id.subscriptionId).managedClusters.get(id.resourceGroup, id.name)),
      );
    },

    async listManagedClusters(subscriptionId) {
      requireGuid(subscriptionId, 'The subscription id');
      return call(
        { operation: `list AKS clusters in subscription ${subscriptionId}`, resource: `/subscriptions/${subscriptionId}` },
        async () => (await collect(clients.containerService(subscriptionId).managedClusters.list())).map(toManagedClusterInfo),
      );
    },

    async listRegistries(subscriptionId) {
      requireGuid(subscriptionId, 'The subscription id');
      return call(
        { operation: `list container registries in subscription ${subscriptionId}`, resource: `/subscriptions/${subscriptionId}` },
        async () => (await collect(clients.containerRegistry(subscriptionId).registries.list())).map(toRegistryInfo),
      );
    },

    async listRoleAssignmentsForPrincipal(scope, principalId) {
      const id = parseResourceId(scope);
      requireGuid(principalId, 'The principal id');
      const filter = `atScope() and assignedTo('${principalId}')`;
      return call({ operation: `list role assignments of ${principalId} at ${id.id}`, resource: id.id }, async () =>
        (await collect(clients.authorization(id.subscriptionId).roleAssignments.listForScope(scopeForSdk(id.id), { filter }))).map(
          toRoleAssignmentInfo,
        ),
      );
    },

    async getRoleDefinition(roleDefinitionId) {
      const id = normaliseRoleDefinitionId(roleDefinitionId);
      const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
      return call({ operation: `read role definition ${id.split('/').pop()}`, resource: id }, async () =>
        toRoleDefinitionInfo(await clients.authorization(subscriptionId).roleDefinitions.getById(scopeForSdk(id))),
      );
    },
  };
}
