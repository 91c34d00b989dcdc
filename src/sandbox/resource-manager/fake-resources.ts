/** The resource records the fake keeps, and the inputs its state API accepts. */

export interface FakeKubeconfig {
  /** API server URL written into the kubeconfig (`clusters[].cluster.server`). */
  server: string;
  /** PEM of the CA that signed the API server certificate; written base64-encoded as certificate-authority-data. */
  caPem: string;
  /** `exec` writes an AAD (kubelogin) user like AKS does for Entra-enabled clusters; `token` a static token user. */
  user?: { kind: 'exec' } | { kind: 'token'; token: string };
}

export interface FakeKubeletIdentity {
  objectId: string;
  clientId: string;
  resourceId: string;
}

export interface FakeManagedClusterInput {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  dnsPrefix?: string;
  /** Public API server name; derived from the DNS prefix and location unless given. `null`: a private cluster without public FQDN. */
  fqdn?: string | null;
  /** Set for private clusters. */
  privateFqdn?: string;
  kubernetesVersion?: string;
  powerState?: 'Running' | 'Stopped';
  provisioningState?: string;
  /** `null`: a service-principal cluster (no kubelet managed identity). */
  kubeletIdentity?: Partial<FakeKubeletIdentity> | null;
  /** `servicePrincipalProfile.clientId`: "msi" for managed-identity clusters. */
  servicePrincipalClientId?: string;
  nodeResourceGroup?: string;
  tags?: Record<string, string>;
  kubeconfig?: Partial<FakeKubeconfig>;
}

export interface FakeManagedCluster {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  dnsPrefix: string;
  fqdn: string | undefined;
  privateFqdn: string | undefined;
  kubernetesVersion: string;
  powerState: 'Running' | 'Stopped';
  provisioningState: string;
  kubeletIdentity: FakeKubeletIdentity | undefined;
  servicePrincipalClientId: string;
  nodeResourceGroup: string;
  systemAssignedPrincipalId: string;
  tags: Record<string, string>;
  kubeconfig: FakeKubeconfig;
}

export interface FakePrivateEndpointConnectionInput {
  name: string;
  privateEndpointId?: string;
  status?: 'Approved' | 'Pending' | 'Rejected' | 'Disconnected';
}

export interface FakeRegistryInput {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  sku?: 'Basic' | 'Standard' | 'Premium';
  loginServer?: string;
  publicNetworkAccess?: 'Enabled' | 'Disabled';
  networkRuleSet?: { defaultAction: 'Allow' | 'Deny'; ipRules?: string[] };
  networkRuleBypassOptions?: 'AzureServices' | 'None';
  privateEndpointConnections?: FakePrivateEndpointConnectionInput[];
  roleAssignmentMode?: 'LegacyRegistryPermissions' | 'AbacRepositoryPermissions';
  anonymousPullEnabled?: boolean;
  dataEndpointEnabled?: boolean;
  adminUserEnabled?: boolean;
  tags?: Record<string, string>;
}

export interface FakeRegistry extends Required<Omit<FakeRegistryInput, 'networkRuleSet' | 'privateEndpointConnections'>> {
  id: string;
  networkRuleSet: { defaultAction: 'Allow' | 'Deny'; ipRules: string[] };
  privateEndpointConnections: Array<Required<FakePrivateEndpointConnectionInput>>;
  creationDate: string;
}

export type FakePrincipalType = 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup' | 'Device';
export const FAKE_PRINCIPAL_TYPES: readonly FakePrincipalType[] = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];

export interface FakePrincipalInput {
  objectId: string;
  principalType: FakePrincipalType;
  /** Object ids of the groups it is a direct member of (groups may be members of groups). */
  memberOf?: string[];
}

export interface FakeRoleAssignmentInput {
  scope: string;
  /** A GUID or a full role definition id; stored in the form ARM returns for the scope. */
  roleDefinitionId: string;
  principalId: string;
  principalType?: FakePrincipalType;
  /** The assignment's GUID name; random when absent. */
  name?: string;
  condition?: string;
  conditionVersion?: string;
  description?: string;
}

export interface FakeRoleAssignment {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: FakePrincipalType;
  condition: string | undefined;
  conditionVersion: string | undefined;
  description: string | undefined;
  createdOn: string;
  updatedOn: string;
}

export interface FakeCustomRoleInput {
  guid?: string;
  roleName: string;
  description?: string;
  assignableScopes: string[];
  permissions: Array<{ actions?: string[]; notActions?: string[]; dataActions?: string[]; notDataActions?: string[] }>;
}
