// Local debugging in Teams (m365agents.local.yml): only the Azure Bot resource, pointing at a dev tunnel to the bot
// running on the developer's machine, under a SingleTenant Entra app registration that aadApp/create made. Nothing
// else runs in Azure: the state stays in a local SQLite file and the bot reads clusters with the developer's own
// kubeconfig and Azure CLI login.
targetScope = 'resourceGroup'

@description('Name (handle) of the local Azure Bot resource: globally unique, 2-64 characters.')
@minLength(2)
@maxLength(64)
param botServiceName string

@description('Display name of the local bot.')
@maxLength(42)
param botDisplayName string

@description('Client id of the SingleTenant app registration made by aadApp/create (BOT_ID).')
param botAppId string

@description('Tenant of that app registration (BOT_TENANT_ID).')
param botTenantId string

@description('Public https URL of the dev tunnel to the local bot, without a path (BOT_ENDPOINT).')
param botEndpoint string

module botService 'modules/bot-service.bicep' = {
  name: 'pulldoctor-local-bot-service'
  params: {
    name: botServiceName
    displayName: botDisplayName
    endpoint: '${botEndpoint}/api/messages'
    appType: 'SingleTenant'
    appId: botAppId
    tenantId: botTenantId
    msiResourceId: ''
    sku: 'F0'
  }
}

@description('Resource id of the local Azure Bot resource.')
output AZURE_BOT_RESOURCE_ID string = botService.outputs.id
