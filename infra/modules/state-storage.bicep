// The bot's state (fix requests, audit log, conversation references, alert de-duplication): one blob container in a
// storage account that accepts Entra ID only. The bot's identity may read and write blobs in that container and
// nothing else: it cannot create containers, list the account's keys, or touch another container.
targetScope = 'resourceGroup'

@description('Name of the storage account: 3-24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param accountName string

@description('Azure region of the storage account.')
param location string

@description('Replication of the storage account, e.g. Standard_LRS for development, Standard_ZRS for production.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

@description('Name of the blob container the bot keeps its state in (STORE_BLOB_CONTAINER).')
param containerName string

@description('Object (principal) id of the bot\'s user-assigned managed identity.')
param principalId string

@description('Days a deleted blob or container can be restored (soft delete): the way back after a bad write or a mistaken delete.')
@minValue(1)
@maxValue(365)
param deleteRetentionDays int = 7

@description('Tags put on every resource.')
param tags object = {}

var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    // Entra ID only: no account keys, no SAS signed with them. The bot authenticates with its managed identity.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

resource botMayReadAndWriteState 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(container.id, principalId, storageBlobDataContributorRoleId)
  scope: container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Pull Doctor keeps its state (fix requests, audit log, conversation references) in this container.'
  }
}

@description('Blob endpoint of the account, e.g. https://stpulldoctor1a2b3c.blob.core.windows.net/ (STORE_BLOB_ACCOUNT_URL).')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Resource id of the storage account.')
output accountId string = account.id
