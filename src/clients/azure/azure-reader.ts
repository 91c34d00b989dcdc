/**
 * Everything the diagnosis reads from Azure Resource Manager, in slim shapes of our own so that the checks do
 * not depend on SDK model details. Implemented over the real @azure/arm-* clients (`createAzureReader`); tests
 * drive it against the fake ARM in src/sandbox/resource-manager/.
 *
 * Failures are thrown as PullDoctorError with codes AZURE_UNAUTHORIZED, AZURE_FORBIDDEN, AZURE_NOT_FOUND,
 * AZURE_THROTTLED, AZURE_API_ERROR or AZURE_CREDENTIAL_UNAVAILABLE.
 */

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

export interface AzureReader {
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
