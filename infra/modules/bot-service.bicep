// The Azure Bot resource: registers the bot's messaging endpoint with the Bot Framework under the bot's identity,
// and turns on the Microsoft Teams channel. Multi-tenant bots are not offered: Azure Bot Service stopped creating
// them on 31 July 2025 (and the code refuses MicrosoftAppType=MultiTenant).
targetScope = 'resourceGroup'

@description('Name (handle) of the Azure Bot resource: globally unique, 2-64 characters.')
@minLength(2)
@maxLength(64)
param name string

@description('Display name of the bot.')
@maxLength(42)
param displayName string

@description('Messaging endpoint, https://<host>/api/messages.')
param endpoint string

@description('UserAssignedMSI: the bot authenticates as its user-assigned managed identity (no secret). SingleTenant: as an Entra app registration of this tenant (client secret).')
@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param appType string

@description('Microsoft App ID: the managed identity\'s client id (UserAssignedMSI) or the app registration\'s client id (SingleTenant).')
param appId string

@description('Tenant of the bot identity.')
param tenantId string

@description('Resource id of the user-assigned managed identity (UserAssignedMSI only; ignored otherwise).')
param msiResourceId string

@description('Pricing tier. F0 is free and enough for the Teams channel, a standard channel.')
@allowed([
  'F0'
  'S1'
])
param sku string

@description('Tags put on every resource.')
param tags object = {}

var identityProperties = appType == 'UserAssignedMSI' ? {
  msaAppMSIResourceId: msiResourceId
} : {}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: union({
    displayName: displayName
    endpoint: endpoint
    msaAppType: appType
    msaAppId: appId
    msaAppTenantId: tenantId
  }, identityProperties)
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

@description('Resource id of the Azure Bot resource.')
output id string = bot.id
