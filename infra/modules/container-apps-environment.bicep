// The Container Apps environment the bot runs in, with its logs (the bot's structured JSON lines on stdout) in a
// Log Analytics workspace.
targetScope = 'resourceGroup'

@description('Name of the Container Apps environment.')
param name string

@description('Name of the Log Analytics workspace that keeps the container logs.')
param logAnalyticsName string

@description('Azure region of the environment and the workspace.')
param location string

@description('Days the workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int

@description('Tags put on every resource.')
param tags object = {}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appsEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

@description('Resource id of the environment.')
output id string = appsEnvironment.id

@description('DNS suffix of the apps in this environment: an app named x with external ingress is https://x.<defaultDomain>.')
output defaultDomain string = appsEnvironment.properties.defaultDomain
