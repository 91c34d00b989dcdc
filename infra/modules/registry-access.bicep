// What the bot may do on one container registry. Deployed once per registry, in the registry's resource group (by
// access.bicep, or on its own by the registry's owners: see docs/deploy.md, "Add a registry").
//
//  - Reader: read the registry's settings (network rules, public access, role assignment mode) and who holds which
//    role on it, to explain why a kubelet identity cannot pull.
//  - AcrPull, or Container Registry Repository Reader on a registry in ABAC repository-permissions mode: read
//    manifests, to check that the image's tag exists. Never push or delete.
//  - Only with mayFix: Role Based Access Control Administrator, constrained by a condition so that the only role
//    assignments the bot can create or remove are AcrPull or Container Registry Repository Reader, for service
//    principals (managed identities such as a kubelet identity), on this registry. Not Owner, not User Access
//    Administrator: the bot cannot grant itself or anyone else any other role.
targetScope = 'resourceGroup'

@description('Name of the container registry, in this resource group.')
param registryName string

@description('Object (principal) id of the bot\'s user-assigned managed identity.')
param principalId string

@description('Whether the bot may fix this registry: grant AcrPull (or Repository Reader) to a kubelet identity after a human approves.')
param mayFix bool = false

@description('The registry\'s role assignment mode: LegacyRegistryPermissions (AcrPull lets a principal pull) or AbacRepositoryPermissions (Container Registry Repository Reader does; AcrPull no longer grants pulls).')
@allowed([
  'LegacyRegistryPermissions'
  'AbacRepositoryPermissions'
])
param permissionsMode string = 'LegacyRegistryPermissions'

var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7' // Reader
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d' // AcrPull
var repositoryReaderRoleId = 'b93aa761-3e63-49ed-ac28-beffa264f7ac' // Container Registry Repository Reader
var rbacAdministratorRoleId = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168' // Role Based Access Control Administrator

var pullRoleId = permissionsMode == 'AbacRepositoryPermissions' ? repositoryReaderRoleId : acrPullRoleId

// The condition on the bot's Role Based Access Control Administrator assignment, in the form Microsoft documents in
// "Examples to delegate Azure role assignment management with conditions", Example: Constrain ACR management
// (https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples), widened from
// AcrPull alone to AcrPull or Container Registry Repository Reader. Writes are checked on the request, deletes on
// the existing assignment: both are limited to those two roles and to service principals.
var grantPullRolesOnly = join([
  '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR ('
  '@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {7f951dda-4ed3-4680-a7ca-43fe172d538d, b93aa761-3e63-49ed-ac28-beffa264f7ac}' // AcrPull, Container Registry Repository Reader
  'AND'
  '@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {\'ServicePrincipal\'}'
  ')) AND ((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'})) OR ('
  '@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {7f951dda-4ed3-4680-a7ca-43fe172d538d, b93aa761-3e63-49ed-ac28-beffa264f7ac}' // AcrPull, Container Registry Repository Reader
  'AND'
  '@Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {\'ServicePrincipal\'}'
  '))'
], ' ')

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource botMayReadRegistry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, readerRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Pull Doctor reads the registry\'s network rules, settings and role assignments to explain failed pulls.'
  }
}

resource botMayCheckTags 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, pullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', pullRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Pull Doctor reads manifests (never pushes) to check that an image tag exists.'
  }
}

resource botMayGrantPullRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (mayFix) {
  name: guid(registry.id, principalId, rbacAdministratorRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', rbacAdministratorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Pull Doctor grants AcrPull or Repository Reader to a service principal (a kubelet identity) after a human approves; the condition allows nothing else.'
    condition: grantPullRolesOnly
    conditionVersion: '2.0'
  }
}
