// The bot itself: one container behind HTTPS ingress (POST /api/messages), probed on GET /healthz (liveness: the
// process answers) and GET /readyz (readiness: its dependencies answer; it is taken out of rotation, not restarted,
// while they do not). It runs as the bot's user-assigned managed identity and pulls its image with it.
targetScope = 'resourceGroup'

@description('Name of the Container App: lowercase letters, digits and hyphens, at most 32 characters.')
@maxLength(32)
param name string

@description('Azure region of the Container App.')
param location string

@description('Resource id of the Container Apps environment.')
param environmentId string

@description('Image to run, e.g. crpulldoctor1a2b3c4d.azurecr.io/pulldoctor:20250101T120000-0123456789ab.')
param image string

@description('Login server of the registry the image is pulled from.')
param registryServer string

@description('Resource id of the bot\'s user-assigned managed identity.')
param identityId string

@description('Port the bot listens on; ingress and probes use it.')
param port int

@description('The container\'s environment variables (from app-settings.bicep).')
param env array

@description('Name of the Container Apps secret that holds the bot\'s client secret (SingleTenant only).')
param botPasswordSecretName string

@description('Client secret of the bot\'s app registration (SingleTenant only); empty with UserAssignedMSI.')
@secure()
param botAppPassword string = ''

@description('Name of the Container Apps secret that holds the Alertmanager webhook secret.')
param alertmanagerSecretName string

@description('Bearer secret Alertmanager sends to POST /api/alerts; empty when the endpoint is off.')
@secure()
param alertmanagerWebhookSecret string = ''

@description('CPU cores of the container, as a decimal string (0.25, 0.5, 1...).')
param cpuCores string

@description('Memory of the container, matching the CPU (e.g. 1Gi for 0.5 cores).')
param memory string

@description('Replicas always running. At least 1: Teams expects an answer within seconds and the alert watcher must keep watching.')
@minValue(1)
param minReplicas int

@description('Replicas at most. Several replicas share the state store; alert watching elects one leader per cluster.')
@minValue(1)
param maxReplicas int

@description('Tags put on every resource.')
param tags object = {}

var botSecrets = empty(botAppPassword) ? [] : [
  {
    name: botPasswordSecretName
    value: botAppPassword
  }
]

var alertmanagerSecrets = empty(alertmanagerWebhookSecret) ? [] : [
  {
    name: alertmanagerSecretName
    value: alertmanagerWebhookSecret
  }
]

var secrets = concat(botSecrets, alertmanagerSecrets)

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    managedEnvironmentId: environmentId
    configuration: {
      // One revision at a time: a deploy replaces the running revision once the new one is ready (readiness probe).
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'pulldoctor'
          image: image
          resources: {
            cpu: json(cpuCores)
            memory: memory
          }
          env: env
          probes: [
            {
              // Up to 30 s to start before liveness applies.
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 3
              failureThreshold: 10
              timeoutSeconds: 2
            }
            {
              // Restart a process that no longer answers at all.
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 10
              failureThreshold: 3
              timeoutSeconds: 2
            }
            {
              // Send no traffic to a replica whose dependencies do not answer (or that is shutting down);
              // /readyz bounds each dependency check to 3 s.
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: port
              }
              periodSeconds: 10
              failureThreshold: 3
              successThreshold: 1
              timeoutSeconds: 5
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

@description('Resource id of the Container App.')
output id string = app.id

@description('Public host name of the Container App.')
output fqdn string = app.properties.configuration.ingress.fqdn

@description('Name of the revision the last deployment created.')
output latestRevisionName string = app.properties.latestRevisionName
