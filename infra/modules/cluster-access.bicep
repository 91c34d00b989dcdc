// What the bot may do on one AKS cluster. Deployed once per cluster, in the cluster's resource group (by access.bicep,
// or on its own: see docs/deploy.md, "Add a cluster").
//
//  - Reader: read the managed cluster (its kubelet identity, API server address, power state).
//  - Azure Kubernetes Service Cluster User Role: listClusterUserCredential, to locate the API server and its CA. The
//    user kubeconfig holds no secret on a cluster with Microsoft Entra ID: access is decided by Kubernetes.
//  - Inside Kubernetes, read-only access to pods, events, namespaces, service accounts and secrets (pull-secret
//    checks; secret values never leave the process), and leader-election leases in the bot's own namespace:
//      kubernetesAuthorization = 'kubernetes-rbac': the ClusterRole/Role in infra/k8s/, bound to the bot's object id
//        by a cluster administrator (kubectl apply); nothing to do here.
//      kubernetesAuthorization = 'azure-rbac' (Azure RBAC for Kubernetes Authorization): two custom roles with
//        exactly those data actions, assigned here. The built-in Azure Kubernetes Service RBAC Reader is not enough:
//        it deliberately excludes secrets.
targetScope = 'resourceGroup'

@description('Name of the AKS managed cluster, in this resource group.')
param clusterName string

@description('Object (principal) id of the bot\'s user-assigned managed identity.')
param principalId string

@description('How the cluster authorizes Kubernetes API calls of Entra identities: kubernetes-rbac (Kubernetes RBAC bindings, see infra/k8s/) or azure-rbac (Azure RBAC for Kubernetes Authorization, assigned here).')
@allowed([
  'kubernetes-rbac'
  'azure-rbac'
])
param kubernetesAuthorization string = 'kubernetes-rbac'

@description('Namespace the bot keeps its leader-election leases in (azure-rbac only).')
param botNamespace string = 'pulldoctor'

var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7' // Reader
var clusterUserRoleId = '4abbcc35-e782-43d8-92c5-2d3f1bd2253f' // Azure Kubernetes Service Cluster User Role

var useAzureRbac = kubernetesAuthorization == 'azure-rbac'
var roleSuffix = '${clusterName} ${take(uniqueString(resourceGroup().id, clusterName), 6)}'

resource cluster 'Microsoft.ContainerService/managedClusters@2024-02-01' existing = {
  name: clusterName
}

// AKS answers role assignments at <cluster>/namespaces/<name> for namespace-scoped Azure RBAC; the namespace is not
// an ARM resource with a Bicep type (the pattern of the AKS baseline reference implementation).
#disable-next-line BCP081
resource leaseNamespace 'Microsoft.ContainerService/managedClusters/namespaces@2024-02-01' existing = {
  parent: cluster
  name: botNamespace
}

resource botMayReadCluster 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(cluster.id, principalId, readerRoleId)
  scope: cluster
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Pull Doctor reads the cluster\'s kubelet identity and API server address.'
  }
}

resource botMayLocateApiServer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(cluster.id, principalId, clusterUserRoleId)
  scope: cluster
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', clusterUserRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Pull Doctor reads the cluster user kubeconfig (API server and CA; no secret with Entra ID).'
  }
}

resource kubernetesReaderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (useAzureRbac) {
  name: guid(cluster.id, 'pulldoctor-kubernetes-reader')
  properties: {
    roleName: 'Pull Doctor Kubernetes reader (${roleSuffix})'
    description: 'Read pods, events, namespaces, service accounts and secrets: what Pull Doctor needs to diagnose a pod. Secret values never leave the bot.'
    type: 'CustomRole'
    assignableScopes: [
      cluster.id
    ]
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.ContainerService/managedClusters/pods/read'
          'Microsoft.ContainerService/managedClusters/events/read'
          'Microsoft.ContainerService/managedClusters/namespaces/read'
          'Microsoft.ContainerService/managedClusters/serviceaccounts/read'
          'Microsoft.ContainerService/managedClusters/secrets/read'
        ]
        notDataActions: []
      }
    ]
  }
}

resource leaderElectionRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (useAzureRbac) {
  name: guid(cluster.id, 'pulldoctor-leader-election')
  properties: {
    roleName: 'Pull Doctor leader election (${roleSuffix})'
    description: 'Read and write coordination.k8s.io leases: one Pull Doctor replica at a time watches a cluster for alerts.'
    type: 'CustomRole'
    assignableScopes: [
      cluster.id
    ]
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.ContainerService/managedClusters/coordination.k8s.io/leases/read'
          'Microsoft.ContainerService/managedClusters/coordination.k8s.io/leases/write'
        ]
        notDataActions: []
      }
    ]
  }
}

resource botMayReadKubernetes 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useAzureRbac) {
  name: guid(cluster.id, principalId, 'pulldoctor-kubernetes-reader')
  scope: cluster
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', kubernetesReaderRole.name)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Pull Doctor reads pods, events, namespaces, service accounts and secrets (values never leave the bot).'
  }
}

resource botMayElectLeader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useAzureRbac) {
  name: guid(cluster.id, botNamespace, principalId, 'pulldoctor-leader-election')
  scope: leaseNamespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', leaderElectionRole.name)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Pull Doctor keeps its leader-election lease in its own namespace.'
  }
}
