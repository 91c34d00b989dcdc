import type { FakeRoleDefinition } from './built-in-role-definitions.js';
import type { FakeManagedCluster, FakeRegistry, FakeRoleAssignment } from './fake-resources.js';

/**
 * JSON bodies in the shapes ARM returns for the pinned api-versions, modelled on the azure-rest-api-specs
 * examples (ManagedClustersGet.json 2025-10-01, RegistryGet.json 2025-11-01, RoleAssignments/RoleDefinitions
 * 2022-04-01) and on `az aks show` / `az acr show` output.
 */

export function managedClusterPayload(c: FakeManagedCluster, tenantId: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    provisioningState: c.provisioningState,
    powerState: { code: c.powerState },
    kubernetesVersion: c.kubernetesVersion,
    currentKubernetesVersion: c.kubernetesVersion,
    dnsPrefix: c.dnsPrefix,
    agentPoolProfiles: [
      {
        name: 'nodepool1',
        count: 3,
        vmSize: 'Standard_D4ds_v5',
        osDiskSizeGB: 128,
        osDiskType: 'Ephemeral',
        kubeletDiskType: 'OS',
        maxPods: 110,
        type: 'VirtualMachineScaleSets',
        availabilityZones: ['1', '2', '3'],
        provisioningState: c.provisioningState,
        powerState: { code: c.powerState },
        orchestratorVersion: c.kubernetesVersion,
        currentOrchestratorVersion: c.kubernetesVersion,
        mode: 'System',
        osType: 'Linux',
        osSKU: 'Ubuntu',
        nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202509.23.0',
        upgradeSettings: { maxSurge: '10%' },
        enableFIPS: false,
      },
    ],
    servicePrincipalProfile: { clientId: c.servicePrincipalClientId },
    nodeResourceGroup: c.nodeResourceGroup,
    enableRBAC: true,
    supportPlan: 'KubernetesOfficial',
    networkProfile: {
      networkPlugin: 'azure',
      networkPluginMode: 'overlay',
      networkPolicy: 'none',
      loadBalancerSku: 'standard',
      podCidr: '10.244.0.0/16',
      serviceCidr: '10.0.0.0/16',
      dnsServiceIP: '10.0.0.10',
      outboundType: 'loadBalancer',
      podCidrs: ['10.244.0.0/16'],
      serviceCidrs: ['10.0.0.0/16'],
      ipFamilies: ['IPv4'],
    },
    maxAgentPools: 100,
    autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' },
    disableLocalAccounts: c.kubeconfig.user?.kind !== 'token',
    securityProfile: {},
    storageProfile: { diskCSIDriver: { enabled: true }, fileCSIDriver: { enabled: true }, snapshotController: { enabled: true } },
    oidcIssuerProfile: { enabled: false },
  };
  if (c.fqdn !== undefined) {
    properties.fqdn = c.fqdn;
    properties.azurePortalFQDN = c.fqdn.replace('.hcp.', '.portal.hcp.');
  }
  if (c.privateFqdn !== undefined) {
    properties.privateFQDN = c.privateFqdn;
    properties.apiServerAccessProfile = { enablePrivateCluster: true, enablePrivateClusterPublicFQDN: c.fqdn !== undefined };
  }
  if (c.kubeletIdentity) properties.identityProfile = { kubeletidentity: { ...c.kubeletIdentity } };
  return {
    id: c.id,
    location: c.location,
    name: c.name,
    tags: c.tags,
    type: 'Microsoft.ContainerService/ManagedClusters',
    kind: 'Base',
    properties,
    identity: { type: 'SystemAssigned', principalId: c.systemAssignedPrincipalId, tenantId },
    sku: { name: 'Base', tier: 'Free' },
  };
}

export function registryPayload(r: FakeRegistry): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: 'Microsoft.ContainerRegistry/registries',
    location: r.location,
    tags: r.tags,
    sku: { name: r.sku, tier: r.sku },
    properties: {
      loginServer: r.loginServer,
      creationDate: r.creationDate,
      provisioningState: 'Succeeded',
      adminUserEnabled: r.adminUserEnabled,
      networkRuleSet: {
        defaultAction: r.networkRuleSet.defaultAction,
        ipRules: r.networkRuleSet.ipRules.map((value) => ({ action: 'Allow', value })),
      },
      policies: {
        quarantinePolicy: { status: 'disabled' },
        trustPolicy: { type: 'Notary', status: 'disabled' },
        retentionPolicy: { days: 7, lastUpdatedTime: r.creationDate, status: 'disabled' },
        exportPolicy: { status: 'enabled' },
        azureADAuthenticationAsArmPolicy: { status: 'enabled' },
      },
      encryption: { status: 'disabled' },
      status: null,
      dataEndpointEnabled: r.dataEndpointEnabled,
      dataEndpointHostNames: r.dataEndpointEnabled ? [`${r.name.toLowerCase()}.${r.location}.data.azurecr.io`] : [],
      privateEndpointConnections: r.privateEndpointConnections.map((c) => ({
        id: `${r.id}/privateEndpointConnections/${c.name}`,
        name: c.name,
        type: 'Microsoft.ContainerRegistry/registries/privateEndpointConnections',
        properties: {
          privateEndpoint: { id: c.privateEndpointId },
          privateLinkServiceConnectionState: {
            status: c.status,
            description: c.status === 'Approved' ? 'Auto-Approved' : '',
            actionsRequired: 'None',
          },
          provisioningState: 'Succeeded',
        },
      })),
      publicNetworkAccess: r.publicNetworkAccess,
      networkRuleBypassOptions: r.networkRuleBypassOptions,
      networkRuleBypassAllowedForTasks: false,
      zoneRedundancy: 'Disabled',
      anonymousPullEnabled: r.anonymousPullEnabled,
      roleAssignmentMode: r.roleAssignmentMode,
    },
  };
}

export function roleAssignmentPayload(a: FakeRoleAssignment): Record<string, unknown> {
  return {
    properties: {
      roleDefinitionId: a.roleDefinitionId,
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: a.condition ?? null,
      conditionVersion: a.conditionVersion ?? null,
      createdOn: a.createdOn,
      updatedOn: a.updatedOn,
      createdBy: null,
      updatedBy: null,
      delegatedManagedIdentityResourceId: null,
      description: a.description ?? null,
    },
    id: a.id,
    type: 'Microsoft.Authorization/roleAssignments',
    name: a.name,
  };
}

export function roleDefinitionPayload(d: FakeRoleDefinition, id: string): Record<string, unknown> {
  return {
    properties: {
      roleName: d.roleName,
      type: d.type,
      description: d.description,
      assignableScopes: d.assignableScopes,
      permissions: d.permissions,
      createdOn: d.createdOn,
      updatedOn: d.updatedOn,
      createdBy: null,
      updatedBy: null,
    },
    id,
    type: 'Microsoft.Authorization/roleDefinitions',
    name: d.guid,
  };
}
