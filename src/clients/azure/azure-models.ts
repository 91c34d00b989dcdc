import type { RoleAssignment, RoleDefinition } from '@azure/arm-authorization';
import type { Registry } from '@azure/arm-containerregistry';
import type { ManagedCluster } from '@azure/arm-containerservice';
import { PullDoctorError } from '../../errors/index.js';
import type {
  ManagedClusterInfo,
  RegistryInfo,
  RoleAssignmentInfo,
  RoleAssignmentMode,
  RoleDefinitionInfo,
} from './azure-reader.js';
import { parseResourceId } from './resource-id.js';

/** SDK models → the slim types of azure-reader.ts. A response without the fields ARM always sends is an API error. */

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') {
    throw new PullDoctorError('AZURE_API_ERROR', `Azure Resource Manager returned ${what} without the expected fields.`);
  }
  return value;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a.toLowerCase() === value?.toLowerCase());
}

export function toManagedClusterInfo(cluster: ManagedCluster): ManagedClusterInfo {
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

export function toRegistryInfo(registry: Registry): RegistryInfo {
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

export function toRoleAssignmentInfo(assignment: RoleAssignment): RoleAssignmentInfo {
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

export function toRoleDefinitionInfo(definition: RoleDefinition): RoleDefinitionInfo {
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
