// Everything the bot may do outside its own resource group, in one place a reviewer can read: per registry
// (modules/registry-access.bicep) and per cluster (modules/cluster-access.bicep). Registries and clusters may live in
// other resource groups and subscriptions of the tenant; whoever deploys this needs the right to create role
// assignments there (Owner, User Access Administrator or Role Based Access Control Administrator on them).
//
// Deployed by `atk provision` after azure.bicep, with access.parameters.<env>.json.
targetScope = 'resourceGroup'

@description('Object (principal) id of the bot\'s user-assigned managed identity (PULLDOCTOR_IDENTITY_PRINCIPAL_ID, an output of azure.bicep).')
param principalId string

@description('Registries the bot reads, each { id: registry resource id, mayFix: true to let the bot grant AcrPull/Repository Reader after approval (default false), permissionsMode: LegacyRegistryPermissions (default) or AbacRepositoryPermissions }.')
param registries array

@description('AKS clusters the bot diagnoses, each { id: managed cluster resource id, kubernetesAuthorization: kubernetes-rbac (default) or azure-rbac }.')
param clusters array

@description('Namespace the bot keeps its leader-election leases in, on every cluster.')
param botNamespace string = 'pulldoctor'

// Resource ids look like /subscriptions/<sub>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>.
module registryAccess 'modules/registry-access.bicep' = [for registry in registries: {
  name: 'pulldoctor-registry-${uniqueString(toLower(registry.id))}'
  scope: resourceGroup(split(registry.id, '/')[2], split(registry.id, '/')[4])
  params: {
    registryName: last(split(registry.id, '/'))
    principalId: principalId
    mayFix: contains(registry, 'mayFix') ? registry.mayFix : false
    permissionsMode: contains(registry, 'permissionsMode') ? registry.permissionsMode : 'LegacyRegistryPermissions'
  }
}]

// One cluster at a time: clusters in the same resource group share nothing, but custom role definitions are
// tenant-wide names and are best created one after the other.
@batchSize(1)
module clusterAccess 'modules/cluster-access.bicep' = [for cluster in clusters: {
  name: 'pulldoctor-cluster-${uniqueString(toLower(cluster.id))}'
  scope: resourceGroup(split(cluster.id, '/')[2], split(cluster.id, '/')[4])
  params: {
    clusterName: last(split(cluster.id, '/'))
    principalId: principalId
    kubernetesAuthorization: contains(cluster, 'kubernetesAuthorization') ? cluster.kubernetesAuthorization : 'kubernetes-rbac'
    botNamespace: botNamespace
  }
}]
