// The registry the bot's own container image is built into and pulled from. No admin user: the Container App pulls
// with the bot's managed identity (AcrPull on this registry only).
targetScope = 'resourceGroup'

@description('Name of the registry: 5-50 letters and digits, globally unique.')
@minLength(5)
@maxLength(50)
param name string

@description('Azure region of the registry.')
param location string

@description('Object (principal) id of the bot\'s user-assigned managed identity, which pulls the image.')
param principalId string

@description('Tags put on every resource.')
param tags object = {}

var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d' // AcrPull

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
  }
}

resource botMayPullItsImage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'The Pull Doctor Container App pulls its own image from this registry.'
  }
}

@description('Name of the registry (for az acr build).')
output name string = registry.name

@description('Login server of the registry, e.g. crpulldoctor1a2b3c4d.azurecr.io.')
output loginServer string = registry.properties.loginServer
