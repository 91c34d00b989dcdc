// Pull Doctor in Azure: the bot's user-assigned managed identity, the registry its image is built into, its state (a
// blob container), its hosting (Azure Container Apps, probed on /healthz and /readyz) and the Azure Bot resource with
// the Teams channel. The bot's access to the registries and clusters it diagnoses is granted by access.bicep, which a
// reviewer can read on its own.
//
// Deployed by `atk provision` (m365agents.yml, arm/deploy) with azure.parameters.<env>.json, and again by
// `atk deploy` once the image exists. See docs/deploy.md.
targetScope = 'resourceGroup'

@description('Base of the resource names: 4-20 lowercase letters, digits and hyphens, e.g. pulldoctor-prod. Globally unique names add a hash of the resource group.')
@minLength(4)
@maxLength(20)
param resourceBaseName string

@description('Azure region of everything but the Azure Bot resource, which is global.')
param location string = resourceGroup().location

@description('Image to run, e.g. crpulldoctor1a2b3c4d.azurecr.io/pulldoctor:20250101T120000-0123456789ab (CONTAINER_IMAGE, written by `atk deploy`). Empty on the first provision: the Container App is then created by the first deploy.')
param containerImage string = ''

@description('Display name of the bot in the Azure portal.')
@maxLength(42)
param botDisplayName string

@description('How the bot authenticates to the Bot Framework. UserAssignedMSI (default): as its managed identity, with no secret to rotate. SingleTenant: as an Entra app registration of this tenant, with a client secret (botAppId, botAppPassword).')
@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param botAppType string = 'UserAssignedMSI'

@description('SingleTenant only: client id of the bot\'s Entra app registration. Ignored with UserAssignedMSI.')
param botAppId string = ''

@description('SingleTenant only: client secret of the bot\'s Entra app registration, kept as a Container Apps secret. Leave empty with UserAssignedMSI.')
@secure()
param botAppPassword string = ''

@description('Pricing tier of the Azure Bot resource. F0 is free and enough for the Teams channel.')
@allowed([
  'F0'
  'S1'
])
param botServiceSku string = 'F0'

@description('Port the bot listens on (PORT).')
param port int = 3978

@description('CPU cores of the container, as a decimal string.')
param cpuCores string = '0.5'

@description('Memory of the container; Container Apps needs 2Gi per core (0.5 cores: 1Gi).')
param memory string = '1Gi'

@description('Replicas always running (at least 1).')
@minValue(1)
param minReplicas int = 1

@description('Replicas at most.')
@minValue(1)
param maxReplicas int = 2

@description('Minimum level of the structured logs (LOG_LEVEL).')
@allowed([
  'debug'
  'info'
  'warn'
  'error'
])
param logLevel string = 'info'

@description('Days Log Analytics keeps the logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Replication of the state storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Subscription whose clusters and registries the bot diagnoses (AZURE_SUBSCRIPTION_ID); the bot\'s own subscription by default.')
param workloadSubscriptionId string = subscription().subscriptionId

@description('People who may approve a fix (APPROVERS), as the code documents them; empty leaves it to approverGroupId.')
param approvers string = ''

@description('Object id of the Entra group whose members may approve a fix (APPROVER_GROUP_ID); empty for none.')
param approverGroupId string = ''

@description('How long a fix request waits for approval, e.g. 15m (FIX_REQUEST_TTL); empty for the code\'s default.')
param fixRequestTtl string = ''

@description('Microsoft Graph endpoint (GRAPH_ENDPOINT); another one only in a sovereign cloud.')
param graphEndpoint string = 'https://graph.microsoft.com'

@description('The clusters the bot serves (PULLDOCTOR_CONFIG), in the form the code documents; empty for the single-subscription default.')
param pulldoctorConfig string = ''

@description('Turn proactive alerts on (ALERTS_ENABLED): failing pods posted to Teams, and POST /api/alerts for Alertmanager.')
param alertsEnabled bool = false

@description('Namespaces the alert watcher watches when the cluster file names none (ALERT_NAMESPACES); empty for all.')
param alertNamespaces string = ''

@description('How long a pod must keep failing to pull before it is reported, e.g. 2m (ALERT_GRACE_PERIOD); empty for the default.')
param alertGracePeriod string = ''

@description('How often one workload may be announced in a new message, e.g. 4h (ALERT_QUIET_WINDOW); empty for the default.')
param alertQuietWindow string = ''

@description('New alerts per conversation and minute before they become one summary card (ALERT_FLOOD_THRESHOLD); empty for the default (5).')
param alertFloodThreshold string = ''

@description('Static alert routes (ALERT_ROUTES), in the form docs/alerts.md describes; empty for none.')
param alertRoutes string = ''

@description('Namespace of the leader election Lease in each cluster (LEADER_ELECTION_NAMESPACE): the bot\'s namespace of infra/k8s/.')
param leaderElectionNamespace string = 'pulldoctor'

@description('Name of the leader election Lease (LEADER_ELECTION_LEASE_NAME); empty for the default.')
param leaderElectionLeaseName string = ''

@description('Bearer secret Alertmanager sends to POST /api/alerts (ALERTMANAGER_WEBHOOK_SECRET, at least 16 characters), kept as a Container Apps secret. Empty: the endpoint is off.')
@secure()
param alertmanagerWebhookSecret string = ''

@description('Tags put on every resource.')
param tags object = {}

// Names. Those that must be globally unique carry a hash of the resource group and base name.
var uniqueSuffix = uniqueString(resourceGroup().id, resourceBaseName)
var compactBaseName = toLower(replace(resourceBaseName, '-', ''))
var identityName = 'id-${resourceBaseName}'
var registryName = take('cr${compactBaseName}${uniqueSuffix}', 50)
var storageAccountName = 'st${take(compactBaseName, 9)}${uniqueSuffix}'
var environmentName = 'cae-${resourceBaseName}'
var logAnalyticsName = 'log-${resourceBaseName}'
var appName = 'ca-${resourceBaseName}'
var botServiceName = 'bot-${resourceBaseName}-${take(uniqueSuffix, 6)}'
var stateContainerName = 'pulldoctor'
var botPasswordSecretName = 'microsoft-app-password'
var alertmanagerSecretName = 'alertmanager-webhook-secret'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

module imageRegistry 'modules/image-registry.bicep' = {
  name: 'pulldoctor-image-registry'
  params: {
    name: registryName
    location: location
    principalId: identity.properties.principalId
    tags: tags
  }
}

module stateStorage 'modules/state-storage.bicep' = {
  name: 'pulldoctor-state-storage'
  params: {
    accountName: storageAccountName
    location: location
    skuName: storageSku
    containerName: stateContainerName
    principalId: identity.properties.principalId
    tags: tags
  }
}

module appsEnvironment 'modules/container-apps-environment.bicep' = {
  name: 'pulldoctor-apps-environment'
  params: {
    name: environmentName
    logAnalyticsName: logAnalyticsName
    location: location
    logRetentionDays: logRetentionDays
    tags: tags
  }
}

// The app's host name is known before the app exists: external ingress names it <app>.<environment domain>.
var botHost = '${appName}.${appsEnvironment.outputs.defaultDomain}'
var botAppIdInUse = botAppType == 'UserAssignedMSI' ? identity.properties.clientId : botAppId

module appSettings 'modules/app-settings.bicep' = {
  name: 'pulldoctor-app-settings'
  params: {
    port: port
    identityClientId: identity.properties.clientId
    tenantId: identity.properties.tenantId
    workloadSubscriptionId: workloadSubscriptionId
    botAppType: botAppType
    botAppId: botAppIdInUse
    botPasswordSecretName: botPasswordSecretName
    logLevel: logLevel
    storeBlobAccountUrl: stateStorage.outputs.blobEndpoint
    storeBlobContainer: stateContainerName
    approvers: approvers
    approverGroupId: approverGroupId
    fixRequestTtl: fixRequestTtl
    graphEndpoint: graphEndpoint
    pulldoctorConfig: pulldoctorConfig
    alertsEnabled: alertsEnabled
    alertNamespaces: alertNamespaces
    alertGracePeriod: alertGracePeriod
    alertQuietWindow: alertQuietWindow
    alertFloodThreshold: alertFloodThreshold
    alertRoutes: alertRoutes
    leaderElectionNamespace: leaderElectionNamespace
    leaderElectionLeaseName: leaderElectionLeaseName
    alertmanagerSecretName: empty(alertmanagerWebhookSecret) ? '' : alertmanagerSecretName
  }
}

module app 'modules/container-app.bicep' = if (!empty(containerImage)) {
  name: 'pulldoctor-container-app'
  params: {
    name: appName
    location: location
    environmentId: appsEnvironment.outputs.id
    image: containerImage
    registryServer: imageRegistry.outputs.loginServer
    identityId: identity.id
    port: port
    env: appSettings.outputs.env
    botPasswordSecretName: botPasswordSecretName
    botAppPassword: botAppPassword
    alertmanagerSecretName: alertmanagerSecretName
    alertmanagerWebhookSecret: alertmanagerWebhookSecret
    cpuCores: cpuCores
    memory: memory
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    tags: tags
  }
}

module botService 'modules/bot-service.bicep' = {
  name: 'pulldoctor-bot-service'
  params: {
    name: botServiceName
    displayName: botDisplayName
    endpoint: 'https://${botHost}/api/messages'
    appType: botAppType
    appId: botAppIdInUse
    tenantId: identity.properties.tenantId
    msiResourceId: identity.id
    sku: botServiceSku
    tags: tags
  }
}

// Outputs are written to env/.env.<env> by the Agents Toolkit.
@description('Microsoft App ID of the bot (the Teams app manifest\'s bot id; MicrosoftAppId for `npm run package`).')
output BOT_ID string = botAppIdInUse

@description('Host name of the bot\'s messaging endpoint.')
output BOT_DOMAIN string = botHost

@description('Resource id of the Azure Bot resource.')
output AZURE_BOT_RESOURCE_ID string = botService.outputs.id

@description('Object (principal) id of the bot\'s managed identity: what access.bicep and the Kubernetes bindings grant access to.')
output PULLDOCTOR_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId

@description('Client id of the bot\'s managed identity.')
output PULLDOCTOR_IDENTITY_CLIENT_ID string = identity.properties.clientId

@description('Name of the registry the image is built into (az acr build).')
output AZURE_CONTAINER_REGISTRY_NAME string = imageRegistry.outputs.name

@description('Login server of that registry.')
output AZURE_CONTAINER_REGISTRY_LOGIN_SERVER string = imageRegistry.outputs.loginServer

@description('Name of the Container App (az containerapp ...).')
output AZURE_CONTAINER_APP_NAME string = appName

@description('Name of the storage account that keeps the bot\'s state.')
output AZURE_STORAGE_ACCOUNT_NAME string = storageAccountName
