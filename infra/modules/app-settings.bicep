// The environment variables of the Pull Doctor container: the configuration keys the code reads (CONFIG_KEYS in
// src/config/config.ts, one section file per concern). A setting with an empty value is left out, so the code's
// default applies. test/infra/app-settings.test.ts fails when this list and CONFIG_KEYS drift apart.
// No resources: this module only computes values.
targetScope = 'resourceGroup'

@description('Port the bot listens on (PORT); the Container App\'s ingress and probes use the same port.')
param port int

@description('Client id of the bot\'s user-assigned managed identity (AZURE_CLIENT_ID).')
param identityClientId string

@description('Entra tenant of the bot identity and of the clusters and registries it reads.')
param tenantId string

@description('Subscription whose clusters and registries the bot diagnoses (AZURE_SUBSCRIPTION_ID).')
param workloadSubscriptionId string

@description('UserAssignedMSI (the bot signs in to the Bot Framework with its managed identity, no secret) or SingleTenant (an Entra app registration with a client secret).')
@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param botAppType string

@description('Microsoft App ID of the bot: the managed identity\'s client id (UserAssignedMSI) or the app registration\'s client id (SingleTenant).')
param botAppId string

@description('Name of the Container Apps secret that holds the client secret (SingleTenant only; ignored otherwise).')
param botPasswordSecretName string

@description('Minimum level of the structured logs (LOG_LEVEL).')
@allowed([
  'debug'
  'info'
  'warn'
  'error'
])
param logLevel string

@description('Blob endpoint of the state storage account (STORE_BLOB_ACCOUNT_URL).')
param storeBlobAccountUrl string

@description('Blob container of the bot\'s state (STORE_BLOB_CONTAINER).')
param storeBlobContainer string

@description('People who may approve a fix (APPROVERS); empty leaves it to APPROVER_GROUP_ID.')
param approvers string = ''

@description('Object id of the Entra group whose members may approve a fix (APPROVER_GROUP_ID); empty for none.')
param approverGroupId string = ''

@description('How long a fix request waits for approval, e.g. 15m (FIX_REQUEST_TTL); empty for the code\'s default.')
param fixRequestTtl string = ''

@description('Microsoft Graph endpoint used to check approvers (GRAPH_ENDPOINT).')
param graphEndpoint string

@description('The clusters the bot serves (PULLDOCTOR_CONFIG), in the form the code documents; empty for the single-subscription default.')
param pulldoctorConfig string = ''

@description('Turn proactive alerts on (ALERTS_ENABLED): the pod watcher, alert cards in Teams and POST /api/alerts.')
param alertsEnabled bool = false

@description('Namespaces the alert watcher watches when the cluster file names none (ALERT_NAMESPACES, comma separated); empty for all.')
param alertNamespaces string = ''

@description('How long a pod must keep failing to pull before it is reported, e.g. 2m (ALERT_GRACE_PERIOD); empty for the code\'s default.')
param alertGracePeriod string = ''

@description('How often one workload may be announced in a new message, e.g. 4h (ALERT_QUIET_WINDOW); empty for the code\'s default.')
param alertQuietWindow string = ''

@description('New alerts per conversation and minute before they become one summary card, 1-100 (ALERT_FLOOD_THRESHOLD); empty for the code\'s default.')
param alertFloodThreshold string = ''

@description('Static alert routes, CLUSTER/NAMESPACE=CONVERSATION;... or JSON (ALERT_ROUTES); empty for chat subscriptions and the cluster file\'s routes only.')
param alertRoutes string = ''

@description('Namespace of the leader election Lease in each cluster (LEADER_ELECTION_NAMESPACE): the bot\'s namespace, where infra/k8s/leader-election.yaml lets it hold leases.')
param leaderElectionNamespace string = 'pulldoctor'

@description('Name of the leader election Lease (LEADER_ELECTION_LEASE_NAME); empty for the code\'s default.')
param leaderElectionLeaseName string = ''

@description('Name of the Container Apps secret that holds the Alertmanager webhook secret; empty when there is none (POST /api/alerts then answers 404).')
param alertmanagerSecretName string = ''

var settings = {
  // Bot (src/config/bot.ts): the Azure Bot resource's identity.
  MicrosoftAppId: botAppId
  MicrosoftAppType: botAppType == 'SingleTenant' ? 'SingleTenant' : 'UserAssignedMsi'
  MicrosoftAppTenantId: tenantId
  PORT: string(port)
  NODE_ENV: 'production'
  // Azure (src/config/azure.ts): the managed identity, chosen explicitly, never a default credential chain.
  AZURE_CREDENTIAL: 'managed-identity'
  AZURE_CLIENT_ID: identityClientId
  AZURE_TENANT_ID: tenantId
  AZURE_SUBSCRIPTION_ID: workloadSubscriptionId
  AZURE_RESOURCE_MANAGER_ENDPOINT: environment().resourceManager
  AZURE_AUTHORITY_HOST: environment().authentication.loginEndpoint
  // Logging (src/config/logging.ts).
  LOG_LEVEL: logLevel
  // Store (src/config/store.ts): a blob container, reached with the managed identity.
  STORE_KIND: 'azure-blob'
  STORE_BLOB_ACCOUNT_URL: storeBlobAccountUrl
  STORE_BLOB_CONTAINER: storeBlobContainer
  // Approvals.
  APPROVERS: approvers
  APPROVER_GROUP_ID: approverGroupId
  FIX_REQUEST_TTL: fixRequestTtl
  GRAPH_ENDPOINT: graphEndpoint
  // Multi-cluster.
  PULLDOCTOR_CONFIG: pulldoctorConfig
  // Alerts (src/config/alerts.ts). With several replicas one per cluster watches, holding a Lease in that cluster.
  ALERTS_ENABLED: alertsEnabled ? 'true' : 'false'
  ALERT_NAMESPACES: alertNamespaces
  ALERT_GRACE_PERIOD: alertGracePeriod
  ALERT_QUIET_WINDOW: alertQuietWindow
  ALERT_FLOOD_THRESHOLD: alertFloodThreshold
  ALERT_ROUTES: alertRoutes
  LEADER_ELECTION_NAMESPACE: leaderElectionNamespace
  LEADER_ELECTION_LEASE_NAME: leaderElectionLeaseName
}

// Settings whose value is a Container Apps secret: the value here is the secret's name, never the secret.
var secretSettings = {
  MicrosoftAppPassword: botAppType == 'SingleTenant' ? botPasswordSecretName : ''
  ALERTMANAGER_WEBHOOK_SECRET: alertmanagerSecretName
}

var plainEnv = map(filter(items(settings), s => !empty(s.value)), s => {
  name: s.key
  value: s.value
})

var secretEnv = map(filter(items(secretSettings), s => !empty(s.value)), s => {
  name: s.key
  secretRef: s.value
})

@description('The container\'s env array: { name, value } or { name, secretRef }.')
output env array = concat(plainEnv, secretEnv)
